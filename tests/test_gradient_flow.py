"""lessons_lib.gradient_flow: matrices with a given spectral radius, the recurrence for three activations,
and lessons_lib.jacobians.jacobian_norms on it (against rnn_jacobian_norms for tanh and against torch autograd
for all)."""
import numpy as np
import pytest
import torch

from lessons_lib import gradient_flow as flow
from lessons_lib.activations import ACTIVATIONS
from lessons_lib.jacobians import jacobian_norms, rnn_jacobian_norms
from lessons_lib.rnn import RNNParams

TORCH_ACTIVATIONS = {"tanh": torch.tanh, "linear": lambda a: a, "relu": torch.relu}


@pytest.mark.parametrize("kind", flow.MATRIX_KINDS)
@pytest.mark.parametrize("rho", [0.3, 1.0, 1.7])
def test_recurrent_matrix_has_the_requested_spectral_radius(kind, rho):
    W = flow.recurrent_matrix(12, rho, kind, seed=1)
    assert W.shape == (12, 12)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(rho, rel=1e-10)


def test_orthogonal_is_normal_and_gaussian_is_not():
    Q = flow.recurrent_matrix(32, 0.9, "orthogonal", seed=0)
    G = flow.recurrent_matrix(32, 0.9, "gaussian", seed=0)
    np.testing.assert_allclose(Q @ Q.T, Q.T @ Q, atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(Q, compute_uv=False), 0.9, rtol=1e-12)  # every σ = ρ
    assert np.linalg.norm(G @ G.T - G.T @ G) > 0.1
    assert np.linalg.norm(G, 2) > 1.5 * 0.9  # σ_max well above ρ (about 2ρ for large H)


def test_seeded_and_reproducible():
    np.testing.assert_array_equal(flow.recurrent_matrix(5, 1.0, "gaussian", 3), flow.recurrent_matrix(5, 1.0, "gaussian", 3))
    np.testing.assert_array_equal(flow.input_drive(4, 2, 5, 1.0, 3), flow.input_drive(4, 2, 5, 1.0, 3))
    assert not np.array_equal(flow.input_drive(4, 2, 5, 1.0, 3), flow.input_drive(4, 2, 5, 1.0, 4))


def test_tanh_equals_hidden_jacobian_norms_with_identity_input_weights():
    T, B, H = 20, 3, 6
    W = flow.recurrent_matrix(H, 1.2, "gaussian", seed=2)
    drive = flow.input_drive(T, B, H, 0.8, seed=5)
    run = flow.run_recurrence(W, drive, "tanh")
    params = RNNParams(W_xh=np.eye(H), W_hh=W, b=np.zeros(H))
    np.testing.assert_allclose(jacobian_norms(W, run.derivatives),
                               rnn_jacobian_norms(drive, np.zeros((B, H)), params).hidden, rtol=1e-12)


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_jacobian_norms_match_torch_autograd(activation):
    T, B, H = 7, 2, 4
    W = flow.recurrent_matrix(H, 1.1, "gaussian", seed=7)
    drive = flow.input_drive(T, B, H, 1.0, seed=8)
    h0 = np.random.default_rng(0).standard_normal((B, H))
    run = flow.run_recurrence(W, drive, activation, h0=h0)
    phi, W_t = TORCH_ACTIVATIONS[activation], torch.tensor(W)
    states = [torch.tensor(h0)] + [torch.tensor(s) for s in run.states]
    expected = np.empty((T, B))
    for t in range(T):
        def last(h, t=t):
            for s in range(t, T):
                h = phi(torch.tensor(drive[s]) + h @ W_t.T)
            return h
        jac = torch.autograd.functional.jacobian(last, states[t])
        for k in range(B):
            expected[t, k] = torch.linalg.matrix_norm(jac[k, :, k, :], ord=2).item()
    np.testing.assert_allclose(jacobian_norms(W, run.derivatives), expected, rtol=1e-10, atol=1e-300)


def test_linear_zero_input_is_matrix_power_and_bound_holds():
    W = flow.recurrent_matrix(8, 0.95, "gaussian", seed=4)
    T = 15
    run = flow.run_recurrence(W, np.zeros((T, 1, 8)), "linear")
    norms = jacobian_norms(W, run.derivatives)[:, 0]
    powers = [np.linalg.norm(np.linalg.matrix_power(W, T - t), 2) for t in range(T)]
    np.testing.assert_allclose(norms, powers, rtol=1e-10)
    assert np.all(norms <= flow.singular_value_bound(W, T - np.arange(T)) * (1 + 1e-12))


def test_relu_derivative_is_zero_or_one_and_dead_state_blocks_gradient():
    W = flow.recurrent_matrix(6, 1.0, "orthogonal", seed=0)
    run = flow.run_recurrence(W, np.zeros((5, 2, 6)), "relu")  # h0 = 0, no input: every unit off
    assert set(np.unique(run.derivatives)) == {0.0}
    assert np.all(jacobian_norms(W, run.derivatives) == 0.0)
    run = flow.run_recurrence(W, flow.input_drive(5, 2, 6, 1.0, 1), "relu")
    assert set(np.unique(run.derivatives)) == {0.0, 1.0}


def test_tanh_derivative_is_one_minus_h_squared():
    run = flow.run_recurrence(flow.recurrent_matrix(4, 0.9), flow.input_drive(6, 2, 4, 2.0), "tanh")
    np.testing.assert_allclose(run.derivatives, 1 - run.states ** 2, rtol=1e-12)


@pytest.mark.parametrize("call,pattern", [
    (lambda: flow.recurrent_matrix(0, 1.0), "hidden_size must be a positive integer"),
    (lambda: flow.recurrent_matrix(4, -1.0), "spectral_radius must be"),
    (lambda: flow.recurrent_matrix(4, 1.0, "unitary"), r"kind must be one of \('orthogonal', 'gaussian'\)"),
    (lambda: flow.input_drive(3, 2, 4, -0.5), "scale must be"),
    (lambda: flow.run_recurrence(np.eye(4), np.zeros((3, 2, 4)), "sigmoid"), "activation must be one of"),
    (lambda: flow.run_recurrence(np.eye(3), np.zeros((3, 2, 4))), r"W_hh must have shape \(H=4, H=4\)"),
    (lambda: flow.run_recurrence(np.eye(4), np.zeros((3, 4))), r"drive must be 3-D"),
    (lambda: flow.run_recurrence(np.eye(4), np.zeros((3, 2, 4)), h0=np.zeros((4,))), r"h0 must be 2-D"),
    (lambda: jacobian_norms(np.eye(4), np.zeros((3, 2, 5))), r"W_hh must have shape \(H=5, H=5\)"),
])
def test_bad_input_raises_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
