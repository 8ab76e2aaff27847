"""The "cliff" in a one-unit RNN's loss surface, and gradient descent on it with and without norm clipping.

After Pascanu, Mikolov & Bengio (2013), section 3: one hidden unit, no input, two parameters::

    h_t = tanh(w · h_{t−1} + b)      t = 1..T, h_0 given
    L(w, b) = (h_T − target)²

For w > 1 the map h ↦ tanh(w·h + b) can have two stable fixed points, one near +1 and one near −1.
Which one h_T ends in flips abruptly as (w, b) cross a curve, so L jumps there: a wall (cliff) whose
face has an enormous gradient. A gradient step taken on the face is thrown far away. Norm clipping,
g ← g · min(1, c/‖g‖), caps every step at ``learning_rate · c`` while keeping its direction
(``torch.nn.utils.clip_grad_norm_`` computes min(1, c/(‖g‖ + 1e-6)): the same up to a relative 1e-6/‖g‖).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validate import check_int


class Trajectory(NamedTuple):
    """A gradient-descent run: ``points (S+1, 2)`` = (w, b) per step, ``losses (S+1,)``, ``gradient_norms (S,)``."""

    points: np.ndarray
    losses: np.ndarray
    gradient_norms: np.ndarray


@dataclass(frozen=True)
class OneUnitRNN:
    """h_t = tanh(w·h_{t−1} + b) for ``steps`` steps from ``h0``; loss (h_T − ``target``)²."""

    steps: int = 30
    h0: float = 0.5
    target: float = 0.7

    def __post_init__(self):
        check_int("steps", self.steps)

    def loss_and_gradient(self, w, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(L, ∂L/∂w, ∂L/∂b)`` at (w, b); ``w`` and ``b`` broadcast, so a whole grid works at once.

        Forward: keep every h_t. Backward (BPTT on one unit), with δ = ∂L/∂h_t::

            δ_T = 2 (h_T − target)
            da_t = δ_t (1 − h_t²);  ∂L/∂w += da_t h_{t−1};  ∂L/∂b += da_t;  δ_{t−1} = da_t w
        """
        w, b = np.broadcast_arrays(np.asarray(w, dtype=float), np.asarray(b, dtype=float))
        hs = [np.full(w.shape, float(self.h0))]
        for _ in range(self.steps):
            hs.append(np.tanh(w * hs[-1] + b))  # h_t = tanh(w h_{t−1} + b)
        loss = (hs[-1] - self.target) ** 2
        delta = 2.0 * (hs[-1] - self.target)  # ∂L/∂h_T
        grad_w, grad_b = np.zeros(w.shape), np.zeros(w.shape)
        for t in range(self.steps, 0, -1):
            da = delta * (1.0 - hs[t] ** 2)  # through tanh
            grad_w += da * hs[t - 1]
            grad_b += da
            delta = da * w  # ∂L/∂h_{t−1}
        return loss, grad_w, grad_b


def clip_by_norm(gradient: np.ndarray, max_norm: float | None) -> np.ndarray:
    """g · min(1, max_norm/‖g‖): the direction is kept, the length capped (None: unchanged)."""
    if max_norm is None:
        return gradient
    norm = np.linalg.norm(gradient)
    return gradient * min(1.0, max_norm / norm) if norm > 0 else gradient


def gradient_descent(model: OneUnitRNN, start, learning_rate: float, steps: int,
                     clip_norm: float | None = None) -> Trajectory:
    """Plain gradient descent on ``model``'s loss from ``start = (w, b)``, optionally with norm clipping."""
    if not learning_rate > 0:
        raise ValueError(f"learning_rate must be positive; got {learning_rate!r}")
    steps = check_int("steps", steps)
    if clip_norm is not None and not clip_norm > 0:
        raise ValueError(f"clip_norm must be positive or None; got {clip_norm!r}")
    point = np.asarray(start, dtype=float)
    if point.shape != (2,):
        raise ValueError(f"start must be (w, b), two numbers; got shape {point.shape}")
    points, losses, norms = [point], [], []
    for _ in range(steps):
        loss, grad_w, grad_b = model.loss_and_gradient(*point)
        gradient = np.array([grad_w, grad_b])
        losses.append(float(loss))
        norms.append(float(np.linalg.norm(gradient)))
        point = point - learning_rate * clip_by_norm(gradient, clip_norm)
        points.append(point)
    losses.append(float(model.loss_and_gradient(*point)[0]))
    return Trajectory(np.array(points), np.array(losses), np.array(norms))
