"""How far back a cell's last state depends on the past: ‖∂h_T/∂h_t‖ and ‖∂h_T/∂x_t‖ against the lag.

Notebook 02 (the tanh RNN, and any elementwise recurrence in its gradient-flow explorer) and notebook 03
(LSTM and GRU: the constant error carousel). One time convention for all: h_0 = ``h0`` is the initial state
and h_t = ``hs[t−1]`` for t = 1..T; the input x_{t+1} = ``xs[t]`` enters step t+1. Every result is ``(T, B)``
and its **row t** holds::

    hidden[t] = ‖∂h_T/∂h_t‖₂       lag T − t       (row 0 reaches back to h0; row T−1 is one step)
    input[t]  = ‖∂h_T/∂x_{t+1}‖₂   lag T − 1 − t   (row T−1 is the last input, which acts on h_T directly)

so ``lags = T - np.arange(T)`` for the states. ‖·‖₂ is the spectral norm (the largest singular value): the
most the Jacobian can stretch a gradient. All are computed the same way, walking backwards with the
product G = ∂s_T/∂s_k of one-step Jacobians (s is the state: h, or [h, c] for the LSTM)::

    G = I;   for k = T−1 … 0:   G_x = G · ∂s_{k+1}/∂x_{k+1};   G ← G · ∂s_{k+1}/∂s_k

Jacobians in column convention, batched: J[b, j, d] = ∂out_j/∂in_d, shape ``(B, out, in)``.
Cost O(T·B·H³): meant for the sizes of a lesson (H up to ~100). ``inputs=False`` skips the input norms
(``input`` is then ``None``), about half the work when I ≈ H.
"""
from __future__ import annotations

from typing import Callable, Iterator, NamedTuple

import numpy as np

from ._validate import as_float_array, check_ndim, check_shape
from .gru import GRUParams, gru_forward
from .lstm import LSTMParams, lstm_forward
from .rnn import RNNParams, rnn_forward


class JacobianNorms(NamedTuple):
    """``hidden[t] = ‖∂h_T/∂h_t‖₂`` and ``input[t] = ‖∂h_T/∂x_{t+1}‖₂``, each ``(T, B)`` (tanh RNN and GRU;
    ``input`` is ``None`` when not asked for)."""

    hidden: np.ndarray
    input: np.ndarray


class LSTMJacobianNorms(NamedTuple):
    """As :class:`JacobianNorms`, plus ``cell[t] = ‖∂c_T/∂c_t‖₂``; each ``(T, B)`` (``input`` may be ``None``).

    ``hidden`` holds c_t fixed and ``cell`` holds h_t fixed (every path through the step is counted).
    """

    hidden: np.ndarray
    cell: np.ndarray
    input: np.ndarray


def _walk_back(T: int, B: int, size: int, dtype, step_jacobians: Callable) -> Iterator:
    """Yield ``(k, ∂s_T/∂s_k, ∂s_T/∂x_{k+1})`` for k = T−1 … 0.

    ``step_jacobians(k)`` returns ∂s_{k+1}/∂s_k ``(B, size, size)`` and ∂s_{k+1}/∂x_{k+1} ``(B, size, I)``
    (or ``None`` when the input is not wanted).
    """
    G = np.broadcast_to(np.eye(size, dtype=dtype), (B, size, size))  # ∂s_T/∂s_T = I
    for k in reversed(range(T)):
        to_state, to_input = step_jacobians(k)
        through_input = None if to_input is None else G @ to_input
        G = G @ to_state
        yield k, G, through_input


def _norm(jacobians: np.ndarray) -> np.ndarray:
    """The spectral norm of each matrix in a batch ``(B, m, n)`` -> ``(B,)``."""
    return np.linalg.norm(jacobians, ord=2, axis=(1, 2))


def jacobian_norms(W_hh, derivatives) -> np.ndarray:
    """‖∂h_T/∂h_t‖₂ ``(T, B)`` for any elementwise recurrence h_t = φ(u_t + h_{t−1} W_hhᵀ).

    ``W_hh (H, H)``; ``derivatives (T, B, H)`` are φ'(a_1) … φ'(a_T) at the pre-activations, e.g. from
    :func:`lessons_lib.gradient_flow.run_recurrence` (tanh, linear, relu). One step back is
    ∂h_{k+1}/∂h_k = diag(φ'(a_{k+1})) W_hh. Pascanu et al.'s (2013) bound: ≤ (max|φ'| · σ_max(W_hh))^lag.
    """
    W_hh = as_float_array("W_hh", W_hh)
    derivatives = as_float_array("derivatives", derivatives)
    check_ndim("derivatives", derivatives, 3, "(T, B, H)")
    T, B, H = derivatives.shape
    check_shape("W_hh", W_hh, (H, H), f"(H={H}, H={H})")
    dtype = np.result_type(W_hh, derivatives)
    norms = np.empty((T, B), dtype=dtype)
    for k, G, _ in _walk_back(T, B, H, dtype, lambda k: (derivatives[k][:, :, None] * W_hh, None)):
        norms[k] = _norm(G)
    return norms


def rnn_jacobian_norms(xs, h0, params: RNNParams, inputs: bool = True) -> JacobianNorms:
    """:class:`JacobianNorms` of the tanh RNN run on ``xs (T, B, I)`` from ``h0 (B, H)`` (checked as in ``rnn_forward``).

    One step, with D = diag(1 − h_{k+1}²) the tanh derivative::

        ∂h_{k+1}/∂h_k = D W_hh,    ∂h_{k+1}/∂x_{k+1} = D W_xh

    so ∂h_T/∂h_t = diag(1 − h_T²) W_hh ⋯ diag(1 − h_{t+1}²) W_hh (BPTT multiplies by the transpose, which has
    the same singular values). With zero input, ``b = 0`` and ``h0 = 0`` every h is 0, the product is
    W_hh^(T−t), and its norm is ρ(W_hh)^(T−t) exactly when W_hh is normal (e.g. a scaled orthogonal matrix).
    """
    hs, _ = rnn_forward(xs, h0, params)
    T, B, H = hs.shape
    D = (1.0 - hs ** 2)[..., None]                       # (T, B, H, 1): diag(1 − h²) as a row scale
    hidden, input_norms = np.empty((T, B), dtype=params.dtype), np.empty((T, B), dtype=params.dtype)
    steps = lambda k: (D[k] * params.W_hh, D[k] * params.W_xh if inputs else None)
    for k, G, G_x in _walk_back(T, B, H, params.dtype, steps):
        hidden[k] = _norm(G)
        if inputs:
            input_norms[k] = _norm(G_x)
    return JacobianNorms(hidden, input_norms if inputs else None)


def _lstm_through_gates(cache, k: int, c_prev, weights):
    """∂h_{k+1}/∂u and ∂c_{k+1}/∂u ``(B, H, D)`` for an input u of step k+1 whose weights are ``weights (4H, D)``:
    ``W_hh`` for u = h_k, ``W_ih`` for u = x_{k+1}. Gate values from ``cache`` row k; ``c_prev (B, H)`` = c_k::

        ∂c/∂u = diag(c_prev f(1−f)) W_f + diag(g i(1−i)) W_i + diag(i (1−g²)) W_g
        ∂h/∂u = diag(tanh(c) o(1−o)) W_o + diag(o (1−tanh²c)) ∂c/∂u
    """
    W_i, W_f, W_g, W_o = np.split(weights, 4, axis=0)           # each (H, D)
    i, f, g, o = cache.input_gate[k], cache.forget_gate[k], cache.candidate[k], cache.output_gate[k]
    tanh_c = np.tanh(cache.cell[k])
    col = lambda v: v[:, :, None]                                 # (B, H) -> (B, H, 1): scales rows
    dc = col(c_prev * f * (1 - f)) * W_f + col(g * i * (1 - i)) * W_i + col(i * (1 - g ** 2)) * W_g
    dh = col(tanh_c * o * (1 - o)) * W_o + col(o * (1 - tanh_c ** 2)) * dc
    return dh, dc


def lstm_jacobian_norms(xs, h0, c0, params: LSTMParams, inputs: bool = True) -> LSTMJacobianNorms:
    """:class:`LSTMJacobianNorms` of the LSTM run on ``xs (T, B, I)`` from ``h0, c0 (B, H)``.

    The state is s = [h, c] (2H). One step back::

        ∂s_{k+1}/∂s_k = [[∂h/∂h_k,  diag(o (1 − tanh² c) f)],
                         [∂c/∂h_k,  diag(f)                ]]     (gates of step k+1)

    The lower-right block is the cell path: along it alone, ∂c_T/∂c_t = diag(Π f) (:func:`cell_path_gain`).
    """
    _, cache = lstm_forward(xs, h0, c0, params)
    T, B, H = cache.hidden.shape
    c_prevs = np.concatenate([cache.c0[None], cache.cell[:-1]])          # c_k entering step k+1

    def steps(k):
        dh_dh, dc_dh = _lstm_through_gates(cache, k, c_prevs[k], params.W_hh)    # (B, H, H)
        f = cache.forget_gate[k]
        dh_dc = cache.output_gate[k] * (1 - np.tanh(cache.cell[k]) ** 2) * f     # diagonal
        to_state = np.empty((B, 2 * H, 2 * H), dtype=params.dtype)
        to_state[:, :H, :H], to_state[:, H:, :H] = dh_dh, dc_dh
        to_state[:, :H, H:] = dh_dc[:, :, None] * np.eye(H)
        to_state[:, H:, H:] = f[:, :, None] * np.eye(H)
        if not inputs:
            return to_state, None
        dh_dx, dc_dx = _lstm_through_gates(cache, k, c_prevs[k], params.W_ih)    # (B, H, I)
        return to_state, np.concatenate([dh_dx, dc_dx], axis=1)

    hidden, cell, input_norms = (np.empty((T, B), dtype=params.dtype) for _ in range(3))
    for k, G, G_x in _walk_back(T, B, 2 * H, params.dtype, steps):
        hidden[k], cell[k] = _norm(G[:, :H, :H]), _norm(G[:, H:, H:])
        if inputs:
            input_norms[k] = _norm(G_x[:, :H])
    return LSTMJacobianNorms(hidden, cell, input_norms if inputs else None)


def cell_path_gain(forget_gates) -> np.ndarray:
    """∂c_T/∂c_t along the LSTM's cell path alone: the product of the forget gates that follow c_t.

    ``forget_gates (T, B, H)`` (``cache.forget_gate``; row s is the gate f_{s+1} of step s+1) -> ``(T, B, H)``
    whose row t is Π_{s=t+1}^{T} f_s, the diagonal of ∂c_T/∂c_t along the cell (lag T − t; row 0 reaches back
    to ``c0``). This is what the constant error carousel keeps: with f ≡ 1 (the 1997 LSTM had no forget gate)
    it is exactly 1 at every lag.
    """
    f = as_float_array("forget_gates", forget_gates)
    if f.ndim != 3:
        raise ValueError(f"forget_gates must be 3-D with shape (T, B, H), like cache.forget_gate; "
                         f"got {f.ndim}-D shape {f.shape}")
    return np.cumprod(f[::-1], axis=0)[::-1]                  # row t: f_{t+1} · f_{t+2} ⋯ f_T


def _gru_step_jacobians(cache, k: int, h_prev, params: GRUParams, inputs: bool = True):
    """``(∂h_{k+1}/∂h_k (B, H, H), ∂h_{k+1}/∂x_{k+1} (B, H, I))`` from the gates of ``cache`` row k; ``h_prev`` = h_k.

    With hn = h_k W_hnᵀ + b_hn and n = tanh(x W_inᵀ + b_in + r ⊙ hn)::

        ∂h/∂h_k = diag(z) + diag((h_k − n) z(1−z)) W_hz + diag((1−z)(1−n²)) [diag(r) W_hn + diag(hn r(1−r)) W_hr]
        ∂h/∂x   = diag((h_k − n) z(1−z)) W_iz + diag((1−z)(1−n²)) [W_in + diag(hn r(1−r)) W_ir]

    The first term, diag(z), is the GRU's own "carousel": the update gate copies h_k forward.
    """
    W_ir, W_iz, W_in = np.split(params.W_ih, 3, axis=0)
    W_hr, W_hz, W_hn = np.split(params.W_hh, 3, axis=0)
    r, z, n = cache.reset_gate[k], cache.update_gate[k], cache.candidate[k]
    hn = h_prev @ W_hn.T + params.b_hn
    col = lambda v: v[:, :, None]                                    # (B, H) -> (B, H, 1): scales rows
    through_z = col((h_prev - n) * z * (1 - z))
    through_n = col((1 - z) * (1 - n ** 2))
    through_r = col(hn * r * (1 - r))
    dh_dh = col(z) * np.eye(params.hidden_size) + through_z * W_hz + through_n * (col(r) * W_hn + through_r * W_hr)
    dh_dx = through_z * W_iz + through_n * (W_in + through_r * W_ir) if inputs else None
    return dh_dh, dh_dx


def gru_jacobian_norms(xs, h0, params: GRUParams, inputs: bool = True) -> JacobianNorms:
    """:class:`JacobianNorms` of the GRU run on ``xs (T, B, I)`` from ``h0 (B, H)`` (one step: see
    :func:`_gru_step_jacobians`)."""
    hs, cache = gru_forward(xs, h0, params)
    T, B, H = hs.shape
    h_prevs = np.concatenate([cache.h0[None], hs[:-1]])                 # h_k entering step k+1
    hidden, input_norms = np.empty((T, B), dtype=params.dtype), np.empty((T, B), dtype=params.dtype)
    steps = lambda k: _gru_step_jacobians(cache, k, h_prevs[k], params, inputs)
    for k, G, G_x in _walk_back(T, B, H, params.dtype, steps):
        hidden[k] = _norm(G)
        if inputs:
            input_norms[k] = _norm(G_x)
    return JacobianNorms(hidden, input_norms if inputs else None)
