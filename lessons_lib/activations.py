"""The elementwise nonlinearities of the cells, in one place.

- σ, the logistic sigmoid: every gate (LSTM i, f, o; GRU r, z). σ(a) ∈ (0, 1), a fraction.
- tanh: the RNN's state, the LSTM's candidate and squashed cell, the GRU's candidate. tanh(a) ∈ (−1, 1).

Derivatives, written with the *output* y because that is what the backward passes keep:
σ'(a) = y(1 − y) ≤ 1/4 and tanh'(a) = 1 − y² ≤ 1.

:data:`ACTIVATIONS` holds the three choices of notebook 02's gradient-flow explorer (tanh, linear,
relu), each with its derivative as a function of the pre-activation a.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np


def sigmoid(a: np.ndarray) -> np.ndarray:
    """σ(a) = 1 / (1 + e^(−a)), written as ½(1 + tanh(a/2)) to avoid overflow warnings for large negative ``a``."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


class Activation(NamedTuple):
    """An elementwise nonlinearity φ and its derivative φ' (as a function of the pre-activation a)."""

    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation(np.tanh, lambda a: 1.0 - np.tanh(a) ** 2),  # φ' = 1 − tanh²(a) ∈ (0, 1]
    "linear": Activation(lambda a: a, np.ones_like),  # φ' = 1: only W_hh decides
    "relu": Activation(lambda a: np.maximum(a, 0.0), lambda a: (a > 0).astype(a.dtype)),  # φ' ∈ {0, 1}
}
