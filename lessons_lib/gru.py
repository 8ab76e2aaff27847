"""The GRU cell in numpy, with torch's equations: forward pass with a gate trace, and BPTT.

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
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _torch_interop as interop
from ._validate import (as_float_array, check_grad_sequence, check_params_block, check_sequence,
                        check_state, check_step_input)
from .lstm import sigmoid

GATE_ORDER = ("reset", "update", "candidate")
"""Row-block order in ``W_ih``, ``W_hh`` and ``b`` (torch's r, z, n)."""


class GRUStep(NamedTuple):
    """Everything one GRU step computes, each ``(B, H)``; stacked over time in a trace, ``(T, B, H)``."""

    reset_gate: np.ndarray
    update_gate: np.ndarray
    candidate: np.ndarray
    hidden: np.ndarray


@dataclass
class GRUParams:
    """Weights of one GRU layer: ``W_ih (3H, I)``, ``W_hh (3H, H)``, ``b (3H,)``, ``b_hn (H,)``; blocks r, z, n."""

    W_ih: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray
    b_hn: np.ndarray

    def __post_init__(self):
        for field in ("W_ih", "W_hh", "b", "b_hn"):
            setattr(self, field, as_float_array(f"GRUParams.{field}", getattr(self, field)))
        if self.W_ih.ndim != 2 or self.W_ih.shape[0] % 3 != 0:
            raise ValueError(f"GRUParams.W_ih must have shape (3H, I); got {self.W_ih.shape}")
        H3, I = self.W_ih.shape
        check_params_block("GRUParams", {"W_ih": self.W_ih, "W_hh": self.W_hh, "b": self.b, "b_hn": self.b_hn},
                           {"W_ih": (H3, I), "W_hh": (H3, H3 // 3), "b": (H3,), "b_hn": (H3 // 3,)})

    @property
    def input_size(self) -> int:
        return self.W_ih.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.W_ih.shape[0] // 3

    @property
    def dtype(self) -> np.dtype:
        return self.W_ih.dtype

    @classmethod
    def init(cls, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64) -> "GRUParams":
        """Draw every weight from U(−1/√H, 1/√H), torch's default for ``nn.GRU``."""
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(hidden_size)
        draw = lambda *shape: rng.uniform(-bound, bound, size=shape).astype(dtype)
        H = hidden_size
        return cls(W_ih=draw(3 * H, input_size), W_hh=draw(3 * H, H), b=draw(3 * H), b_hn=draw(H))

    @classmethod
    def from_torch(cls, module) -> "GRUParams":
        """Copy a single-layer ``torch.nn.GRU`` (or ``nn.GRUCell``)."""
        w = interop.read_weights(module, "GRU")
        H = w.weight_hh.shape[1]
        b = w.bias_ih.copy()
        b[: 2 * H] += w.bias_hh[: 2 * H]  # r and z: only the sum matters
        return cls(W_ih=w.weight_ih, W_hh=w.weight_hh, b=b, b_hn=w.bias_hh[2 * H:].copy())

    def to_torch(self, batch_first: bool = False):
        """A ``torch.nn.GRU`` computing the same function."""
        import torch.nn as nn

        module = nn.GRU(self.input_size, self.hidden_size, batch_first=batch_first,
                        dtype=interop.torch_dtype(self.W_ih))
        bias_hh = np.concatenate([np.zeros(2 * self.hidden_size, dtype=self.dtype), self.b_hn])
        interop.write_weights(module, interop.TorchWeights(self.W_ih, self.W_hh, self.b, bias_hh))
        return module


def _step(x, h_prev, params: GRUParams):
    """One step without checks; returns ``(GRUStep, hn)`` where ``hn = h_prev W_hnᵀ + b_hn``."""
    H = params.hidden_size
    a_x = x @ params.W_ih.T + params.b            # (B, 3H): input part of r, z, n
    a_h = h_prev @ params.W_hh.T                  # (B, 3H): recurrent part of r, z, n
    r = sigmoid(a_x[:, :H] + a_h[:, :H])
    z = sigmoid(a_x[:, H:2 * H] + a_h[:, H:2 * H])
    hn = a_h[:, 2 * H:] + params.b_hn
    n = np.tanh(a_x[:, 2 * H:] + r * hn)          # n_t = tanh(x W_inᵀ + b_in + r ⊙ (h W_hnᵀ + b_hn))
    h = (1.0 - z) * n + z * h_prev                # h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
    return GRUStep(r, z, n, h), hn


def gru_step(x, h_prev, params: GRUParams) -> GRUStep:
    """One GRU step: ``x (B, I)``, ``h_prev (B, H)`` -> :class:`GRUStep` of ``(B, H)`` arrays."""
    x = check_step_input(x, params.input_size, params.dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], params.hidden_size, params.dtype)
    return _step(x, h_prev, params)[0]


def gru_forward(xs, h0, params: GRUParams):
    """Unroll :func:`gru_step` over ``xs (T, B, I)`` from ``h0 (B, H)``.

    Returns ``(hs (T, B, H), trace)``; ``trace`` is a :class:`GRUStep` with fields stacked over time.
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    steps = []
    for x in xs:
        step, _ = _step(x, h, params)
        h = step.hidden
        steps.append(step)
    trace = GRUStep(*(np.stack(field) for field in zip(*steps)))
    return trace.hidden, trace


def gru_backward(dhs, trace: GRUStep, xs, h0, params: GRUParams):
    """Backpropagation through time for :func:`gru_forward`.

    Per step, going backwards (dh includes what flows back from step t+1)::

        dn   = dh ⊙ (1 − z),         da_n = dn ⊙ (1 − n²)
        da_z = dh ⊙ (h_{t−1} − n) ⊙ z(1 − z)
        da_r = da_n ⊙ hn ⊙ r(1 − r)            hn = h_{t−1} W_hnᵀ + b_hn
        dhn  = da_n ⊙ r                         (→ dW_hn, db_hn)
        dh_{t−1} = dhs[t−1] + dh ⊙ z + [da_r, da_z, dhn] W_hh,   dx_t = [da_r, da_z, da_n] W_ih

    Returns ``(grads: GRUParams, dxs (T, B, I), dh0 (B, H))``.
    """
    xs = check_sequence(xs, params.input_size, params.dtype)
    h0 = check_state("h0", h0, xs.shape[1], params.hidden_size, params.dtype)
    T, B, _ = xs.shape
    H = params.hidden_size
    if trace.hidden.shape != (T, B, H):
        raise ValueError(f"trace must come from the forward pass over xs: expected hidden of shape "
                         f"{(T, B, H)}; got {trace.hidden.shape}")
    dhs = check_grad_sequence(dhs, (T, B, H), params.dtype)
    h_prevs = np.concatenate([h0[None], trace.hidden[:-1]])
    W_hn = params.W_hh[2 * H:]
    da_x = np.empty((T, B, 3 * H), dtype=params.dtype)  # gradient of the input-side pre-activations
    da_h = np.empty((T, B, 3 * H), dtype=params.dtype)  # gradient of the recurrent-side pre-activations
    dh_next = np.zeros_like(h0)
    for t in reversed(range(T)):
        r, z, n = trace.reset_gate[t], trace.update_gate[t], trace.candidate[t]
        h_prev = h_prevs[t]
        hn = h_prev @ W_hn.T + params.b_hn
        dh = dhs[t] + dh_next
        da_n = dh * (1.0 - z) * (1.0 - n ** 2)
        da_z = dh * (h_prev - n) * z * (1.0 - z)
        da_r = da_n * hn * r * (1.0 - r)
        da_x[t] = np.concatenate([da_r, da_z, da_n], axis=-1)
        da_h[t] = np.concatenate([da_r, da_z, da_n * r], axis=-1)
        dh_next = dh * z + da_h[t] @ params.W_hh
    grads = GRUParams(W_ih=np.einsum("tbk,tbi->ki", da_x, xs), W_hh=np.einsum("tbk,tbh->kh", da_h, h_prevs),
                      b=da_x.sum(axis=(0, 1)), b_hn=da_h[..., 2 * H:].sum(axis=(0, 1)))
    return grads, da_x @ params.W_ih, dh_next


# ---------------------------------------------------------------------------------------------
# How far back h_T depends on the past (notebook 03, beside the LSTM). Time indices as in
# ``rnn.hidden_jacobian_norms``: h_0 = h0 and h_t = hs[t−1]; x_{t+1} = xs[t] enters step t+1.
# ---------------------------------------------------------------------------------------------

class GRUJacobianNorms(NamedTuple):
    """Spectral norms against time, each ``(T, B)``; row t (t = 0, …, T−1) holds

    ``hidden[t] = ‖∂h_T/∂h_t‖₂`` (lag T − t; row 0 reaches back to ``h0``) and
    ``input[t] = ‖∂h_T/∂x_{t+1}‖₂`` for the input ``xs[t]`` (lag T − 1 − t).
    """

    hidden: np.ndarray
    input: np.ndarray


def _step_jacobians(step: GRUStep, h_prev, params: GRUParams):
    """``(∂h_t/∂h_{t−1} (B, H, H), ∂h_t/∂x_t (B, H, I))`` of one step, column convention J[b, j, d] = ∂h_j/∂u_d.

    With hn = h_{t−1} W_hnᵀ + b_hn and n = tanh(x W_inᵀ + b_in + r ⊙ hn)::

        ∂h_t/∂h_{t−1} = diag(z) + diag((h_{t−1} − n) z(1−z)) W_hz
                        + diag((1−z)(1−n²)) [diag(r) W_hn + diag(hn r(1−r)) W_hr]
        ∂h_t/∂x_t     = diag((h_{t−1} − n) z(1−z)) W_iz + diag((1−z)(1−n²)) [W_in + diag(hn r(1−r)) W_ir]

    The first term, diag(z), is the GRU's own "carousel": the update gate copies h_{t−1} forward.
    """
    W_ir, W_iz, W_in = np.split(params.W_ih, 3, axis=0)
    W_hr, W_hz, W_hn = np.split(params.W_hh, 3, axis=0)
    r, z, n = step.reset_gate, step.update_gate, step.candidate
    hn = h_prev @ W_hn.T + params.b_hn
    col = lambda v: v[:, :, None]                                    # (B, H) -> (B, H, 1): scales rows
    through_z = col((h_prev - n) * z * (1 - z))
    through_n = col((1 - z) * (1 - n ** 2))
    through_r = col(hn * r * (1 - r))
    dh_dh = (z[:, :, None] * np.eye(params.hidden_size) + through_z * W_hz
             + through_n * (col(r) * W_hn + through_r * W_hr))
    dh_dx = through_z * W_iz + through_n * (W_in + through_r * W_ir)
    return dh_dh, dh_dx


def gru_jacobian_norms(xs, h0, params: GRUParams) -> GRUJacobianNorms:
    """‖∂h_T/∂h_t‖₂ and ‖∂h_T/∂x_{t+1}‖₂ for every t, ``(T, B)`` each, from ``xs (T, B, I)``, ``h0 (B, H)``.

    Rows as in :class:`GRUJacobianNorms`. Walks backwards: G = I = ∂h_T/∂h_T, then at each step
    G ← G · ∂h_t/∂h_{t−1} (see :func:`_step_jacobians`). Cost O(T·B·H³).
    """
    hs, trace = gru_forward(xs, h0, params)
    T, B, H = hs.shape
    h_prevs = np.concatenate([np.asarray(h0)[None], hs[:-1]])
    hidden, inputs = np.empty((T, B), dtype=params.dtype), np.empty((T, B), dtype=params.dtype)
    G = np.broadcast_to(np.eye(H, dtype=params.dtype), (B, H, H)).copy()
    for k in reversed(range(T)):                 # step k (0-based) reads xs[k] and h_prevs[k], writes hs[k]
        dh_dh, dh_dx = _step_jacobians(GRUStep(*(field[k] for field in trace)), h_prevs[k], params)
        inputs[k] = np.linalg.norm(G @ dh_dx, ord=2, axis=(1, 2))
        G = G @ dh_dh                            # now ∂h_T/∂h_prevs[k]
        hidden[k] = np.linalg.norm(G, ord=2, axis=(1, 2))
    return GRUJacobianNorms(hidden, inputs)
