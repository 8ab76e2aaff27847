"""The vanilla (Elman) RNN cell in numpy: forward pass and backpropagation through time.

Equation (one time step, batch of row vectors, torch's convention)::

    h_t = tanh(x_t W_xhᵀ + h_{t-1} W_hhᵀ + b)

Shapes are time-major: ``xs`` is ``(T, B, I)``, states are ``(B, H)``, ``hs`` is ``(T, B, H)``.
``W_xh`` is torch's ``weight_ih_l0`` ``(H, I)``, ``W_hh`` is ``weight_hh_l0`` ``(H, H)`` and
``b = bias_ih_l0 + bias_hh_l0`` ``(H,)`` (torch keeps two bias vectors; only their sum matters).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from . import _torch_interop as interop
from ._validate import (as_float_array, check_grad_sequence, check_params_block, check_sequence,
                        check_state, check_step_input)


@dataclass
class RNNParams:
    """Weights of one tanh RNN layer: ``W_xh (H, I)``, ``W_hh (H, H)``, ``b (H,)``."""

    W_xh: np.ndarray
    W_hh: np.ndarray
    b: np.ndarray

    def __post_init__(self):
        self.W_xh = as_float_array("RNNParams.W_xh", self.W_xh)
        self.W_hh = as_float_array("RNNParams.W_hh", self.W_hh)
        self.b = as_float_array("RNNParams.b", self.b)
        if self.W_xh.ndim != 2:
            raise ValueError(f"RNNParams.W_xh must be 2-D with shape (H, I); got shape {self.W_xh.shape}")
        H, I = self.W_xh.shape
        check_params_block("RNNParams", {"W_xh": self.W_xh, "W_hh": self.W_hh, "b": self.b},
                           {"W_xh": (H, I), "W_hh": (H, H), "b": (H,)})

    @property
    def input_size(self) -> int:
        return self.W_xh.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.W_xh.shape[0]

    @property
    def dtype(self) -> np.dtype:
        return self.W_xh.dtype

    @classmethod
    def init(cls, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64) -> "RNNParams":
        """Draw every weight from U(-1/√H, 1/√H), torch's default for ``nn.RNN``."""
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(hidden_size)
        draw = lambda *shape: rng.uniform(-bound, bound, size=shape).astype(dtype)
        return cls(W_xh=draw(hidden_size, input_size), W_hh=draw(hidden_size, hidden_size), b=draw(hidden_size))

    @classmethod
    def from_torch(cls, module) -> "RNNParams":
        """Copy a single-layer tanh ``torch.nn.RNN`` (or ``nn.RNNCell``); its two biases are summed into ``b``."""
        weights = interop.read_weights(module, "RNN")
        if module.nonlinearity != "tanh":
            raise ValueError(f"expected nonlinearity='tanh'; got {module.nonlinearity!r}")
        return cls(W_xh=weights.weight_ih, W_hh=weights.weight_hh, b=weights.bias_ih + weights.bias_hh)

    def to_torch(self, batch_first: bool = False):
        """A ``torch.nn.RNN`` computing the same function (``b`` goes to ``bias_ih_l0``, ``bias_hh_l0 = 0``)."""
        import torch.nn as nn

        module = nn.RNN(self.input_size, self.hidden_size, batch_first=batch_first,
                        dtype=interop.torch_dtype(self.W_xh))
        interop.write_weights(module, interop.TorchWeights(self.W_xh, self.W_hh, self.b, np.zeros_like(self.b)))
        return module


class RNNCache(NamedTuple):
    """What the backward pass needs from the forward pass."""

    xs: np.ndarray  # (T, B, I) inputs
    h0: np.ndarray  # (B, H) initial state
    hs: np.ndarray  # (T, B, H) hidden states h_1 .. h_T
    params: RNNParams


def rnn_step(x, h_prev, params: RNNParams) -> np.ndarray:
    """One step: ``h = tanh(x W_xhᵀ + h_prev W_hhᵀ + b)``; ``x (B, I)``, ``h_prev (B, H)`` -> ``(B, H)``."""
    x = check_step_input(x, params.input_size, params.dtype)
    h_prev = check_state("h_prev", h_prev, x.shape[0], params.hidden_size, params.dtype)
    return np.tanh(x @ params.W_xh.T + h_prev @ params.W_hh.T + params.b)


def rnn_forward(xs, h0, params: RNNParams) -> tuple[np.ndarray, RNNCache]:
    """Unroll :func:`rnn_step` over time.

    ``xs (T, B, I)``, ``h0 (B, H)`` -> ``hs (T, B, H)`` (``hs[t]`` is h_{t+1}) and the cache for
    :func:`rnn_backward`. The same ``params`` are used at every step (parameter sharing).
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
    return hs, RNNCache(xs=xs, h0=h0, hs=hs, params=params)


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
    xs, h0, hs, params = cache
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


def hidden_jacobian_norms(xs, h0, params: RNNParams) -> np.ndarray:
    """Spectral norm of ∂h_T/∂h_t for every earlier state h_t and batch element; shape ``(T, B)``.

    Time indices: ``h_0 = h0`` is the initial state and ``h_t = hs[t-1]`` for t = 1..T (as in
    :func:`rnn_forward`). Row ``t`` (t = 0, …, T−1) holds ‖∂h_T/∂h_t‖₂, the largest singular value
    of the Jacobian of the *last* state with respect to the state ``lag = T − t`` steps earlier. So
    row 0 is the longest lag (T, back to ``h0``) and row T−1 the shortest (1 step); the trivial
    lag 0 (∂h_T/∂h_T = identity) is left out. ``lags = T - np.arange(T)`` gives the lag of each row.

    One step's Jacobian (column-vector form) is ∂h_s/∂h_{s−1} = diag(1 − h_s²) W_hh, so::

        ∂h_T/∂h_t = diag(1 − h_T²) W_hh · diag(1 − h_{T−1}²) W_hh ⋯ diag(1 − h_{t+1}²) W_hh

    (BPTT multiplies by the transpose, W_hhᵀ diag(1 − h²), which has the same singular values).
    With zero input, ``b = 0`` and ``h0 = 0`` every h_s is 0, the product is W_hh^(T−t), and its norm
    is ρ(W_hh)^(T−t) exactly when W_hh is normal (e.g. a scaled orthogonal matrix).

    ``xs (T, B, I)``, ``h0 (B, H)``, validated as in :func:`rnn_forward`. Cost: T products and
    T batched SVDs of ``(B, H, H)`` matrices.
    """
    hs, _ = rnn_forward(xs, h0, params)
    T, B, H = hs.shape
    norms = np.empty((T, B), dtype=params.dtype)
    product = np.broadcast_to(np.eye(H, dtype=params.dtype), (B, H, H))  # ∂h_T/∂h_T = I
    for t in reversed(range(T)):  # the step h_t -> h_{t+1} produced hs[t]
        step_jacobian = (1.0 - hs[t] ** 2)[:, :, None] * params.W_hh  # diag(1 − h_{t+1}²) W_hh: (B, H, H)
        product = product @ step_jacobian  # now ∂h_T/∂h_t
        norms[t] = np.linalg.svd(product, compute_uv=False)[:, 0]
    return norms
