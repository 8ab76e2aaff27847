"""How every exercise check talks to the learner.

A check compares the learner's answer with the reference, prints specific feedback (what was
expected, what came, a hint) and returns ``True``/``False``. It never raises on a wrong answer,
so a learner's notebook still runs to the end; it raises only on misuse of the check itself.
A function that still raises ``NotImplementedError`` (the student versions' placeholder) earns a
friendly "not attempted yet" and ``False``.
"""
from __future__ import annotations

from typing import Callable

import numpy as np


NOT_ATTEMPTED = "not attempted yet"
"""The ``problem`` that :func:`call_safely` gives for a function that raises ``NotImplementedError``."""


def report(exercise: str, problem: str | None, hint: str | None = None, success: str = "") -> bool:
    """Print the verdict for ``exercise``; ``problem=None`` means correct. Returns whether it was correct."""
    if problem is None:
        print(f"✅ {exercise}: correct." + (f" {success}" if success else ""))
        return True
    if problem == NOT_ATTEMPTED:
        print(f"⏳ {exercise}: {NOT_ATTEMPTED}. Replace `raise NotImplementedError()` with your code, then run "
              "this check again.")
        return False
    print(f"❌ {exercise}: {problem}")
    if hint:
        print(f"   Hint: {hint}")
    return False


def array_problem(answer, expected: np.ndarray, what: str, layout: str = "", rtol: float = 1e-6,
                  atol: float = 1e-8) -> str | None:
    """Describe how ``answer`` differs from ``expected``, or return ``None`` if they agree.

    Recognises the usual slips: not an array, wrong shape (and a transposed one), NaN, and values
    that differ (reporting the largest difference and where it is).
    """
    if hasattr(answer, "detach"):
        answer = answer.detach().cpu().numpy()
    if answer is None:
        return f"{what} is None: did the cell compute it and assign it (or `return` it)?"
    try:
        answer = np.asarray(answer, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{what} should be a numeric array; got {type(answer).__name__}"
    shape_text = f"{layout} = {expected.shape}" if layout else f"{expected.shape}"
    if answer.shape != expected.shape:
        if answer.ndim == 2 and answer.T.shape == expected.shape and np.allclose(answer.T, expected, rtol, atol):
            return f"{what} has shape {answer.shape}, expected {shape_text}: it is the transpose of the right answer"
        return f"{what} has shape {answer.shape}, expected {shape_text}"
    if np.isnan(answer).any():
        return f"{what} contains NaN"
    if not np.allclose(answer, expected, rtol=rtol, atol=atol):
        diff = np.abs(answer - expected)
        where = np.unravel_index(np.argmax(diff), diff.shape)
        return (f"{what} has the right shape {answer.shape} but wrong values: the largest difference is "
                f"{diff[where]:.3g} at index {tuple(int(i) for i in where)} "
                f"(expected {expected[where]:.6g}, got {answer[where]:.6g})")
    return None


def call_safely(function: Callable, *args) -> tuple[object, str | None]:
    """Call the learner's function; an exception becomes feedback text (``problem``) instead of stopping the
    notebook, and ``NotImplementedError`` becomes :data:`NOT_ATTEMPTED`."""
    if not callable(function):
        raise TypeError(f"this check takes your function itself; got a {type(function).__name__}")
    try:
        return function(*args), None
    except NotImplementedError:  # the placeholder of the student versions
        return None, NOT_ATTEMPTED
    except Exception as error:  # the learner's code failed: report it, do not stop the notebook
        return None, f"your function raised {type(error).__name__}: {error}"
