"""The GRU cell in numpy, with torch's equations: forward pass (its cache keeps every gate) and BPTT.

Equations (one time step, batch of row vectors; torch's form, Cho et al. 2014 with the reset
gate applied *after* the recurrent matrix product)::

    r_t = σ(x_t W_irᵀ + h_{t−1} W_hrᵀ + b_r)                  reset gate    重置门
    z_t = σ(x_t W_izᵀ + h_{t−1} W_hzᵀ + b_z)                  update gate   更新门
    n_t = tanh(x_t W_inᵀ + b_in + r_t ⊙ (h_{t−1} W_hnᵀ + b_hn))  candidate
    h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}

Blocks are stacked row-wise in torch's order **reset, update, candidate (n)**: ``W_ih (3H, I)`` is
``weight_ih_l0`` and ``W_hh (3H, H)`` is ``weight_hh_l0``. For r and z only the sum of torch's two
biases matters, so ``b (3H,)`` holds ``bias_ih_l0 + bias_hh_l0`` in those blocks and ``b_in`` in the
candidate block; ``b_hn (H,)`` stays separate because the reset gate multiplies it.
Same contract as :mod:`lessons_lib.rnn`: ``gru_forward(xs, h0, params) -> (hs, cache)`` and
``gru_backward(dhs, cache) -> (grads, dxs, dh0)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._params import CellParams, TorchWeights
from ._validate import check_grad_sequence, check_sequence, check_state, check_step_input
from .activations import sigmoid

GATE_ORDER = ("reset", "update", "candidate")
"""Row-block order in ``W_ih``, ``W_hh`` and ``b`` (torch's r, z, n)."""


class GRUStep(NamedTuple):
    """Everything one GRU step computes, each ``(B, H)``."""

    reset_gate: np.ndarray   # r_t
    update_gate: np.ndarray  # z_t
    candidate: np.ndarray    # n_t
    hidden: np.ndarray       # h_t


@dataclass
class GRUParams(CellParams):
    """Weights of one GRU layer, blocks r, z, n. Checks, ``init`` (torch's initialisation), ``from_torch`` and
    ``to_torch`` come from :class:`~lessons_lib._params.CellParams`; here is what is particular to the GRU.
    """

    W_ih: np.ndarray  # (3H, I)  torch's weight_ih_l0
    W_hh: np.ndarray  # (3H, H)  weight_hh_l0
    b: np.ndarray     # (3H,)    r, z: bias_ih_l0 + bias_hh_l0; n: bias_ih_l0 only (b_in)
    b_hn: np.ndarray  # (H,)     bias_hh_l0's n block, inside the reset gate's product

    kind = "GRU"
    blocks = 3

    @classmethod
    def from_torch_weights(cls, weights: TorchWeights) -> "GRUParams":
        """For r and z only the sum of torch's two biases matters; n keeps ``b_in`` and ``b_hn`` apart."""
        H = weights.weight_hh.shape[1]
        b = weights.bias_ih.copy()
        b[: 2 * H] += weights.bias_hh[: 2 * H]
        return cls(W_ih=weights.weight_ih, W_hh=weights.weight_hh, b=b, b_hn=weights.bias_hh[2 * H:].copy())

    def to_torch_weights(self) -> TorchWeights:
        """``b`` goes to ``bias_ih_l0``; ``bias_hh_l0`` is 0 in the r and z blocks and ``b_hn`` in the n block."""
        bias_hh = np.concatenate([np.zeros(2 * self.hidden_size, dtype=self.dtype), self.b_hn])
        return TorchWeights(self.W_ih, self.W_hh, self.b, bias_hh)


class GRUCache(NamedTuple):
    """What :func:`gru_forward` hands to :func:`gru_backward`: the inputs, the parameters, and every gate,
    candidate and hidden state of every step, each ``(T, B, H)`` (the fields of :class:`GRUStep` stacked over
    time; row t is step t+1).
    """

    xs: np.ndarray           # (T, B, I) inputs
    h0: np.ndarray           # (B, H) initial state
    params: GRUParams
    reset_gate: np.ndarray   # (T, B, H) r_1 .. r_T
    update_gate: np.ndarray  # (T, B, H) z_1 .. z_T
    candidate: np.ndarray    # (T, B, H) n_1 .. n_T
    hidden: np.ndarray       # (T, B, H) h_1 .. h_T (the ``hs`` that forward returns)

    @property
    def h_T(self) -> np.ndarray:
        """The final hidden state h_T, ``(B, H)`` (torch's ``h_n[0]``)."""
        return self.hidden[-1]


def _step(x, h_prev, params: GRUParams) -> GRUStep:
    """One step without checks (the equations of the module docstring)."""
    H = params.hidden_size
    a_x = x @ params.W_ih.T + params.b            # (B, 3H): input part of r, z, n
    a_h = h_prev @ params.W_hh.T                  # (B, 3H): recurrent part of r, z, n
    r = sigmoid(a_x[:, :H] + a_h[:, :H])
    z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
    n = np.tanh(a_x[:, 2 * H:] + r * (a_h[:, 2 * H:] + params.b_hn))  # n = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
    h = (1.0 - z) * n + z * h_prev                # h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    return GRUStep(r, z, n, h)


def gru_step(x, h_prev, params: GRUParams) -> GRUStep:
    """One GRU step: ``x (B, I)``, ``h_prev (B, H)`` -> :class:`GRUStep` of ``(B, H)`` arrays."""
    x = check_step_input(x, params.input_size, params.dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], params.hidden_size, params.dtype)
    return _step(x, h_prev, params)


def gru_forward(xs, h0, params: GRUParams) -> tuple[np.ndarray, GRUCache]:
    """Unroll :func:`gru_step` over ``xs (T, B, I)`` from ``h0 (B, H)``.

    Returns ``hs (T, B, H)`` (``hs[t]`` is h_{t+1}) and a :class:`GRUCache` for :func:`gru_backward`
    (every gate over time, and the final state ``cache.h_T``).
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h0 = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    steps, h = [], h0
    for x in xs:
        step = _step(x, h, params)
        h = step.hidden
        steps.append(step)
    cache = GRUCache(xs, h0, params, *(np.stack(over_time) for over_time in zip(*steps)))
    return cache.hidden, cache


def gru_backward(dhs, cache: GRUCache) -> tuple[GRUParams, np.ndarray, np.ndarray]:
    """Backpropagation through time for :func:`gru_forward`.

    ``dhs (T, B, H)`` is ∂L/∂h_t from the loss alone; everything else comes from the ``cache`` of
    :func:`gru_forward`. Per step, going backwards (dh includes what flows back from step t+1)::

        dn   = dh ⊙ (1 − z),         da_n = dn ⊙ (1 − n²)
        da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)
        da_r = da_n ⊙ hn ⊙ r(1 − r)            hn = h_{t−1} W_hnᵀ + b_hn
        dhn  = da_n ⊙ r                         (→ dW_hn, db_hn)
        dh_{t−1} = dhs[t−1] + dh ⊙ z + [da_r, da_z, dhn] W_hh,   dx_t = [da_r, da_z, da_n] W_ih

    Returns ``(grads: GRUParams, dxs (T, B, I), dh0 (B, H))``.
    """
    params, h0 = cache.params, cache.h0
    T, B, H = cache.hidden.shape
    dhs = check_grad_sequence(dhs, (T, B, H), params.dtype)
    h_prevs = np.concatenate([h0[None], cache.hidden[:-1]])    # h_{t−1} for every t: (T, B, H)
    W_hn = params.W_hh[2 * H:]
    da_x = np.empty((T, B, 3 * H), dtype=params.dtype)  # gradient of the input-side pre-activations
    da_h = np.empty((T, B, 3 * H), dtype=params.dtype)  # gradient of the recurrent-side pre-activations
    dh_next = np.zeros_like(h0)                         # gradient arriving from the future
    for t in reversed(range(T)):
        r, z, n = cache.reset_gate[t], cache.update_gate[t], cache.candidate[t]
        h_prev = h_prevs[t]
        hn = h_prev @ W_hn.T + params.b_hn
        dh = dhs[t] + dh_next
        da_n = dh * (1.0 - z) * (1.0 - n ** 2)
        da_z = dh * (h_prev - n) * z * (1.0 - z)
        da_r = da_n * hn * r * (1.0 - r)
        da_x[t] = np.concatenate([da_r, da_z, da_n], axis=-1)
        da_h[t] = np.concatenate([da_r, da_z, da_n * r], axis=-1)
        dh_next = dh * z + da_h[t] @ params.W_hh
    grads = GRUParams(W_ih=np.einsum("tbk,tbi->ki", da_x, cache.xs), W_hh=np.einsum("tbk,tbh->kh", da_h, h_prevs),
                      b=da_x.sum(axis=(0, 1)), b_hn=da_h[..., 2 * H:].sum(axis=(0, 1)))
    return grads, da_x @ params.W_ih, dh_next
