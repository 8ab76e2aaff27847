"""Digit error rate (数字错误率): the word error rate of speech recognition, with digits as the words.

The edit distance (编辑距离, Levenshtein 1966) between a reference r and a hypothesis h is the fewest
substitutions S, deletions D and insertions I that turn r into h. By dynamic programming over
prefixes, d(i, j) = distance between r[:i] and h[:j]:

    d(i, 0) = i,   d(0, j) = j
    d(i, j) = min( d(i−1, j−1) + [r_i ≠ h_j],     match or substitution
                   d(i−1, j) + 1,                  deletion of r_i
                   d(i, j−1) + 1 )                 insertion of h_j

    DER = Σ_utterances (S + D + I) / Σ_utterances len(r)     (can exceed 1: insertions are unbounded)
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np


class EditCounts(NamedTuple):
    """One optimal alignment's substitutions, deletions and insertions (``distance`` is their sum)."""

    substitutions: int
    deletions: int
    insertions: int

    @property
    def distance(self) -> int:
        return self.substitutions + self.deletions + self.insertions


def edit_distance(reference: Sequence, hypothesis: Sequence) -> int:
    """The Levenshtein distance between two sequences (strings, lists of digits …)."""
    previous = list(range(len(hypothesis) + 1))                       # d(0, j) = j
    for i, r in enumerate(reference, start=1):
        current = [i]                                                 # d(i, 0) = i
        for j, h in enumerate(hypothesis, start=1):
            current.append(min(previous[j - 1] + (r != h), previous[j] + 1, current[j - 1] + 1))
        previous = current
    return previous[-1]


def edit_counts(reference: Sequence, hypothesis: Sequence) -> EditCounts:
    """S, D, I of one minimum-distance alignment (ties broken towards matches/substitutions first)."""
    n, m = len(reference), len(hypothesis)
    d = np.zeros((n + 1, m + 1), dtype=np.int64)
    d[:, 0], d[0, :] = np.arange(n + 1), np.arange(m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            d[i, j] = min(d[i - 1, j - 1] + (reference[i - 1] != hypothesis[j - 1]), d[i - 1, j] + 1, d[i, j - 1] + 1)
    s = dl = ins = 0
    i, j = n, m
    while i > 0 or j > 0:                                             # trace one optimal alignment back
        if i > 0 and j > 0 and d[i, j] == d[i - 1, j - 1] + (reference[i - 1] != hypothesis[j - 1]):
            s += int(reference[i - 1] != hypothesis[j - 1])
            i, j = i - 1, j - 1
        elif i > 0 and d[i, j] == d[i - 1, j] + 1:
            dl, i = dl + 1, i - 1
        else:
            ins, j = ins + 1, j - 1
    return EditCounts(s, dl, ins)


def _check_pairs(references, hypotheses) -> None:
    if len(references) != len(hypotheses):
        raise ValueError(f"need one hypothesis per reference; got {len(references)} references and "
                         f"{len(hypotheses)} hypotheses")
    if sum(len(r) for r in references) == 0:
        raise ValueError("the references are empty: the error rate divides by their total length")


def digit_error_rate(references: Sequence[Sequence], hypotheses: Sequence[Sequence]) -> float:
    """Σ edit distances / Σ reference lengths over a corpus of utterances (as jiwer's ``wer``)."""
    _check_pairs(references, hypotheses)
    errors = sum(edit_distance(r, h) for r, h in zip(references, hypotheses))
    return errors / sum(len(r) for r in references)


def string_accuracy(references: Sequence[Sequence], hypotheses: Sequence[Sequence]) -> float:
    """The fraction of utterances recognised exactly (whole digit string right)."""
    _check_pairs(references, hypotheses)
    return sum(list(r) == list(h) for r, h in zip(references, hypotheses)) / len(references)
