"""Jacobian norms against lag for the LSTM and the GRU, checked against torch autograd and finite differences."""
import numpy as np
import pytest
import torch

from lessons_lib.gradcheck import numerical_gradient
from lessons_lib.gru import GRUParams, gru_forward
from lessons_lib.jacobians import cell_path_gain, gru_jacobian_norms, lstm_jacobian_norms, rnn_jacobian_norms
from lessons_lib.lstm import LSTMParams, lstm_forward
from lessons_lib.rnn import RNNParams

SIZES = [(1, 1, 1, 1), (5, 2, 3, 4), (7, 3, 2, 5)]   # (T, B, I, H)


def _lstm_case(T, B, I, H, seed=0, scale=2.0):
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(I, H, seed=seed)
    params.W_ih *= scale
    params.W_hh *= scale                  # larger weights: every path matters, none is negligible
    return (params, rng.standard_normal((T, B, I)), 0.5 * rng.standard_normal((B, H)),
            0.5 * rng.standard_normal((B, H)))


def _torch_lstm_run(params, xs, h0, c0, k, which):
    """h_T and c_T, stacked (2, B, H), as a function of one variable: the state h_k or c_k *entering*
    step k+1 (h_0, c_0 = h0, c0), or the input xs[k] of that step."""
    cell = torch.nn.LSTMCell(params.input_size, params.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        cell.weight_ih.copy_(torch.from_numpy(params.W_ih))
        cell.weight_hh.copy_(torch.from_numpy(params.W_hh))
        cell.bias_ih.copy_(torch.from_numpy(params.b))
        cell.bias_hh.zero_()

    def run(value):
        h, c = torch.from_numpy(h0), torch.from_numpy(c0)
        for t in range(xs.shape[0]):
            if t == k and which == "h":
                h = value
            if t == k and which == "c":
                c = value
            x = value if (which == "x" and t == k) else torch.from_numpy(xs[t])
            h, c = cell(x, (h, c))
        return torch.stack([h, c])
    return run


@pytest.mark.parametrize("T,B,I,H", SIZES)
def test_lstm_jacobian_norms_equal_torch_autograd(T, B, I, H):
    params, xs, h0, c0 = _lstm_case(T, B, I, H)
    norms = lstm_jacobian_norms(xs, h0, c0, params)
    _, cache = lstm_forward(xs, h0, c0, params)
    h_in = np.concatenate([h0[None], cache.hidden[:-1]])      # h_k entering step k+1: (T, B, H)
    c_in = np.concatenate([c0[None], cache.cell[:-1]])
    assert norms.hidden.shape == norms.cell.shape == norms.input.shape == (T, B)
    for k in range(T):
        starts = {"h": h_in[k], "c": c_in[k], "x": xs[k]}
        J = {w: torch.autograd.functional.jacobian(_torch_lstm_run(params, xs, h0, c0, k, w),
                                                   torch.from_numpy(starts[w].copy())).numpy()
             for w in starts}            # (2, B, H, B, D): batch elements are independent
        for b in range(B):
            np.testing.assert_allclose(norms.hidden[k, b], np.linalg.norm(J["h"][0, b, :, b, :], 2), rtol=1e-10)
            np.testing.assert_allclose(norms.cell[k, b], np.linalg.norm(J["c"][1, b, :, b, :], 2), rtol=1e-10)
            np.testing.assert_allclose(norms.input[k, b], np.linalg.norm(J["x"][0, b, :, b, :], 2), rtol=1e-10)


def test_lstm_input_jacobian_by_finite_differences():
    """With I = 1, ∂h_T/∂x_k is one column: its norm must equal the length of the central-difference column."""
    params, xs, h0, c0 = _lstm_case(6, 1, 1, 3, seed=4)
    norms = lstm_jacobian_norms(xs, h0, c0, params)
    for k in range(6):
        column = np.array([numerical_gradient(lambda: lstm_forward(xs, h0, c0, params)[1].h_T[0, j], xs[k:k + 1])
                           [0, 0, 0] for j in range(3)])
        np.testing.assert_allclose(norms.input[k, 0], np.linalg.norm(column), rtol=1e-6)
    assert norms.input[-1, 0] > 0                      # the last input acts on h_T directly (lag 0)


def test_lstm_state_jacobian_by_finite_differences():
    """‖∂c_T/∂c_0‖ (row 0: back to c0) with H = 1 is |∂c_T/∂c0|, a plain central difference."""
    params, xs, h0, c0 = _lstm_case(5, 1, 2, 1, seed=6)
    norms = lstm_jacobian_norms(xs, h0, c0, params)
    d_cell = numerical_gradient(lambda: lstm_forward(xs, h0, c0, params)[1].c_T[0, 0], c0)[0, 0]
    d_hidden = numerical_gradient(lambda: lstm_forward(xs, h0, c0, params)[1].h_T[0, 0], h0)[0, 0]
    np.testing.assert_allclose(norms.cell[0, 0], abs(d_cell), rtol=1e-6)
    np.testing.assert_allclose(norms.hidden[0, 0], abs(d_hidden), rtol=1e-6)


def test_cell_path_is_the_product_of_forget_gates_when_the_hidden_path_is_cut():
    """With W_hh = 0, c_t reaches c_T only along the cell: ∂c_T/∂c_t = diag(f_{t+1} ⋯ f_T) exactly."""
    params, xs, h0, c0 = _lstm_case(9, 3, 2, 4, seed=2)
    params.W_hh[:] = 0.0
    norms = lstm_jacobian_norms(xs, h0, c0, params)
    _, cache = lstm_forward(xs, h0, c0, params)
    gain = cell_path_gain(cache.forget_gate)
    assert gain.shape == (9, 3, 4)
    np.testing.assert_allclose(norms.cell, gain.max(axis=-1), rtol=1e-12)   # spectral norm of a diagonal
    np.testing.assert_allclose(gain[-1], cache.forget_gate[-1])             # one step: f_T
    np.testing.assert_allclose(gain[0], np.prod(cache.forget_gate, axis=0), rtol=1e-12)   # back to c0


def test_cell_path_gain_rejects_bad_shapes():
    with pytest.raises(ValueError, match=r"forget_gates must be 3-D.*\(T, B, H\).*2-D shape \(4, 3\)"):
        cell_path_gain(np.ones((4, 3)))
    with pytest.raises(ValueError, match="floating dtype"):
        cell_path_gain(np.ones((4, 3, 2), dtype=int))


def test_lstm_jacobian_norms_validate_input():
    params = LSTMParams.init(3, 4)
    with pytest.raises(ValueError, match=r"xs must be 3-D"):
        lstm_jacobian_norms(np.zeros((5, 3)), np.zeros((2, 4)), np.zeros((2, 4)), params)
    with pytest.raises(ValueError, match=r"c0.*\(B=2, H=4\).*\(2, 3\)"):
        lstm_jacobian_norms(np.zeros((5, 2, 3)), np.zeros((2, 4)), np.zeros((2, 3)), params)


def _torch_gru_run(params, xs, h0, k, which):
    """h_T as a function of the state h_k entering step k+1 (h_0 = h0), or of the input xs[k]."""
    module = params.to_torch()
    cell = torch.nn.GRUCell(params.input_size, params.hidden_size, dtype=torch.float64)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(module, name + "_l0"))

    def run(value):
        h = torch.from_numpy(h0)
        for t in range(xs.shape[0]):
            if t == k and which == "h":
                h = value
            x = value if (which == "x" and t == k) else torch.from_numpy(xs[t])
            h = cell(x, h)
        return h
    return run


@pytest.mark.parametrize("T,B,I,H", SIZES)
def test_gru_jacobian_norms_equal_torch_autograd(T, B, I, H):
    rng = np.random.default_rng(3)
    params = GRUParams.init(I, H, seed=1)
    for field in ("W_ih", "W_hh", "b", "b_hn"):
        getattr(params, field)[...] = rng.uniform(-1.5, 1.5, getattr(params, field).shape)
    xs, h0 = rng.standard_normal((T, B, I)), 0.5 * rng.standard_normal((B, H))
    norms = gru_jacobian_norms(xs, h0, params)
    hs, _ = gru_forward(xs, h0, params)
    h_in = np.concatenate([h0[None], hs[:-1]])
    assert norms.hidden.shape == norms.input.shape == (T, B)
    for k in range(T):
        Jh = torch.autograd.functional.jacobian(_torch_gru_run(params, xs, h0, k, "h"),
                                                torch.from_numpy(h_in[k].copy())).numpy()
        Jx = torch.autograd.functional.jacobian(_torch_gru_run(params, xs, h0, k, "x"),
                                                torch.from_numpy(xs[k].copy())).numpy()
        for b in range(B):
            np.testing.assert_allclose(norms.hidden[k, b], np.linalg.norm(Jh[b, :, b, :], 2), rtol=1e-10)
            np.testing.assert_allclose(norms.input[k, b], np.linalg.norm(Jx[b, :, b, :], 2), rtol=1e-10)


def test_same_time_indices_as_the_rnn_helper():
    """A GRU that is a tanh RNN in disguise (z ≡ 0, r ≡ 1, b_hn = 0) gives rnn_jacobian_norms row for row."""
    from lessons_lib import rnn
    I, H = 2, 4
    rnn_params = rnn.RNNParams.init(I, H, seed=5)
    gru = GRUParams.init(I, H, seed=0)
    gru.W_ih[:2 * H] = 0.0
    gru.W_hh[:2 * H] = 0.0
    gru.b[:H], gru.b[H:2 * H] = 50.0, -50.0               # r = σ(50) = 1, z = σ(−50) ≈ 2e−22
    gru.W_ih[2 * H:], gru.W_hh[2 * H:] = rnn_params.W_xh, rnn_params.W_hh
    gru.b[2 * H:], gru.b_hn[:] = rnn_params.b, 0.0        # n = tanh(x W_xhᵀ + b + h W_hhᵀ), h_t = n
    xs, h0 = np.random.default_rng(1).standard_normal((9, 3, I)), np.zeros((3, H))
    np.testing.assert_allclose(gru_forward(xs, h0, gru)[0], rnn.rnn_forward(xs, h0, rnn_params)[0], atol=1e-12)
    for field in ("hidden", "input"):
        np.testing.assert_allclose(getattr(gru_jacobian_norms(xs, h0, gru), field),
                                   getattr(rnn_jacobian_norms(xs, h0, rnn_params), field), rtol=1e-9, err_msg=field)


def test_gru_update_gate_is_a_carousel():
    """With z ≡ 1 (huge update bias, no weights into z) the GRU copies h: ∂h_T/∂h_k = I at every lag."""
    params = GRUParams.init(2, 3, seed=0)
    params.W_ih[3:6] = 0.0
    params.W_hh[3:6] = 0.0
    params.b[3:6] = 50.0           # σ(50) = 1 in float64
    xs = np.random.default_rng(0).standard_normal((12, 2, 2))
    norms = gru_jacobian_norms(xs, np.zeros((2, 3)), params)
    np.testing.assert_allclose(norms.hidden, 1.0, rtol=1e-12)
    np.testing.assert_allclose(norms.input, 0.0, atol=1e-12)


def test_gru_jacobian_norms_validate_input():
    with pytest.raises(ValueError, match=r"h0.*\(B=2, H=4\).*\(2, 5\)"):
        gru_jacobian_norms(np.zeros((5, 2, 3)), np.zeros((2, 5)), GRUParams.init(3, 4))


def test_inputs_false_skips_only_the_input_norms():
    rng = np.random.default_rng(7)
    xs, h0 = rng.standard_normal((6, 2, 3)), 0.5 * rng.standard_normal((2, 4))
    runs = {"rnn": lambda **kw: rnn_jacobian_norms(xs, h0, RNNParams.init(3, 4), **kw),
            "lstm": lambda **kw: lstm_jacobian_norms(xs, h0, h0, LSTMParams.init(3, 4), **kw),
            "gru": lambda **kw: gru_jacobian_norms(xs, h0, GRUParams.init(3, 4), **kw)}
    for name, run in runs.items():
        full, states_only = run(), run(inputs=False)
        assert states_only.input is None and full.input.shape == (6, 2), name
        for field in full._fields:
            if field != "input":
                np.testing.assert_array_equal(getattr(states_only, field), getattr(full, field), err_msg=name)
