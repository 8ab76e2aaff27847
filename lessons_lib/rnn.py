"""The vanilla (Elman) RNN cell in numpy: forward pass and backpropagation through time.

Equation (one time step, batch of row vectors, torch's convention)::

    h_t = tanh(x_t W_xhᵀ + h_{t-1} W_hhᵀ + b)

Shapes are time-major: ``xs`` is ``(T, B, I)``, states are ``(B, H)``, ``hs`` is ``(T, B, H)``.
``W_xh`` is torch's ``weight_ih_l0`` ``(H, I)``, ``W_hh`` is ``weight_hh_l0`` ``(H, H)`` and
``b = bias_ih_l0 + bias_hh_l0`` ``(H,)`` (torch keeps two bias vectors; only their sum matters).

The three cells (this one, :mod:`lessons_lib.lstm`, :mod:`lessons_lib.gru`) share one contract:
``*_forward(xs, h0[, c0], params) -> (hs, cache)`` and ``*_backward(dhs, cache[, dc_T]) -> (grads, dxs,
dh0[, dc0])``. The cache is a named tuple holding the inputs, the parameters and every per-step value,
so backward needs nothing else and checks only ``dhs``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._params import CellParams, TorchWeights
from ._validate import check_grad_sequence, check_sequence, check_state, check_step_input


@dataclass
class RNNParams(CellParams):
    """Weights of one tanh RNN layer. Checks, ``init`` (torch's initialisation), ``from_torch`` and
    ``to_torch`` come from :class:`~lessons_lib._params.CellParams`; here is what is particular to the RNN.
    """

    W_xh: np.ndarray  # (H, I)  torch's weight_ih_l0
    W_hh: np.ndarray  # (H, H)  weight_hh_l0
    b: np.ndarray     # (H,)    bias_ih_l0 + bias_hh_l0 (only their sum matters)

    kind = "RNN"
    blocks = 1

    @classmethod
    def from_torch_weights(cls, weights: TorchWeights) -> "RNNParams":
        """``b`` is the sum of torch's two bias vectors."""
        return cls(W_xh=weights.weight_ih, W_hh=weights.weight_hh, b=weights.bias_ih + weights.bias_hh)

    def to_torch_weights(self) -> TorchWeights:
        """``b`` goes to ``bias_ih_l0``, ``bias_hh_l0 = 0``."""
        return TorchWeights(self.W_xh, self.W_hh, self.b, np.zeros_like(self.b))


class RNNCache(NamedTuple):
    """What the backward pass needs from the forward pass: the inputs, the parameters and every state."""

    xs: np.ndarray  # (T, B, I) inputs
    h0: np.ndarray  # (B, H) initial state
    params: RNNParams
    hidden: np.ndarray  # (T, B, H) hidden states h_1 .. h_T (the ``hs`` that forward returns)

    @property
    def h_T(self) -> np.ndarray:
        """The final hidden state h_T, ``(B, H)`` (torch's ``h_n[0]``)."""
        return self.hidden[-1]


def rnn_step(x, h_prev, params: RNNParams) -> np.ndarray:
    """One step: ``h = tanh(x W_xhᵀ + h_prev W_hhᵀ + b)``; ``x (B, I)``, ``h_prev (B, H)`` -> ``(B, H)``."""
    x = check_step_input(x, params.input_size, params.dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], params.hidden_size, params.dtype)
    return np.tanh(x @ params.W_xh.T + h_prev @ params.W_hh.T + params.b)


def rnn_forward(xs, h0, params: RNNParams) -> tuple[np.ndarray, RNNCache]:
    """Unroll :func:`rnn_step` over time.

    ``xs (T, B, I)``, ``h0 (B, H)`` -> ``hs (T, B, H)`` (``hs[t]`` is h_{t+1}) and an :class:`RNNCache` for
    :func:`rnn_backward` (``cache.h_T`` is the last state). The same ``params`` are used at every step
    (parameter sharing).
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h0 = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    T, B, _ = xs.shape
    hs = np.empty((T, B, params.hidden_size), dtype=params.dtype)
    x_proj = xs @ params.W_xh.T + params.b  # input part of every step at once: (T, B, H)
    h = h0
    for t in range(T):
        h = np.tanh(x_proj[t] + h @ params.W_hh.T)  # h_t = tanh(x_t W_xhᵀ + b + h_{t-1} W_hhᵀ)
        hs[t] = h
    return hs, RNNCache(xs=xs, h0=h0, params=params, hidden=hs)


def rnn_backward(dhs, cache: RNNCache) -> tuple[RNNParams, np.ndarray, np.ndarray]:
    """Backpropagation through time.

    ``dhs (T, B, H)`` is ∂L/∂h_t from the loss alone (zero where the loss ignores a step).
    Walking backwards, the gradient reaching h_t is the loss's own ``dhs[t]`` plus what flows back
    from step t+1::

        da_t      = dh_t ⊙ (1 − h_t²)          (through tanh; a_t is the pre-activation)
        dW_xh    += da_tᵀ x_t,   dW_hh += da_tᵀ h_{t−1},   db += Σ_batch da_t
        dx_t      = da_t W_xh
        dh_{t−1}  = dhs[t−1] + da_t W_hh

    Returns ``(grads: RNNParams, dxs (T, B, I), dh0 (B, H))``.
    """
    xs, h0, params, hs = cache
    dhs = check_grad_sequence(dhs, hs.shape, params.dtype)
    h_prevs = np.concatenate([h0[None], hs[:-1]], axis=0)  # h_{t-1} for every t: (T, B, H)
    das = np.empty_like(hs)
    dh_next = np.zeros_like(h0)  # gradient arriving from the future
    for t in reversed(range(xs.shape[0])):
        dh = dhs[t] + dh_next
        das[t] = dh * (1.0 - hs[t] ** 2)
        dh_next = das[t] @ params.W_hh
    grads = RNNParams(W_xh=np.einsum("tbh,tbi->hi", das, xs), W_hh=np.einsum("tbh,tbk->hk", das, h_prevs),
                      b=das.sum(axis=(0, 1)))
    return grads, das @ params.W_xh, dh_next

