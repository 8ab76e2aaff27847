"""lessons_lib.jacobians.rnn_jacobian_norms: ‖∂h_T/∂h_t‖₂ and ‖∂h_T/∂x_{t+1}‖₂ against torch autograd, the
exact ρ^lag case, the bound σ_max^lag, the row convention (row t = lag T − t) and bad input."""
import numpy as np
import pytest
import torch

from lessons_lib.gradient_flow import recurrent_matrix
from lessons_lib.jacobians import rnn_jacobian_norms
from lessons_lib.rnn import RNNParams, rnn_forward


def hidden_jacobian_norms(xs, h0, params):
    return rnn_jacobian_norms(xs, h0, params).hidden


def autograd_norms(xs, h0, params, wrt="h"):
    """Brute force: the full Jacobian of h_T with respect to every h_t (or input xs[t]) by torch autograd,
    then its 2-norm."""
    W_xh, W_hh, b = (torch.tensor(a) for a in (params.W_xh, params.W_hh, params.b))
    T, B, _ = xs.shape
    out = np.empty((T, B))
    for t in range(T):
        prefix = torch.tensor(h0)
        for s in range(t):  # h_t from the true history
            prefix = torch.tanh(torch.tensor(xs[s]) @ W_xh.T + prefix @ W_hh.T + b)

        def last_state(h_t, t=t):
            h = h_t
            for s in range(t, T):
                h = torch.tanh(torch.tensor(xs[s]) @ W_xh.T + h @ W_hh.T + b)
            return h

        def last_state_from_input(x_t, t=t):
            h = torch.tanh(x_t @ W_xh.T + prefix @ W_hh.T + b)       # step t+1 reads xs[t]
            return last_state(h, t + 1)

        if wrt == "h":
            jac = torch.autograd.functional.jacobian(last_state, prefix)  # (B, H, B, H); batch elements independent
        else:
            jac = torch.autograd.functional.jacobian(last_state_from_input, torch.tensor(xs[t]))  # (B, H, B, I)
        for k in range(B):
            out[t, k] = torch.linalg.matrix_norm(jac[k, :, k, :], ord=2).item()
    return out


@pytest.mark.parametrize("T,B,I,H", [(1, 1, 1, 1), (3, 2, 2, 4), (6, 3, 1, 5), (9, 1, 3, 3)])
def test_matches_torch_autograd(T, B, I, H):
    rng = np.random.default_rng(T * 100 + H)
    params = RNNParams.init(I, H, seed=H)
    params.W_hh[:] = rng.standard_normal((H, H)) * 1.2 / np.sqrt(H)
    xs, h0 = rng.standard_normal((T, B, I)), rng.standard_normal((B, H)) * 0.5
    norms = rnn_jacobian_norms(xs, h0, params)
    assert norms.hidden.shape == norms.input.shape == (T, B)
    np.testing.assert_allclose(norms.hidden, autograd_norms(xs, h0, params), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(norms.input, autograd_norms(xs, h0, params, wrt="x"), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("rho", [0.5, 0.9, 1.0, 1.1, 1.5])
def test_exact_rho_to_the_lag_with_zero_input_and_normal_matrix(rho):
    T, B, H = 40, 2, 16
    params = RNNParams(W_xh=np.zeros((H, 3)), W_hh=recurrent_matrix(H, rho, "orthogonal", seed=3), b=np.zeros(H))
    norms = hidden_jacobian_norms(np.zeros((T, B, 3)), np.zeros((B, H)), params)
    lags = T - np.arange(T)
    np.testing.assert_allclose(norms, np.repeat((rho ** lags)[:, None], B, axis=1), rtol=1e-10)


def test_non_normal_matrix_is_not_rho_to_the_lag_but_its_matrix_power():
    W = np.array([[0.5, 1.0], [0.0, 0.5]])  # ρ = 0.5, σ_max ≈ 1.207
    T = 8
    params = RNNParams(W_xh=np.zeros((2, 1)), W_hh=W, b=np.zeros(2))
    norms = hidden_jacobian_norms(np.zeros((T, 1, 1)), np.zeros((1, 2)), params)[:, 0]
    powers = [np.linalg.norm(np.linalg.matrix_power(W, T - t), ord=2) for t in range(T)]
    np.testing.assert_allclose(norms, powers, rtol=1e-12)
    assert norms[0] > 10 * 0.5 ** T  # far above ρ^lag
    assert norms[0] < np.linalg.norm(W, 2) ** T  # and below the bound


def test_bounded_by_largest_singular_value_to_the_lag():
    rng = np.random.default_rng(0)
    T, B, I, H = 25, 4, 3, 8
    params = RNNParams.init(I, H, seed=2)
    params.W_hh[:] = rng.standard_normal((H, H)) * 0.6
    norms = hidden_jacobian_norms(rng.standard_normal((T, B, I)), rng.standard_normal((B, H)), params)
    bound = np.linalg.norm(params.W_hh, 2) ** (T - np.arange(T))
    assert np.all(norms <= bound[:, None] * (1 + 1e-12))


def test_row_convention_last_row_is_one_step():
    """Row T−1 is ‖∂h_T/∂h_{T−1}‖ = ‖diag(1 − h_T²) W_hh‖; row 0 goes back to h0."""
    rng = np.random.default_rng(4)
    params = RNNParams.init(2, 3, seed=4)
    xs, h0 = rng.standard_normal((5, 2, 2)), rng.standard_normal((2, 3))
    hs, _ = rnn_forward(xs, h0, params)
    norms = hidden_jacobian_norms(xs, h0, params)
    for k in range(2):
        one_step = np.diag(1 - hs[-1, k] ** 2) @ params.W_hh
        assert norms[-1, k] == pytest.approx(np.linalg.norm(one_step, 2), rel=1e-12)


def test_float32_stays_float32():
    params = RNNParams.init(2, 3, seed=0, dtype=np.float32)
    norms = rnn_jacobian_norms(np.ones((4, 2, 2), np.float32), np.zeros((2, 3), np.float32), params)
    assert norms.hidden.dtype == norms.input.dtype == np.float32 and norms.hidden.shape == (4, 2)


@pytest.mark.parametrize("xs,h0,pattern", [
    (np.zeros((4, 2, 5)), np.zeros((2, 3)), r"I=2.*\(4, 2, 5\)"),
    (np.zeros((4, 2)), np.zeros((2, 3)), r"3-D.*2-D shape \(4, 2\)"),
    (np.zeros((4, 2, 2)), np.zeros((1, 2, 3)), r"h0.*\(B=2, H=3\)"),
    (np.zeros((4, 2, 2), dtype=int), np.zeros((2, 3)), r"floating dtype"),
    (np.zeros((0, 2, 2)), np.zeros((2, 3)), r"at least one time step"),
])
def test_bad_input_raises_clear_value_error(xs, h0, pattern):
    with pytest.raises(ValueError, match=pattern):
        hidden_jacobian_norms(xs, h0, RNNParams.init(2, 3))
