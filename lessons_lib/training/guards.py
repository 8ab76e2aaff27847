"""The divergence guard: stop at the first non-finite loss with a message that says what to try."""
from __future__ import annotations

import math


class TrainingDiverged(RuntimeError):
    """A loss became inf or NaN. ``.history`` holds what was recorded up to then (if the caller gave it)."""

    def __init__(self, message: str, history=None):
        super().__init__(message)
        self.history = history


def check_finite(loss, step: int, *, what: str = "training loss", lr: float | None = None,
                 clip_norm: float | None = None, last_finite: float | None = None, history=None) -> float:
    """Return ``loss`` as a float if it is finite; otherwise raise :class:`TrainingDiverged`.

    ``step`` is counted from 1 in the message. ``lr``, ``clip_norm`` and ``last_finite`` (the last
    finite loss) make the advice specific: clip the gradient, or lower the learning rate.
    """
    value = float(loss.detach()) if hasattr(loss, "detach") else float(loss)
    if math.isfinite(value):
        return value
    advice = ("try gradient clipping (torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0))"
              if clip_norm is None else f"gradient clipping was on (max norm {clip_norm:g}); try a smaller one")
    if lr is not None:
        advice += f" or a lower learning rate (lr={lr:g} now, e.g. lr={lr / 10:g})"
    else:
        advice += " or a lower learning rate"
    before = f" The last finite loss was {last_finite:.4g}." if last_finite is not None else ""
    raise TrainingDiverged(f"training diverged at step {step}: the {what} became {value} (not finite).{before} "
                           f"The step size was too large for this loss surface: {advice}. "
                           "Check the data for inf/NaN too.", history)
