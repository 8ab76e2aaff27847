"""Connectionist temporal classification (CTC, 连接时序分类; Graves et al. 2006), by hand in numpy.

The network emits, at every frame t, a distribution y_t(k) over C classes: the blank (空白符) ``_``
(class 0) and the labels (here digit d is class d + 1). A *path* π picks one class per frame; the
**collapse rule** B maps it to a labelling: merge repeated classes, then remove blanks,

    B("_33_3__") = "33",   B("3333") = "3",   B("_3_3") = "33".

p(l | x) = Σ_{π: B(π) = l} Π_t y_t(π_t) sums over every path that collapses to l. The **α
recursion** computes that sum in O(T · L) over the extended label l' = (_, l₁, _, l₂, …, l_L, _) of
length S = 2L + 1. In log space (``a ⊕ b = log(e^a + e^b)``, ``np.logaddexp``):

    α_0(0) = log y_0(_),   α_0(1) = log y_0(l₁),   α_0(s) = −∞ for s ≥ 2
    α_t(s) = [α_{t−1}(s) ⊕ α_{t−1}(s−1) ⊕ α_{t−1}(s−2)] + log y_t(l'_s)
             where the s−2 term is allowed only if l'_s ≠ _ and l'_s ≠ l'_{s−2} (no skipping a blank
             that separates two equal labels)
    log p(l | x) = α_{T−1}(S−1) ⊕ α_{T−1}(S−2),       CTC loss = −log p(l | x)

The β recursion runs the same way backwards; α_t(s) β_t(s) / y_t(l'_s) sums the probabilities of the
paths that are at s at time t, which gives the gradient (Graves et al. 2006, eq. 16) with respect
to the scores u (log y_t = log_softmax(u_t)):

    ∂L/∂u_t(k) = y_t(k) − (1 / p(l|x)) Σ_{s: l'_s = k} α_t(s) β_t(s) / y_t(k)

Shapes: ``log_probs (T, C)`` for one utterance (rows are log-softmax outputs), labels a sequence
of L class ids in 1 … C−1; α and β are ``(T, S)``.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from .._validate import as_float_array, check_ndim

BLANK = 0


def collapse(path: Sequence[int], blank: int = BLANK) -> list[int]:
    """The collapse rule B: merge runs of one class, then drop blanks. ``[0, 3, 3, 0, 3] → [3, 3]``."""
    labels, previous = [], None
    for k in path:
        k = int(k)
        if k != previous and k != blank:
            labels.append(k)
        previous = k
    return labels


def extend_with_blanks(labels: Sequence[int], blank: int = BLANK) -> np.ndarray:
    """l' = (_, l₁, _, l₂, …, l_L, _): ``(S = 2L + 1,)`` int64."""
    extended = np.full(2 * len(labels) + 1, blank, dtype=np.int64)
    extended[1::2] = labels
    return extended


def min_frames(labels: Sequence[int]) -> int:
    """The fewest frames a path for ``labels`` needs: L, plus one blank between each pair of equal neighbours."""
    repeats = sum(1 for a, b in zip(labels[:-1], labels[1:]) if a == b)
    return len(labels) + repeats


def check_alignable(log_probs, labels: Sequence[int], blank: int = BLANK) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``log_probs (T, C)`` and ``labels``; return them as arrays (float, int64).

    ``ValueError`` for: log_probs not 2-D, not log-probabilities (rows must sum to 1 after exp),
    a label that is the blank or out of range, an empty label, and a label longer than the frames
    allow (T < L + number of equal neighbours).
    """
    log_probs = as_float_array("log_probs", log_probs)
    check_ndim("log_probs", log_probs, 2, "(T, C)")
    T, C = log_probs.shape
    row_sums = np.exp(log_probs).sum(axis=1)
    if not np.allclose(row_sums, 1.0, atol=1e-4):
        raise ValueError("log_probs must hold log-probabilities (each row a log_softmax output, exp summing to 1); "
                         f"got rows whose exp sums range from {row_sums.min():.3g} to {row_sums.max():.3g}")
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D sequence of class ids; got {labels.tolist()!r}")
    bad = [int(k) for k in labels if not (0 <= k < C) or k == blank]
    if bad:
        raise ValueError(f"labels must be class ids in 0 … {C - 1} other than the blank ({blank}); got {bad}")
    needed = min_frames(labels.tolist())
    if T < needed:
        repeats = needed - len(labels)
        raise ValueError(f"a label of length L={len(labels)} with {repeats} pair(s) of equal neighbours needs at "
                         f"least T={needed} frames (a blank must separate equal labels); got T={T}")
    return log_probs, labels.astype(np.int64)


def _skip_allowed(extended: np.ndarray, blank: int) -> np.ndarray:
    """``(S,)`` bool: may α_t(s) come from s−2? Only into a label that differs from the label two back."""
    allowed = np.zeros(len(extended), dtype=bool)
    allowed[2:] = (extended[2:] != blank) & (extended[2:] != extended[:-2])
    return allowed


def ctc_alpha(log_probs, labels: Sequence[int], blank: int = BLANK) -> np.ndarray:
    """The forward variables in log space, ``log α (T, S)`` (see the module docstring)."""
    log_probs, labels = check_alignable(log_probs, labels, blank)
    extended = extend_with_blanks(labels, blank)
    T, S = len(log_probs), len(extended)
    emit = log_probs[:, extended]                                    # log y_t(l'_s), (T, S)
    skip = _skip_allowed(extended, blank)
    alpha = np.full((T, S), -np.inf)
    alpha[0, :2] = emit[0, :2]                                       # start in the first blank or l₁
    for t in range(1, T):
        stay = alpha[t - 1]                                          # s → s
        step = np.concatenate([[-np.inf], alpha[t - 1, :-1]])        # s−1 → s
        jump = np.where(skip, np.concatenate([[-np.inf, -np.inf], alpha[t - 1, :-2]]), -np.inf)  # s−2 → s
        alpha[t] = np.logaddexp(np.logaddexp(stay, step), jump) + emit[t]
    return alpha


def ctc_beta(log_probs, labels: Sequence[int], blank: int = BLANK) -> np.ndarray:
    """The backward variables in log space, ``log β (T, S)``: β_t(s) sums the paths from (t, s) to the end,
    y_t(l'_s) included, so that α_t(s) β_t(s) / y_t(l'_s) is the probability mass through (t, s)."""
    log_probs, labels = check_alignable(log_probs, labels, blank)
    extended = extend_with_blanks(labels, blank)
    T, S = len(log_probs), len(extended)
    emit = log_probs[:, extended]
    skip = _skip_allowed(extended, blank)                            # skip[s + 2]: may s jump to s + 2?
    skip_from = np.concatenate([skip[2:], [False, False]])
    beta = np.full((T, S), -np.inf)
    beta[T - 1, S - 2:] = emit[T - 1, S - 2:]                        # end in l_L or the final blank
    for t in range(T - 2, -1, -1):
        stay = beta[t + 1]
        step = np.concatenate([beta[t + 1, 1:], [-np.inf]])
        jump = np.where(skip_from, np.concatenate([beta[t + 1, 2:], [-np.inf, -np.inf]]), -np.inf)
        beta[t] = np.logaddexp(np.logaddexp(stay, step), jump) + emit[t]
    return beta


def ctc_log_likelihood(log_probs, labels: Sequence[int], blank: int = BLANK) -> float:
    """log p(l | x) = α_{T−1}(S−1) ⊕ α_{T−1}(S−2)."""
    alpha = ctc_alpha(log_probs, labels, blank)
    return float(np.logaddexp(alpha[-1, -1], alpha[-1, -2]))


def ctc_loss(log_probs, labels: Sequence[int], blank: int = BLANK) -> float:
    """The CTC loss of one utterance, −log p(l | x) (torch's ``ctc_loss(..., reduction='sum')`` for a batch of one)."""
    return -ctc_log_likelihood(log_probs, labels, blank)


def ctc_occupation(log_probs, labels: Sequence[int], blank: int = BLANK) -> np.ndarray:
    """γ_t(s) = α_t(s) β_t(s) / (y_t(l'_s) p(l|x)): the probability that the path is at s at frame t, ``(T, S)``.

    Each row sums to 1 (every path is somewhere at every frame).
    """
    log_probs, labels = check_alignable(log_probs, labels, blank)
    extended = extend_with_blanks(labels, blank)
    alpha, beta = ctc_alpha(log_probs, labels, blank), ctc_beta(log_probs, labels, blank)
    log_p = np.logaddexp(alpha[-1, -1], alpha[-1, -2])
    return np.exp(alpha + beta - log_probs[:, extended] - log_p)


def ctc_gradient(log_probs, labels: Sequence[int], blank: int = BLANK) -> np.ndarray:
    """∂(−log p(l|x)) / ∂u ``(T, C)``, for scores u with log_probs = log_softmax(u): y − Σ_{s: l'_s = k} γ_t(s)."""
    log_probs, labels = check_alignable(log_probs, labels, blank)
    extended = extend_with_blanks(labels, blank)
    occupation = ctc_occupation(log_probs, labels, blank)
    target = np.zeros_like(log_probs)
    np.add.at(target, (slice(None), extended), occupation)           # Σ over every s with l'_s = k
    return np.exp(log_probs) - target


def best_path_alignment(log_probs, labels: Sequence[int], blank: int = BLANK) -> np.ndarray:
    """The most probable path that collapses to ``labels`` (forced alignment, 强制对齐): ``(T,)`` indices s into l'.

    The α recursion with max in place of ⊕ (Viterbi), then a trace back from the better end state.
    """
    log_probs, labels = check_alignable(log_probs, labels, blank)
    extended = extend_with_blanks(labels, blank)
    T, S = len(log_probs), len(extended)
    emit = log_probs[:, extended]
    skip = _skip_allowed(extended, blank)
    score = np.full((T, S), -np.inf)
    came_from = np.zeros((T, S), dtype=np.int64)
    score[0, :2] = emit[0, :2]
    for t in range(1, T):
        candidates = np.full((3, S), -np.inf)
        candidates[0] = score[t - 1]
        candidates[1, 1:] = score[t - 1, :-1]
        candidates[2, 2:] = np.where(skip[2:], score[t - 1, :-2], -np.inf)
        best = np.argmax(candidates, axis=0)                          # 0: stay, 1: from s−1, 2: from s−2
        score[t] = candidates[best, np.arange(S)] + emit[t]
        came_from[t] = np.arange(S) - best
    path = np.empty(T, dtype=np.int64)
    path[-1] = S - 1 if score[-1, -1] >= score[-1, -2] else S - 2
    for t in range(T - 1, 0, -1):
        path[t - 1] = came_from[t, path[t]]
    return path
