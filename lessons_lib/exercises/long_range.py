"""Exercise checks for notebook 05 (long-range memory: the adding and copy problems).

Each ``check_<name>(function)`` runs the learner's function on fresh, seeded data and compares with
the tested reference in :mod:`lessons_lib.synthetic_tasks`. Typical slips (summing every value
instead of the marked ones, ``ln 10`` instead of ``ln 8``, an index instead of a step number) are
recognised by computing them too. A wrong answer prints feedback and returns ``False``; only misuse
(passing something that is not a function) raises.
"""
from __future__ import annotations

import math

import numpy as np

from ..synthetic_tasks import adding_problem, copy_baseline_cross_entropy
from ._feedback import array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_adding_target", "check_half_memory_predictor", "check_copy_baseline", "check_steps_to_solve"]


def check_adding_target(function) -> bool:
    """Exercise: ``function(x (T, n, 2)) -> y (n, 1)``, the sum of the two marked values of each sequence."""
    name = "adding_target"
    x, y = adding_problem(6, 9, seed=123)  # T = 9 (odd), n = 6: a swapped axis cannot pass
    answer, error = call_safely(function, x.copy())
    if error:
        return report(name, error, "values = x[..., 0] and markers = x[..., 1] have shape (T, n); multiply them "
                                   "and sum over time (axis 0).")
    values, markers = x[..., 0].astype(np.float64), x[..., 1].astype(np.float64)
    problem = array_problem(answer, y.astype(np.float64), "y", "(n, 1)", rtol=1e-5, atol=1e-6)
    if problem is None:
        return report(name, None, success="Two numbers out of T pairs: everything else in the sequence is noise.")
    slips = {
        "flat": ((values * markers).sum(axis=0), "the sum is right but the shape is (n,): keep the axis, "
                                                 "e.g. .sum(axis=0)[:, None] or keepdims=True after moving the axis."),
        "all values": (values.sum(axis=0)[:, None], "you summed every value; only the two marked ones count: "
                                                     "multiply by the markers x[..., 1] first."),
        "mean": ((values * markers).mean(axis=0)[:, None], "a mean over time divides by T; the target is the sum."),
        "wrong axis": ((values * markers).sum(axis=1)[:, None], "you summed over the batch axis (axis 1); time is "
                                                                 "axis 0 (time-major)."),
        "markers": (markers.sum(axis=0)[:, None], "that adds the markers (always 2); add the values they mark."),
    }
    return report(name, problem, matching_slip(answer, slips, rtol=1e-5, atol=1e-6)
                  or "y = (x[..., 0] * x[..., 1]).sum(axis=0)[:, None]: shape (n, 1).")


def check_half_memory_predictor(function) -> bool:
    """Exercise: ``function(x (T, n, 2)) -> ŷ (n, 1)`` that uses only the marked value of the *second* half.

    The best such prediction is ``ŷ = b + E[a] = b + 0.5`` (a: first marked value, b: second); its MSE
    is ``Var(a) = 1/12 ≈ 0.083``, half the memoryless baseline.
    """
    name = "half_memory_predictor"
    T, n = 12, 4000
    x, y = adding_problem(n, T, seed=321)
    answer, error = call_safely(function, x.copy())
    if error:
        return report(name, error, "the second half is x[T // 2:]; the marked value there is "
                                   "(x[T//2:, :, 0] * x[T//2:, :, 1]).sum(axis=0).")
    values, markers = x[..., 0].astype(np.float64), x[..., 1].astype(np.float64)
    half = T // 2
    first = (values[:half] * markers[:half]).sum(axis=0)[:, None]
    second = (values[half:] * markers[half:]).sum(axis=0)[:, None]
    expected = second + 0.5
    problem = array_problem(answer, expected, "ŷ", "(n, 1)", rtol=1e-5, atol=1e-6)
    if problem is None:
        mse = float(np.mean((expected - y) ** 2))
        return report(name, None, success=f"Its MSE on these {n} sequences is {mse:.3f} (theory: 1/12 ≈ 0.083): "
                                          "a learning curve that pauses near 0.083 has learned half the task.")
    slips = {
        "no offset": (second, "ŷ = b alone misses the first value completely; its best guess is E[a] = 0.5, "
                              "so ŷ = b + 0.5 (MSE 1/12 instead of E[a²] = 1/3)."),
        "first half": (first + 0.5, "that remembers the first marked value; the exercise asks for the second "
                                    "(the most recent one, which is the easier one to keep)."),
        "both": (first + second, "that is the full answer (it needs memory of both halves); predict from the "
                                 "second half only."),
        "flat": ((second + 0.5)[:, 0], "right values, but the shape is (n,); return (n, 1)."),
    }
    return report(name, problem, matching_slip(answer, slips, rtol=1e-5, atol=1e-6)
                  or "b = (x[T//2:, :, 0] * x[T//2:, :, 1]).sum(axis=0); return (b + 0.5)[:, None].")


def check_copy_baseline(function) -> bool:
    """Exercise: ``function(T) -> float``, the memoryless cross-entropy per step of the copy task, 10 ln 8 / (T + 20)."""
    name = "copy_baseline"
    delays = (1, 10, 100, 1000)
    answers = []
    for T in delays:
        answer, error = call_safely(function, T)
        if error:
            return report(name, error, "the recall steps cost ln 8 each, the other steps nothing; average over "
                                       "all T + 20 steps.")
        if np.ndim(answer) != 0:
            return report(name, f"expected one number for T = {T}; got an array of shape {np.shape(answer)}",
                          "return a float.")
        answers.append(float(answer))
    expected = [copy_baseline_cross_entropy(T) for T in delays]
    if np.allclose(answers, expected, rtol=1e-6):
        return report(name, None, success=f"At T = 1000 that is {expected[-1]:.4f} nats per step: a tiny number "
                                          "that still means 'remembers nothing'.")
    slips = {
        "ln 10": ([10 * math.log(10) / (T + 20) for T in delays], "a guess is uniform over the 8 symbols, not over "
                                                                   "all 10 token ids: ln 8."),
        "ln 9": ([10 * math.log(9) / (T + 20) for T in delays], "the delimiter never appears in the targets: "
                                                                 "8 symbols, ln 8."),
        "over T": ([10 * math.log(8) / T for T in delays], "the sequence has T + 20 steps (10 symbols, T − 1 "
                                                            "blanks, the delimiter, 10 recall steps)."),
        "log2": ([10 * math.log2(8) / (T + 20) for T in delays], "cross-entropy in torch uses the natural log: "
                                                                  "ln 8 = 2.079, not log₂ 8 = 3."),
        "one symbol": ([math.log(8) / (T + 20) for T in delays], "all 10 recall steps cost ln 8, not one: 10 · ln 8."),
        "per recall step": ([math.log(8)] * len(delays), "ln 8 is the loss of one recall step; average over all "
                                                         "T + 20 steps."),
    }
    got = ", ".join(f"T={T}: {a:.4g}" for T, a in zip(delays, answers))
    want = ", ".join(f"T={T}: {e:.4g}" for T, e in zip(delays, expected))
    return report(name, f"expected {want}; got {got}", matching_slip(answers, {k: (np.array(v), h) for k, (v, h)
                                                                              in slips.items()})
                  or "10 recall steps × ln 8 each, divided by the T + 20 steps of a sequence.")


def check_steps_to_solve(function) -> bool:
    """Exercise: ``function(steps, val_loss, target) -> int | None``: the first step whose val loss < target."""
    name = "steps_to_solve"
    cases = [  # (steps, val_loss, target, expected)
        ([50, 100, 150, 200, 250], [0.17, 0.16, 0.02, 0.008, 0.004], 0.01, 200),
        ([50, 100, 150], [0.17, 0.01, 0.02], 0.01, None),         # 0.01 is not *below* 0.01
        ([25, 50, 75], [0.5, 0.4, 0.3], 0.1, None),               # never solved
        ([10, 20, 30, 40], [0.009, 0.2, 0.005, 0.001], 0.01, 10),  # the first time counts
    ]
    for steps, losses, target, expected in cases:
        answer, error = call_safely(function, list(steps), list(losses), target)
        if error:
            return report(name, error, "loop over zip(steps, val_loss) and return the step as soon as the loss "
                                       "is below the target; return None after the loop.")
        if answer != expected or (expected is not None and isinstance(answer, bool)):
            index = next((i for i, v in enumerate(losses) if v < target), None)
            hint = "return the first step whose loss is strictly below the target, else None."
            if expected is not None and answer == index:
                hint = "that is the position in the list; return steps[i], the optimisation step it stands for."
            elif expected is None and answer in (0, -1, steps[-1]):
                hint = "when the target is never reached, return None (not 0, −1 or the last step)."
            elif expected is None and answer is not None and any(v <= target for v in losses):
                hint = "'below the target' is strict: a loss equal to the target does not count (use <)."
            elif expected is not None and answer == max(s for s, v in zip(steps, losses) if v < target):
                hint = "that is the last step below the target; the first one counts."
            return report(name, f"for steps={steps}, val_loss={losses}, target={target}: expected {expected}, "
                                f"got {answer!r}", hint)
    return report(name, None, success="history.solved_step in lessons_lib.training records exactly this.")
