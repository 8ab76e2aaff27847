"""Exercise checks for notebook 08 (speech recognition with CTC).

Each ``check_<name>(function)`` runs the learner's function on seeded cases and compares it with the
tested reference in :mod:`lessons_lib.speech`. Typical slips (dropping blanks before merging repeats,
letting α skip a blank between two equal labels, counting mismatched positions instead of edits)
are recognised by computing them too. A wrong answer prints feedback and returns ``False``; a function
that still raises ``NotImplementedError`` prints "not attempted yet" and returns ``False``; only
misuse (passing something that is not a function) raises.
"""
from __future__ import annotations

import numbers

import numpy as np

from ..speech.ctc import BLANK, collapse, ctc_alpha, extend_with_blanks, min_frames
from ..speech.error_rate import edit_distance
from ._feedback import array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_collapse", "check_alpha_step", "check_edit_distance", "check_min_frames"]


def _as_label_list(answer):
    if isinstance(answer, np.ndarray):
        answer = answer.tolist()
    if isinstance(answer, (list, tuple)) and all(isinstance(k, numbers.Integral) for k in answer):
        return [int(k) for k in answer]
    return None


# ------------------------------------------------------------------ 1 · the collapse rule
COLLAPSE_CASES = [[0, 3, 3, 0, 3, 0], [3, 3, 3, 3], [0, 3, 0, 3], [0, 0, 0], [1, 2, 2, 0, 2, 5, 5, 0],
                  [7, 0, 7, 7, 0, 0, 7, 1], [4], []]


def _remove_blanks_then_merge(path):
    labels = [k for k in path if k != BLANK]
    return [k for i, k in enumerate(labels) if i == 0 or labels[i - 1] != k]


def check_collapse(function) -> bool:
    """Exercise: ``function(path) -> labels``: merge repeated classes, then remove blanks (class 0)."""
    name = "collapse"
    for path in COLLAPSE_CASES:
        answer, error = call_safely(function, list(path))
        if error:
            return report(name, error, "walk through the path remembering the previous class; keep a class "
                                         "when it differs from the previous one and is not the blank.")
        expected = collapse(path)
        got = _as_label_list(answer)
        if got is None:
            return report(name, f"expected a list of class ids for path {path}; got {answer!r}",
                            "return a list such as [3, 3].")
        if got != expected:
            slips = {
                "blanks first": (_remove_blanks_then_merge(path),
                                 "you removed the blanks before merging repeats, so a blank can no longer "
                                 "separate two equal labels (B('3_3') must be '33'). Merge first, then drop blanks."),
                "no merge": ([k for k in path if k != BLANK],
                             "repeats were not merged: a run of equal classes (3 3 3) is one label."),
                "blanks kept": ([k for i, k in enumerate(path) if i == 0 or path[i - 1] != k],
                                "the repeats are merged, but the blanks (class 0) must be removed too."),
            }
            hint = next((h for value, h in slips.values() if value == got), None)
            return report(name, f"for the path {path} expected {expected}; got {got}",
                            hint or "merge runs of equal classes, then remove the blanks.")
    return report(name, None, success="B merges repeats first: that is why CTC needs a blank between "
                                        "two equal digits such as the 3s of '33'.")


# ------------------------------------------------------------------ 2 · one α step
def _alpha_step_variant(alpha_prev, log_y, extended, skip_rule="right", emit=True, combine=np.logaddexp):
    S = len(extended)
    terms = [alpha_prev, np.concatenate([[-np.inf], alpha_prev[:-1]])]
    if skip_rule != "none":
        allowed = np.zeros(S, dtype=bool)
        if skip_rule == "right":
            allowed[2:] = (extended[2:] != BLANK) & (extended[2:] != extended[:-2])
        elif skip_rule == "always":
            allowed[2:] = True
        elif skip_rule == "labels":
            allowed[2:] = extended[2:] != BLANK
        terms.append(np.where(allowed, np.concatenate([[-np.inf, -np.inf], alpha_prev[:-2]]), -np.inf))
    total = terms[0]
    for term in terms[1:]:
        total = combine(total, term)
    return total + (log_y[extended] if emit else 0.0)


def _alpha_case(seed, labels, T=6, C=6):
    rng = np.random.default_rng(seed)
    scores = rng.standard_normal((T, C)) * 2
    log_probs = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
    alpha = ctc_alpha(log_probs, labels)
    t = T // 2
    return alpha[t - 1], log_probs[t], extend_with_blanks(labels), alpha[t]


def check_alpha_step(function) -> bool:
    """Exercise: ``function(alpha_prev (S,), log_y (C,), extended (S,)) -> alpha (S,)``: one step of the
    α recursion in log space, from frame t−1 to frame t (``log_y`` is log y_t, ``extended`` is l')."""
    name = "alpha_step"
    for seed, labels in ((0, [2, 2, 5]), (1, [1, 3, 3, 3]), (2, [4, 1, 4])):   # repeated labels in every case
        alpha_prev, log_y, extended, expected = _alpha_case(seed, labels)
        answer, error = call_safely(function, alpha_prev.copy(), log_y.copy(), extended.copy())
        if error:
            return report(name, error, "α_t(s) = [α_{t−1}(s) ⊕ α_{t−1}(s−1) ⊕ α_{t−1}(s−2)] + log y_t(l'_s), "
                                         "with ⊕ = np.logaddexp and −∞ where s−1 or s−2 does not exist.")
        expected_finite = np.where(np.isinf(expected), -1e30, expected)
        got = None if answer is None else np.asarray(answer, dtype=np.float64)
        if got is not None and got.shape == expected.shape:
            got = np.where(np.isneginf(got), -1e30, got)
        problem = array_problem(got, expected_finite, "alpha", "(S,)", rtol=1e-9, atol=1e-9)
        if problem:
            slips = {name_: (np.where(np.isinf(v), -1e30, v), h) for name_, (v, h) in {
                "always skip": (_alpha_step_variant(alpha_prev, log_y, extended, "always"),
                                "the s−2 term is not always allowed: never into a blank, and never between two "
                                "equal labels (the blank between them is compulsory)."),
                "skip between equal labels": (_alpha_step_variant(alpha_prev, log_y, extended, "labels"),
                                              "you allowed the s−2 jump between two equal labels: l'_s ≠ l'_{s−2} "
                                              "is required too, or '2 2' would collapse to '2'."),
                "never skip": (_alpha_step_variant(alpha_prev, log_y, extended, "none"),
                               "the path may also come from s−2 (skipping a blank) when l'_s is a label that "
                               "differs from l'_{s−2}."),
                "no emission": (_alpha_step_variant(alpha_prev, log_y, extended, emit=False),
                                "add log y_t(l'_s), the log-probability of emitting l'_s at frame t: "
                                "log_y[extended]."),
                "max": (_alpha_step_variant(alpha_prev, log_y, extended, combine=np.maximum),
                        "np.maximum keeps only the best path into each state (that is Viterbi, the forced "
                        "alignment); α sums them all: ln(e^a + e^b) = np.logaddexp(a, b)."),
            }.items()}
            hint = matching_slip(got, slips, rtol=1e-9, atol=1e-9) if got is not None else None
            return report(name, f"labels {labels}: {problem}", hint or
                            "compare with lessons_lib.speech.ctc.ctc_alpha, one row at a time.")
    return report(name, None, success="Repeat it T − 1 times from α_0 and you have the CTC forward pass "
                                        "(lessons_lib.speech.ctc.ctc_alpha).")


# ------------------------------------------------------------------ 3 · edit distance
EDIT_CASES = [("1234", "1234"), ("31415", "3145"), ("2718", "27818"), ("123", "321"), ("", "42"), ("99", ""),
              ("8675309", "8765390"), ("5", "6")]


def check_edit_distance(function) -> bool:
    """Exercise: ``function(reference, hypothesis) -> int``, the Levenshtein distance between two digit strings."""
    name = "edit_distance"
    for reference, hypothesis in EDIT_CASES:
        answer, error = call_safely(function, reference, hypothesis)
        if error:
            return report(name, error, "fill a (len(r) + 1) × (len(h) + 1) table: d[i][0] = i, d[0][j] = j, "
                                         "d[i][j] = min(d[i−1][j−1] + [r_i ≠ h_j], d[i−1][j] + 1, d[i][j−1] + 1).")
        expected = edit_distance(reference, hypothesis)
        if isinstance(answer, np.generic):
            answer = answer.item()
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return report(name, f"expected a number for ({reference!r}, {hypothesis!r}); got {answer!r}",
                            "return the bottom-right entry of the table.")
        if answer != expected:
            hamming = sum(a != b for a, b in zip(reference, hypothesis)) + abs(len(reference) - len(hypothesis))
            hints = {
                hamming: "comparing position by position counts one deleted digit as many errors; an edit "
                         "distance lets the rest of the string shift (dynamic programming over prefixes).",
                abs(len(reference) - len(hypothesis)): "the difference of the lengths counts only insertions "
                                                       "or deletions; substitutions cost 1 too.",
            }
            sub2 = _edit_distance_substitution_cost(reference, hypothesis, 2)
            hints.setdefault(sub2, "a substitution costs 1, not 2 (a deletion plus an insertion).")
            hint = hints.get(answer) if answer != expected else None
            return report(name, f"d({reference!r}, {hypothesis!r}) should be {expected}; got {answer}",
                            hint or "check the first row and column: d[i][0] = i, d[0][j] = j.")
    return report(name, None, success="Summed over utterances and divided by the reference lengths, this is "
                                        "the digit error rate (jiwer's wer with digits as words).")


def _edit_distance_substitution_cost(reference, hypothesis, cost):
    previous = list(range(len(hypothesis) + 1))
    for i, r in enumerate(reference, start=1):
        current = [i]
        for j, h in enumerate(hypothesis, start=1):
            current.append(min(previous[j - 1] + cost * (r != h), previous[j] + 1, current[j - 1] + 1))
        previous = current
    return previous[-1]


# ------------------------------------------------------------------ 4 · how many frames a label needs
FRAMES_CASES = [[3, 1, 4], [1, 1], [5, 5, 5], [2, 7, 7, 2, 2], [9], [4, 4, 1, 4]]


def check_min_frames(function) -> bool:
    """Exercise: ``function(labels) -> int``: the fewest frames T for which some path collapses to ``labels``."""
    name = "min_frames"
    for labels in FRAMES_CASES:
        answer, error = call_safely(function, list(labels))
        if error:
            return report(name, error, "one frame per label, plus one blank frame wherever two equal labels "
                                         "are neighbours.")
        expected = min_frames(labels)
        if isinstance(answer, np.generic):
            answer = answer.item()
        if isinstance(answer, bool) or not isinstance(answer, numbers.Integral):
            return report(name, f"expected an integer for {labels}; got {answer!r}", "return an int.")
        if answer != expected:
            slips = {len(labels): "equal neighbours need a blank between them: '1 1' needs '1 _ 1', three frames.",
                     2 * len(labels) + 1: "that is the length of l' with every blank; only the blanks between "
                                          "equal labels are compulsory.",
                     2 * len(labels) - 1: "only the blanks between *equal* neighbours are compulsory: '3 1 4' "
                                          "fits in three frames."}
            return report(name, f"for labels {labels} expected {expected}; got {answer}",
                            slips.get(answer, "count L, then add 1 for each pair of equal neighbours."))
    return report(name, None, success="torch's ctc_loss returns inf when T is smaller (zero_infinity=True "
                                        "would hide it); lessons_lib.speech.ctc refuses with a ValueError.")
