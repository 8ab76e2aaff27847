"""The LSTM cell in numpy: forward pass (its cache keeps every gate) and backpropagation through time.

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
Same contract as :mod:`lessons_lib.rnn`, with the cell state beside h: ``lstm_forward(xs, h0, c0, params)
-> (hs, cache)`` and ``lstm_backward(dhs, cache, dc_T=None) -> (grads, dxs, dh0, dc0)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._params import CellParams, TorchWeights
from ._validate import check_grad_sequence, check_sequence, check_state, check_step_input
from .activations import sigmoid

GATE_ORDER = ("input", "forget", "candidate", "output")
"""Row-block order in ``W_ih``, ``W_hh`` and ``b`` (torch's i, f, g, o)."""


class GateBlock(NamedTuple):
    """One gate's slice of the parameters: ``W_ih (H, I)``, ``W_hh (H, H)``, ``b (H,)`` (views, not copies)."""

    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray


class LSTMStep(NamedTuple):
    """Everything one LSTM step computes, each ``(B, H)``."""

    input_gate: np.ndarray   # i_t
    forget_gate: np.ndarray  # f_t
    candidate: np.ndarray    # g_t = C̃_t
    output_gate: np.ndarray  # o_t
    cell: np.ndarray         # c_t
    hidden: np.ndarray       # h_t


@dataclass
class LSTMParams(CellParams):
    """Weights of one LSTM layer, blocks i, f, g, o. Checks, ``from_torch`` and ``to_torch`` come from
    :class:`~lessons_lib._params.CellParams`; here is what is particular to the LSTM.
    """

    W_ih: np.ndarray  # (4H, I)  torch's weight_ih_l0
    W_hh: np.ndarray  # (4H, H)  weight_hh_l0
    b: np.ndarray     # (4H,)    bias_ih_l0 + bias_hh_l0 (only their sum matters)

    kind = "LSTM"
    blocks = 4

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
        """torch's default initialisation (see :meth:`CellParams.init`), then optionally the forget-gate bias.

        ``forget_bias=1.0`` sets b_f to exactly 1 in every unit: the initialisation recommended by
        Jozefowicz, Zaremba & Sutskever (2015) for the forget gate that Gers, Schmidhuber & Cummins (2000)
        introduced. With f ≈ σ(1) ≈ 0.73 the cell starts out remembering.
        """
        params = super().init(input_size, hidden_size, seed=seed, dtype=dtype)
        if forget_bias is not None:
            params.gate("forget").b[:] = forget_bias
        return params

    @classmethod
    def from_torch_weights(cls, weights: TorchWeights) -> "LSTMParams":
        """``b`` is the sum of torch's two bias vectors."""
        return cls(W_ih=weights.weight_ih, W_hh=weights.weight_hh, b=weights.bias_ih + weights.bias_hh)

    def to_torch_weights(self) -> TorchWeights:
        """``b`` goes to ``bias_ih_l0``, ``bias_hh_l0 = 0``."""
        return TorchWeights(self.W_ih, self.W_hh, self.b, np.zeros_like(self.b))


class LSTMCache(NamedTuple):
    """What :func:`lstm_forward` hands to :func:`lstm_backward`: the inputs, the parameters, and every gate,
    cell and hidden state of every step, each ``(T, B, H)`` (the fields of :class:`LSTMStep` stacked over
    time; row t is step t+1). The gate plots of notebook 03 read them too.
    """

    xs: np.ndarray           # (T, B, I) inputs
    h0: np.ndarray           # (B, H) initial hidden state
    c0: np.ndarray           # (B, H) initial cell state
    params: LSTMParams
    input_gate: np.ndarray   # (T, B, H) i_1 .. i_T
    forget_gate: np.ndarray  # (T, B, H) f_1 .. f_T
    candidate: np.ndarray    # (T, B, H) g_1 .. g_T
    output_gate: np.ndarray  # (T, B, H) o_1 .. o_T
    cell: np.ndarray         # (T, B, H) c_1 .. c_T
    hidden: np.ndarray       # (T, B, H) h_1 .. h_T (the ``hs`` that forward returns)

    @property
    def h_T(self) -> np.ndarray:
        """The final hidden state h_T, ``(B, H)`` (torch's ``h_n[0]``)."""
        return self.hidden[-1]

    @property
    def c_T(self) -> np.ndarray:
        """The final cell state c_T, ``(B, H)`` (torch's ``c_n[0]``)."""
        return self.cell[-1]


def _step(x, h_prev, c_prev, params: LSTMParams) -> LSTMStep:
    """One step without checks (the equations of the module docstring)."""
    a = x @ params.W_ih.T + h_prev @ params.W_hh.T + params.b   # (B, 4H): every pre-activation at once
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    c = f * c_prev + i * g      # c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
    h = o * np.tanh(c)          # h_t = o_t ⊙ tanh(c_t)
    return LSTMStep(i, f, g, o, c, h)


def lstm_step(x, h_prev, c_prev, params: LSTMParams) -> LSTMStep:
    """One LSTM step: ``x (B, I)``, ``h_prev (B, H)``, ``c_prev (B, H)`` -> :class:`LSTMStep` of ``(B, H)`` arrays."""
    x = check_step_input(x, params.input_size, params.dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], params.hidden_size, params.dtype)
    c_prev = check_state("c_prev", c_prev, x.shape[0], params.hidden_size, params.dtype)
    return _step(x, h_prev, c_prev, params)


def lstm_forward(xs, h0, c0, params: LSTMParams) -> tuple[np.ndarray, LSTMCache]:
    """Unroll :func:`lstm_step` over ``xs (T, B, I)`` from ``h0, c0 (B, H)``.

    Returns ``hs (T, B, H)`` (``hs[t]`` is h_{t+1}) and an :class:`LSTMCache` for :func:`lstm_backward`:
    every gate over time (``cache.forget_gate`` ...), and the final states ``cache.h_T``, ``cache.c_T``.
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h0 = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    c0 = check_state("c0", c0, xs.shape[1], params.hidden_size, params.dtype)
    steps, h, c = [], h0, c0
    for x in xs:
        step = _step(x, h, c, params)
        h, c = step.hidden, step.cell
        steps.append(step)
    cache = LSTMCache(xs, h0, c0, params, *(np.stack(over_time) for over_time in zip(*steps)))
    return cache.hidden, cache


def lstm_backward(dhs, cache: LSTMCache, dc_T=None) -> tuple[LSTMParams, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagation through time for :func:`lstm_forward`.

    ``dhs (T, B, H)`` is ∂L/∂h_t from the loss alone; ``dc_T (B, H)`` an optional gradient on the final
    cell c_T. Everything else comes from the ``cache`` of :func:`lstm_forward`. Per step, going
    backwards (dh and dc include what flows back from step t+1)::

        dc  += dh ⊙ o ⊙ (1 − tanh²(c_t))          through h_t = o ⊙ tanh(c_t)
        da_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)
        da_i = dc ⊙ g ⊙ i(1 − i)
        da_g = dc ⊙ i ⊙ (1 − g²)
        da_f = dc ⊙ c_{t−1} ⊙ f(1 − f)
        dc_{t−1} = dc ⊙ f                          the cell path: a product of forget gates
        dh_{t−1} = dhs[t−1] + da W_hh,   dx_t = da W_ih,   da = [da_i, da_f, da_g, da_o]

    Returns ``(grads: LSTMParams, dxs (T, B, I), dh0 (B, H), dc0 (B, H))``.
    """
    params, h0, c0 = cache.params, cache.h0, cache.c0
    T, B, H = cache.hidden.shape
    dhs = check_grad_sequence(dhs, (T, B, H), params.dtype)
    dc = np.zeros_like(c0) if dc_T is None else check_state("dc_T", dc_T, B, H, params.dtype)
    h_prevs = np.concatenate([h0[None], cache.hidden[:-1]])    # h_{t−1} for every t: (T, B, H)
    c_prevs = np.concatenate([c0[None], cache.cell[:-1]])      # c_{t−1} for every t
    das = np.empty((T, B, 4 * H), dtype=params.dtype)           # gradients of the pre-activations a_t
    dh_next = np.zeros_like(h0)                                 # gradient arriving from the future
    for t in reversed(range(T)):
        i, f, g, o = cache.input_gate[t], cache.forget_gate[t], cache.candidate[t], cache.output_gate[t]
        tanh_c = np.tanh(cache.cell[t])
        dh = dhs[t] + dh_next
        dc = dc + dh * o * (1.0 - tanh_c ** 2)
        das[t] = np.concatenate([dc * g * i * (1 - i),            # input gate
                                 dc * c_prevs[t] * f * (1 - f),   # forget gate
                                 dc * i * (1 - g ** 2),           # candidate
                                 dh * tanh_c * o * (1 - o)],      # output gate
                                axis=-1)
        dc = dc * f
        dh_next = das[t] @ params.W_hh
    grads = LSTMParams(W_ih=np.einsum("tbk,tbi->ki", das, cache.xs), W_hh=np.einsum("tbk,tbh->kh", das, h_prevs),
                       b=das.sum(axis=(0, 1)))
    return grads, das @ params.W_ih, dh_next, dc
