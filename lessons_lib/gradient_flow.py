"""The recurrence behind notebook 02's gradient-flow explorer: a chosen recurrent matrix, input drive and activation.

No bias, the input already projected to the hidden size::

    a_t = u_t + h_{t−1} W_hhᵀ          u_t: the input drive x_t W_xhᵀ, shape (B, H)
    h_t = φ(a_t)                       φ: tanh, linear (identity) or relu

One step's Jacobian (column-vector form) is ∂h_t/∂h_{t−1} = diag(φ'(a_t)) W_hh, so the Jacobian over
a lag of T − t steps is the product diag(φ'(a_T)) W_hh ⋯ diag(φ'(a_{t+1})) W_hh. Its norm obeys
Pascanu, Mikolov & Bengio's (2013) bound ‖∂h_T/∂h_t‖ ≤ (γ · σ_max(W_hh))^(T−t), with γ = max |φ'| = 1
for all three activations here.

:func:`lessons_lib.jacobians.jacobian_norms` computes those norms from :func:`run_recurrence`'s
derivatives; for φ = tanh they equal :func:`lessons_lib.jacobians.rnn_jacobian_norms` with ``W_xh = I``,
``b = 0`` and ``xs = drive``. Shapes: ``drive (T, B, H)``, ``W_hh (H, H)``, states ``(B, H)``. The
activations φ and their derivatives are :data:`lessons_lib.activations.ACTIVATIONS`.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, check_int, check_ndim, check_shape
from .activations import ACTIVATIONS

MATRIX_KINDS = ("orthogonal", "gaussian")


class Recurrence(NamedTuple):
    """One run of the recurrence: ``states (T, B, H)`` = h_1..h_T and ``derivatives (T, B, H)`` = φ'(a_1..a_T)."""

    states: np.ndarray
    derivatives: np.ndarray


def recurrent_matrix(hidden_size: int, spectral_radius: float, kind: str = "orthogonal",
                     seed: int = 0) -> np.ndarray:
    """A ``(H, H)`` matrix with spectral radius ρ (largest |eigenvalue|) equal to ``spectral_radius``.

    - ``"orthogonal"``: ρ·Q with Q a random orthogonal matrix. It is *normal* (QQᵀ = QᵀQ), so every
      singular value equals ρ and ‖W^k‖₂ = ρ^k exactly.
    - ``"gaussian"``: i.i.d. normal entries rescaled to spectral radius ρ. Not normal: its largest
      singular value σ_max is about 2ρ for large H, and ‖W^k‖₂ can exceed ρ^k for many steps.
    """
    hidden_size = check_int("hidden_size", hidden_size)
    if not (np.isfinite(spectral_radius) and spectral_radius >= 0):
        raise ValueError(f"spectral_radius must be a finite number >= 0; got {spectral_radius!r}")
    if kind not in MATRIX_KINDS:
        raise ValueError(f"kind must be one of {MATRIX_KINDS}; got {kind!r}")
    rng = np.random.default_rng(seed)
    gaussian = rng.standard_normal((hidden_size, hidden_size))
    if kind == "orthogonal":
        q, r = np.linalg.qr(gaussian)
        return spectral_radius * q * np.sign(np.diag(r))  # sign fix: Q uniform over orthogonal matrices
    return spectral_radius * gaussian / np.max(np.abs(np.linalg.eigvals(gaussian)))


def input_drive(steps: int, batch: int, hidden_size: int, scale: float, seed: int = 0) -> np.ndarray:
    """Random input drive u_t ~ N(0, scale²) per unit, shape ``(T, B, H)``; ``scale = 0`` means no input."""
    if not (np.isfinite(scale) and scale >= 0):
        raise ValueError(f"scale must be a finite number >= 0; got {scale!r}")
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((steps, batch, hidden_size))


def run_recurrence(W_hh, drive, activation: str = "tanh", h0=None) -> Recurrence:
    """Run h_t = φ(u_t + h_{t−1} W_hhᵀ) from ``h0`` (zeros if None); return states and φ'(a_t)."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {tuple(ACTIVATIONS)}; got {activation!r}")
    W_hh = as_float_array("W_hh", W_hh)
    drive = as_float_array("drive", drive)
    check_ndim("drive", drive, 3, "(T, B, H)")
    T, B, H = drive.shape
    check_shape("W_hh", W_hh, (H, H), f"(H={H}, H={H})")
    h = np.zeros((B, H)) if h0 is None else as_float_array("h0", h0)
    check_shape("h0", h, (B, H), f"(B={B}, H={H})")
    phi = ACTIVATIONS[activation]
    states, derivatives = np.empty((T, B, H)), np.empty((T, B, H))
    for t in range(T):
        a = drive[t] + h @ W_hh.T  # a_t = u_t + h_{t−1} W_hhᵀ
        h = phi.function(a)  # h_t = φ(a_t)
        states[t], derivatives[t] = h, phi.derivative(a)
    return Recurrence(states, derivatives)


def singular_value_bound(W_hh, lags) -> np.ndarray:
    """Pascanu et al.'s upper bound σ_max(W_hh)^lag (γ = 1) for each lag in ``lags``."""
    sigma_max = np.linalg.norm(as_float_array("W_hh", W_hh), ord=2)
    return sigma_max ** np.asarray(lags, dtype=float)
