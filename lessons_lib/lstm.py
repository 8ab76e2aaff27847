"""The LSTM cell in numpy: forward pass with a full gate trace, and backpropagation through time.

Equations (one time step, batch of row vectors; σ is the logistic sigmoid, ⊙ elementwise)::

    i_t = σ(x_t W_iiᵀ + h_{t−1} W_hiᵀ + b_i)      input gate      输入门
    f_t = σ(x_t W_ifᵀ + h_{t−1} W_hfᵀ + b_f)      forget gate     遗忘门
    g_t = tanh(x_t W_igᵀ + h_{t−1} W_hgᵀ + b_g)   candidate C̃_t   候选记忆
    o_t = σ(x_t W_ioᵀ + h_{t−1} W_hoᵀ + b_o)      output gate     输出门
    c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t               cell state      记忆单元
    h_t = o_t ⊙ tanh(c_t)                         hidden state    隐藏状态

The four blocks are stacked row-wise in torch's order **input, forget, candidate (g), output**:
``W_ih (4H, I)`` is ``weight_ih_l0``, ``W_hh (4H, H)`` is ``weight_hh_l0`` and
``b = bias_ih_l0 + bias_hh_l0`` ``(4H,)``. Shapes are time-major: ``xs (T, B, I)``, states ``(B, H)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _torch_interop as interop
from ._validate import (as_float_array, check_grad_sequence, check_params_block, check_sequence,
                        check_state, check_step_input)

GATE_ORDER = ("input", "forget", "candidate", "output")
"""Row-block order in ``W_ih``, ``W_hh`` and ``b`` (torch's i, f, g, o)."""


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^(−a)), written to avoid overflow warnings for large negative ``a``."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


class GateBlock(NamedTuple):
    """One gate's slice of the parameters: ``W_ih (H, I)``, ``W_hh (H, H)``, ``b (H,)`` (views, not copies)."""

    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray


class LSTMStep(NamedTuple):
    """Everything one LSTM step computes, each ``(B, H)``; stacked over time in a trace, ``(T, B, H)``."""

    input_gate: np.ndarray
    forget_gate: np.ndarray
    candidate: np.ndarray
    output_gate: np.ndarray
    cell: np.ndarray
    hidden: np.ndarray


@dataclass
class LSTMParams:
    """Weights of one LSTM layer: ``W_ih (4H, I)``, ``W_hh (4H, H)``, ``b (4H,)``, blocks i, f, g, o."""

    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        self.W_ih = as_float_array("LSTMParams.W_ih", self.W_ih)
        self.W_hh = as_float_array("LSTMParams.W_hh", self.W_hh)
        self.b = as_float_array("LSTMParams.b", self.b)
        if self.W_ih.ndim != 2 or self.W_ih.shape[0] % 4 != 0:
            raise ValueError(f"LSTMParams.W_ih must have shape (4H, I); got {self.W_ih.shape}")
        H4, I = self.W_ih.shape
        check_params_block("LSTMParams", {"W_ih": self.W_ih, "W_hh": self.W_hh, "b": self.b},
                           {"W_ih": (H4, I), "W_hh": (H4, H4 // 4), "b": (H4,)})

    @property
    def input_size(self) -> int:
        return self.W_ih.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.W_ih.shape[0] // 4

    @property
    def dtype(self) -> np.dtype:
        return self.W_ih.dtype

    def gate(self, name: str) -> GateBlock:
        """The block of one gate by name (``'input'``, ``'forget'``, ``'candidate'``, ``'output'``).

        The arrays are views: writing into them changes the parameters.
        """
        if name not in GATE_ORDER:
            raise ValueError(f"gate name must be one of {GATE_ORDER}; got {name!r}")
        H = self.hidden_size
        rows = slice(GATE_ORDER.index(name) * H, (GATE_ORDER.index(name) + 1) * H)
        return GateBlock(self.W_ih[rows], self.W_hh[rows], self.b[rows])

    @classmethod
    def init(cls, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64,
             forget_bias: float | None = None) -> "LSTMParams":
        """Draw every weight from U(−1/√H, 1/√H) (torch's default); optionally set the forget-gate bias.

        ``forget_bias=1.0`` is the initialisation recommended by Gers et al. (2000) and
        Jozefowicz et al. (2015): the cell starts out remembering.
        """
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(hidden_size)
        draw = lambda *shape: rng.uniform(-bound, bound, size=shape).astype(dtype)
        H = hidden_size
        params = cls(W_ih=draw(4 * H, input_size), W_hh=draw(4 * H, H), b=draw(4 * H))
        if forget_bias is not None:
            params.gate("forget").b[:] = forget_bias
        return params

    @classmethod
    def from_torch(cls, module) -> "LSTMParams":
        """Copy a single-layer ``torch.nn.LSTM`` (or ``nn.LSTMCell``); the two biases are summed into ``b``."""
        weights = interop.read_weights(module, "LSTM")
        return cls(W_ih=weights.weight_ih, W_hh=weights.weight_hh, b=weights.bias_ih + weights.bias_hh)

    def to_torch(self, batch_first: bool = False):
        """A ``torch.nn.LSTM`` computing the same function (``b`` goes to ``bias_ih_l0``, ``bias_hh_l0 = 0``)."""
        import torch.nn as nn

        module = nn.LSTM(self.input_size, self.hidden_size, batch_first=batch_first,
                         dtype=interop.torch_dtype(self.W_ih))
        interop.write_weights(module, interop.TorchWeights(self.W_ih, self.W_hh, self.b, np.zeros_like(self.b)))
        return module


def _gates(x, h_prev, params: LSTMParams):
    """The four gate activations from the pre-activation a = x W_ihᵀ + h_prev W_hhᵀ + b, split i, f, g, o."""
    a_i, a_f, a_g, a_o = np.split(x @ params.W_ih.T + h_prev @ params.W_hh.T + params.b, 4, axis=-1)
    return sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)


def lstm_step(x, h_prev, c_prev, params: LSTMParams) -> LSTMStep:
    """One LSTM step: ``x (B, I)``, ``h_prev (B, H)``, ``c_prev (B, H)`` -> :class:`LSTMStep` of ``(B, H)`` arrays."""
    x = check_step_input(x, params.input_size, params.dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], params.hidden_size, params.dtype)
    c_prev = check_state("c_prev", c_prev, x.shape[0], params.hidden_size, params.dtype)
    i, f, g, o = _gates(x, h_prev, params)
    c = f * c_prev + i * g      # c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
    h = o * np.tanh(c)          # h_t = o_t ⊙ tanh(c_t)
    return LSTMStep(i, f, g, o, c, h)


def lstm_forward(xs, h0, c0, params: LSTMParams):
    """Unroll :func:`lstm_step` over ``xs (T, B, I)`` from ``h0, c0 (B, H)``.

    Returns ``(hs (T, B, H), (h_T, c_T), trace)``, where ``trace`` is an :class:`LSTMStep` whose
    fields are stacked over time, ``(T, B, H)`` each: the values the gate plots read, and what
    :func:`lstm_backward` needs.
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    c = check_state("c0", c0, xs.shape[1], params.hidden_size, params.dtype)
    steps = []
    for x in xs:
        i, f, g, o = _gates(x, h, params)
        c = f * c + i * g
        h = o * np.tanh(c)
        steps.append((i, f, g, o, c, h))
    trace = LSTMStep(*(np.stack(field) for field in zip(*steps)))
    return trace.hidden, (h, c), trace


def lstm_backward(dhs, trace: LSTMStep, xs, h0, c0, params: LSTMParams, dc_T=None):
    """Backpropagation through time for :func:`lstm_forward`.

    ``dhs (T, B, H)`` is ∂L/∂h_t from the loss; ``dc_T (B, H)`` an optional gradient on the final
    cell. ``trace`` comes from the forward pass over the same ``xs, h0, c0, params``. Per step,
    going backwards (dh and dc include what flows back from step t+1)::

        dc  += dh ⊙ o ⊙ (1 − tanh²(c_t))          through h_t = o ⊙ tanh(c_t)
        da_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)
        da_i = dc ⊙ g ⊙ i(1 − i)
        da_g = dc ⊙ i ⊙ (1 − g²)
        da_f = dc ⊙ c_{t−1} ⊙ f(1 − f)
        dc_{t−1} = dc ⊙ f                          the cell path: a product of forget gates
        dh_{t−1} = dhs[t−1] + da W_hh,   dx_t = da W_ih,   da = [da_i, da_f, da_g, da_o]

    Returns ``(grads: LSTMParams, dxs (T, B, I), dh0 (B, H), dc0 (B, H))``.
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h0 = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    c0 = check_state("c0", c0, xs.shape[1], params.hidden_size, params.dtype)
    T, B, _ = xs.shape
    H = params.hidden_size
    if trace.hidden.shape != (T, B, H):
        raise ValueError(f"trace must come from the forward pass over xs: expected hidden of shape "
                         f"{(T, B, H)}; got {trace.hidden.shape}")
    dhs = check_grad_sequence(dhs, (T, B, H), params.dtype)
    dc = np.zeros_like(c0) if dc_T is None else check_state("dc_T", dc_T, B, H, params.dtype)
    h_prevs = np.concatenate([h0[None], trace.hidden[:-1]])
    c_prevs = np.concatenate([c0[None], trace.cell[:-1]])
    das = np.empty((T, B, 4 * H), dtype=params.dtype)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        i, f, g, o = trace.input_gate[t], trace.forget_gate[t], trace.candidate[t], trace.output_gate[t]
        tanh_c = np.tanh(trace.cell[t])
        dh = dhs[t] + dh_next
        dc = dc + dh * o * (1.0 - tanh_c ** 2)
        das[t] = np.concatenate([dc * g * i * (1 - i),            # input gate
                                 dc * c_prevs[t] * f * (1 - f),   # forget gate
                                 dc * i * (1 - g ** 2),           # candidate
                                 dh * tanh_c * o * (1 - o)],      # output gate
                                axis=-1)
        dc = dc * f
        dh_next = das[t] @ params.W_hh
    grads = LSTMParams(W_ih=np.einsum("tbk,tbi->ki", das, xs), W_hh=np.einsum("tbk,tbh->kh", das, h_prevs),
                       b=das.sum(axis=(0, 1)))
    return grads, das @ params.W_ih, dh_next, dc


# ---------------------------------------------------------------------------------------------
# How far back h_T depends on the past: Jacobians against lag (notebook 03, the constant error
# carousel). Time indices as in ``rnn.hidden_jacobian_norms``: the state entering step t+1 is
# s_t = (h_t, c_t), with s_0 = (h0, c0) and h_t = hs[t−1] for t ≥ 1; x_{t+1} = xs[t] enters the same step.
# ---------------------------------------------------------------------------------------------

class LSTMJacobianNorms(NamedTuple):
    """Spectral norms (largest singular values) against time, each ``(T, B)``.

    Row t (t = 0, …, T−1) holds ``hidden[t] = ‖∂h_T/∂h_t‖₂`` (c_t held fixed) and ``cell[t] = ‖∂c_T/∂c_t‖₂``
    (h_t held fixed, every path), for the state *entering* step t+1: lag T − t, so row 0 reaches back
    to ``h0, c0``; and ``input[t] = ‖∂h_T/∂x_{t+1}‖₂`` for the input ``xs[t]`` of that step: lag T − 1 − t.
    """

    hidden: np.ndarray
    cell: np.ndarray
    input: np.ndarray


def _step_jacobians(step: LSTMStep, c_prev, weights):
    """∂h_t/∂u and ∂c_t/∂u ``(B, H, D)`` for one step, where the pre-activation is a = u Wᵀ + ...

    ``weights (4H, D)`` is ``W_hh`` for u = h_{t−1} or ``W_ih`` for u = x_t; the gate values come
    from ``step``, ``c_prev (B, H)`` is c_{t−1}. Column convention: J[b, j, d] = ∂out_j/∂u_d::

        ∂c_t/∂u = diag(c_{t−1} f(1−f)) W_f + diag(g i(1−i)) W_i + diag(i (1−g²)) W_g
        ∂h_t/∂u = diag(tanh(c_t) o(1−o)) W_o + diag(o (1−tanh²c_t)) ∂c_t/∂u
    """
    W_i, W_f, W_g, W_o = np.split(weights, 4, axis=0)           # each (H, D)
    i, f, g, o = step.input_gate, step.forget_gate, step.candidate, step.output_gate
    tanh_c = np.tanh(step.cell)
    col = lambda v: v[:, :, None]                                 # (B, H) -> (B, H, 1): scales rows
    dc = col(c_prev * f * (1 - f)) * W_f + col(g * i * (1 - i)) * W_i + col(i * (1 - g ** 2)) * W_g
    dh = col(tanh_c * o * (1 - o)) * W_o + col(o * (1 - tanh_c ** 2)) * dc
    return dh, dc


def lstm_jacobian_norms(xs, h0, c0, params: LSTMParams) -> LSTMJacobianNorms:
    """How strongly h_T and c_T depend on every earlier state and input: spectral norms, ``(T, B)`` each.

    ``xs (T, B, I)``, ``h0, c0 (B, H)``; rows as in :class:`LSTMJacobianNorms` (row t: lag T − t for the
    states, T − 1 − t for the inputs). Walks backwards with the state s_t = [h_t, c_t] (2H)::

        G = I (2H × 2H) = ∂[h_T, c_T]/∂s_T;   at each step:   G ← G · ∂s_t/∂s_{t−1}

        ∂s_t/∂s_{t−1} = [[∂h_t/∂h_{t−1},  diag(o_t (1 − tanh² c_t) f_t)],
                         [∂c_t/∂h_{t−1},  diag(f_t)                    ]]

    The lower-right block is the cell path: along it alone, ∂c_T/∂c_t = diag(Π f) (see
    :func:`cell_path_gain`). Cost O(T·B·H³); meant for the sizes of a lesson (H up to ~100).
    """
    hs, _, trace = lstm_forward(xs, h0, c0, params)
    T, B, H = hs.shape
    c_prevs = np.concatenate([np.asarray(c0)[None], trace.cell[:-1]])              # cell entering step k
    hidden, cell, inputs = (np.empty((T, B), dtype=params.dtype) for _ in range(3))
    G = np.broadcast_to(np.eye(2 * H, dtype=params.dtype), (B, 2 * H, 2 * H)).copy()
    for k in reversed(range(T)):                 # step k (0-based) reads xs[k] and s_k, writes s_{k+1}
        step = LSTMStep(*(field[k] for field in trace))
        dh_dx, dc_dx = _step_jacobians(step, c_prevs[k], params.W_ih)                  # (B, H, I)
        inputs[k] = np.linalg.norm(G[:, :H, :H] @ dh_dx + G[:, :H, H:] @ dc_dx, ord=2, axis=(1, 2))
        dh_dh, dc_dh = _step_jacobians(step, c_prevs[k], params.W_hh)                  # (B, H, H)
        dc_dc = step.forget_gate                                                         # diagonal
        dh_dc = step.output_gate * (1 - np.tanh(step.cell) ** 2) * step.forget_gate      # diagonal
        S = np.empty_like(G)                                                             # ∂s_{k+1}/∂s_k
        S[:, :H, :H], S[:, H:, :H] = dh_dh, dc_dh
        S[:, :H, H:] = dh_dc[:, :, None] * np.eye(H)
        S[:, H:, H:] = dc_dc[:, :, None] * np.eye(H)
        G = G @ S                                                                        # now ∂[h_T, c_T]/∂s_k
        hidden[k] = np.linalg.norm(G[:, :H, :H], ord=2, axis=(1, 2))
        cell[k] = np.linalg.norm(G[:, H:, H:], ord=2, axis=(1, 2))
    return LSTMJacobianNorms(hidden, cell, inputs)


def cell_path_gain(forget_gates) -> np.ndarray:
    """∂c_T/∂c_t along the cell path alone: the product of the forget gates that follow c_t.

    ``forget_gates (T, B, H)`` (``trace.forget_gate``; row s is the gate f_{s+1} of step s+1) ->
    ``(T, B, H)`` whose row t is Π_{s=t+1}^{T} f_s, the diagonal of ∂c_T/∂c_t along the cell (lag T − t;
    row 0 reaches back to ``c0``, rows as in :class:`LSTMJacobianNorms`). This is what the constant error
    carousel keeps: with f ≡ 1 (the 1997 LSTM had no forget gate) it is exactly 1 at every lag.
    """
    f = as_float_array("forget_gates", forget_gates)
    if f.ndim != 3:
        raise ValueError(f"forget_gates must be 3-D with shape (T, B, H), like trace.forget_gate; "
                         f"got {f.ndim}-D shape {f.shape}")
    return np.cumprod(f[::-1], axis=0)[::-1]                  # row t: f_{t+1} · f_{t+2} ⋯ f_T
