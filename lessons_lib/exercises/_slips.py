"""Recognise a typical wrong answer ("slip") by computing it too and comparing."""
from __future__ import annotations

import numpy as np


def matching_slip(answer, slips: dict[str, tuple[object, str]], rtol: float = 1e-6, atol: float = 1e-8) -> str | None:
    """The hint of the first slip whose value equals ``answer`` (same shape, allclose), else ``None``.

    ``slips`` maps a slip's name to ``(wrong_value, hint)``; a wrong value may be an array or a tuple of
    arrays (then ``answer`` must be a sequence of the same length, compared element by element).
    """
    for wrong, hint in slips.values():
        if _equal(answer, wrong, rtol, atol):
            return hint
    return None


def _equal(answer, wrong, rtol: float, atol: float) -> bool:
    if isinstance(wrong, (tuple, list)):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(wrong):
            return False
        return all(_equal(a, w, rtol, atol) for a, w in zip(answer, wrong))
    try:
        answer = np.asarray(answer.detach().numpy() if hasattr(answer, "detach") else answer, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    wrong = np.asarray(wrong, dtype=np.float64)
    return answer.shape == wrong.shape and bool(np.allclose(answer, wrong, rtol=rtol, atol=atol))
