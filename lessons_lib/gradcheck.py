"""Numerical gradients by central differences, and the relative error used to compare gradients."""
from __future__ import annotations

from typing import Callable

import numpy as np


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x by central differences: ``(f(x + eps·e_k) − f(x − eps·e_k)) / (2·eps)`` for every entry k.

    ``f`` takes no arguments and reads ``x`` (which is perturbed *in place* and restored), so it can
    be any closure over the array, e.g. ``lambda: loss(rnn_forward(xs, h0, params)[0])`` with
    ``x = params.W_hh``. The error is O(eps²); use float64 (float32 has ~7 digits, too few).
    Cost: 2·x.size evaluations of f.
    """
    if not isinstance(x, np.ndarray) or not np.issubdtype(x.dtype, np.floating):
        raise ValueError(f"x must be a floating numpy array (perturbed in place); got {type(x).__name__}"
                         + (f" of dtype {x.dtype}" if isinstance(x, np.ndarray) else ""))
    if not eps > 0:
        raise ValueError(f"eps must be positive; got {eps}")
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        original = x[k]
        x[k] = original + eps
        f_plus = float(f())
        x[k] = original - eps
        f_minus = float(f())
        x[k] = original
        grad[k] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b) -> float:
    """‖a − b‖ / max(‖a‖ + ‖b‖, tiny): 0 for equal arrays, about 1 for unrelated ones.

    Scale-free, so one threshold (e.g. 1e-6 in float64) works for large and small gradients.
    """
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"relative_error needs arrays of one shape; got {a.shape} and {b.shape}")
    denominator = max(np.linalg.norm(a) + np.linalg.norm(b), np.finfo(np.float64).tiny)
    return float(np.linalg.norm(a - b) / denominator)
