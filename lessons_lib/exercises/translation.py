"""Exercise checks for notebook 07 (sequence to sequence with attention).

Each check takes the learner's function, runs it on seeded cases, compares with the reference (the
tested code of :mod:`lessons_lib.translation` or its formula), recognises typical slips by
computing them too, prints feedback and returns True/False. A wrong answer never raises; a
function that still raises ``NotImplementedError`` is "not attempted yet".
"""
from __future__ import annotations

import math
import numbers

import numpy as np
import torch

from ..translation.attention import masked_softmax
from ._feedback import array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_additive_attention", "check_masked_softmax", "check_beam_step", "check_brevity_penalty"]


def _softmax(x: np.ndarray, axis: int = 0) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


# ------------------------------------------------------------------ 1. additive attention
def _attention_case(seed: int = 7):
    rng = np.random.default_rng(seed)
    S, Q, K, A = 6, 4, 5, 3
    return (rng.standard_normal(Q), rng.standard_normal((S, K)), rng.standard_normal((A, Q)),
            rng.standard_normal((A, K)), rng.standard_normal(A))


def check_additive_attention(function) -> bool:
    """Exercise: ``function(s (Q,), H (S, K), W_s (A, Q), W_h (A, K), v (A,))`` returns the weights α ``(S,)``
    of Bahdanau attention for one sentence: e_j = vᵀ tanh(W_s s + W_h h_j), α = softmax(e)."""
    name = "additive_attention"
    s, H, W_s, W_h, v = _attention_case()
    answer, problem = call_safely(function, s.copy(), H.copy(), W_s.copy(), W_h.copy(), v.copy())
    if problem:
        return report(name, problem, "compute W_s @ s (A,) once and H @ W_h.T (S, A), add them (broadcasting), "
                                       "tanh, then @ v, then a softmax over the S positions.")
    energies = np.tanh(W_s @ s + H @ W_h.T) @ v                          # e (S,)
    expected = _softmax(energies)
    slips = {
        "scores": (energies, "those are the scores e_j; the weights are their softmax, which sums to 1."),
        "no tanh": (_softmax((W_s @ s + H @ W_h.T) @ v), "the tanh between the two layers is missing: "
                                                         "e_j = vᵀ tanh(W_s s + W_h h_j)."),
        "normalised scores": (energies / energies.sum(), "dividing by the sum is not a softmax (scores can be "
                                                         "negative): take exp first."),
        "sigmoid": (1 / (1 + np.exp(-energies)), "each weight is exp(e_j) / Σ_k exp(e_k): a softmax over positions, "
                                                 "not a sigmoid per position."),
    }
    problem = array_problem(answer, expected, "α", "(S,)")
    if problem:
        return report(name, problem, matching_slip(answer, slips) or "check one position j by hand first.")
    return report(name, None, success="It is what AdditiveAttention computes for one sentence (B = 1).")


# ------------------------------------------------------------------ 2. masked softmax
def _mask_case():
    rng = np.random.default_rng(3)
    scores = rng.standard_normal((5, 3)) * 2
    lengths = np.array([5, 2, 3])
    return scores, np.arange(5)[:, None] < lengths[None, :]


def check_masked_softmax(function) -> bool:
    """Exercise: ``function(scores (S, B), mask (S, B) bool)`` → weights ``(S, B)``: a softmax over the
    source axis 0 in which padded positions (mask False) get weight exactly 0."""
    name = "masked_softmax"
    scores, mask = _mask_case()
    answer, problem = call_safely(function, scores.copy(), mask.copy())
    if problem:
        return report(name, problem, "set the padded scores to -np.inf (np.where(mask, scores, -np.inf)), then "
                                       "a softmax along axis 0.")
    expected = masked_softmax(torch.from_numpy(scores), torch.from_numpy(mask)).numpy()
    slips = {
        "no mask": (_softmax(scores), "padding still gets weight: the mask is not used."),
        "zeros": (_softmax(np.where(mask, scores, 0.0)), "a score of 0 is not 'no weight': exp(0) = 1. Use −∞ "
                                                         "(exp(−∞) = 0)."),
        "wrong axis": (_softmax(np.where(mask, scores, -np.inf), axis=1) if mask.any(axis=1).all() else None,
                       "normalise over the source positions (axis 0, down each column), not across the batch."),
        "mask after softmax": (_softmax(scores) * mask, "zeroing after the softmax leaves columns that no longer sum "
                                                        "to 1: renormalise, or mask the scores before."),
    }
    slips = {k: v for k, v in slips.items() if v[0] is not None}
    if answer is not None and np.asarray(answer).shape == expected.shape:
        padded = np.asarray(answer, dtype=float)[~mask]
        if np.all(np.isfinite(padded)) and np.abs(padded).max() > 0 and matching_slip(answer, slips) is None:
            return report(name, f"padded positions get weight (largest {np.abs(padded).max():.3g}); they must get "
                                  "exactly 0", "set their scores to −∞ before the softmax.")
    problem = array_problem(answer, expected, "weights", "(S, B)")
    if problem:
        return report(name, problem, matching_slip(answer, slips) or "each column must sum to 1 over its real "
                                                                       "positions.")
    return report(name, None, success="The same rule as lessons_lib.translation.attention.masked_softmax.")


# ------------------------------------------------------------------ 3. one beam-search step
def _beam_case():
    rng = np.random.default_rng(5)
    beam_scores = np.array([-0.4, -1.1, -2.5])
    log_probs = np.log(_softmax(rng.standard_normal((3, 7)) * 2, axis=1))
    return beam_scores, log_probs


def _beam_reference(beam_scores, log_probs, width):
    total = beam_scores[:, None] + log_probs
    flat = np.argsort(-total, axis=None, kind="stable")[:width]
    parents, tokens = np.unravel_index(flat, total.shape)
    return parents, tokens, total[parents, tokens]


def check_beam_step(function) -> bool:
    """Exercise: ``function(beam_scores (k,), log_probs (k, V), width)`` → ``(parents, tokens, scores)``, three
    arrays of length ``width``, best first: the ``width`` best extensions over all k × V candidates, scored
    beam_scores[parent] + log_probs[parent, token]."""
    name = "beam_step"
    beam_scores, log_probs = _beam_case()
    width = 3
    answer, problem = call_safely(function, beam_scores.copy(), log_probs.copy(), width)
    if problem:
        return report(name, problem, "candidates = beam_scores[:, None] + log_probs (k, V); the best `width` of "
                                       "candidates.ravel(); parent = flat // V, token = flat % V.")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 3):
        return report(name, f"expected a tuple (parents, tokens, scores); got {type(answer).__name__}",
                        "end with `return parents, tokens, scores`.")
    expected = _beam_reference(beam_scores, log_probs, width)
    only_new = _beam_reference(np.zeros(3), log_probs, width)
    per_beam = (np.arange(3), log_probs.argmax(axis=1),
                beam_scores + log_probs.max(axis=1))
    worst = _beam_reference(-beam_scores, -log_probs, width)
    slips = {
        "no beam scores": (only_new, "a candidate's score is the whole prefix's log-probability: add the score of "
                                     "the beam it extends."),
        "best per beam": (per_beam, "the best `width` over *all* k × V candidates: two of them may extend the same "
                                    "beam, and a beam may get none."),
        "ascending": ((worst[0], worst[1], -worst[2]), "those are the worst candidates: log-probabilities are ≤ 0, "
                                                       "higher is better."),
    }
    hint = matching_slip([np.asarray(a, dtype=float) for a in answer], slips)
    for what, got, want in zip(("parents", "tokens", "scores"), answer, expected):
        problem = array_problem(got, np.asarray(want, dtype=float), what, "(width,)")
        if problem:
            return report(name, problem, hint or "sort all candidates by score, best first, and keep `width`.")
    return report(name, None, success="lessons_lib.translation.decoding.beam_search does this at every step.")


# ------------------------------------------------------------------ 4. brevity penalty
def check_brevity_penalty(function) -> bool:
    """Exercise: ``function(c, r)`` → BLEU's brevity penalty for output length c and reference length r:
    1 if c > r, else exp(1 − r / c)."""
    name = "brevity_penalty"
    cases = [(17, 18), (9, 12), (12, 12), (20, 12), (1, 5)]
    for c, r in cases:
        answer, problem = call_safely(function, c, r)
        if problem:
            return report(name, problem, "use math.exp; remember the case c > r.")
        if isinstance(answer, np.ndarray) and answer.size == 1:
            answer = answer.item()
        if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
            return report(name, f"expected a number for c={c}, r={r}; got {type(answer).__name__}",
                            "return a float.")
        expected = 1.0 if c > r else math.exp(1 - r / c)
        if not math.isclose(answer, expected, rel_tol=1e-9, abs_tol=1e-12):
            slips = {
                "inverted": (math.exp(1 - c / r), "the ratio is r / c (reference over output): shorter outputs must "
                                                  "be punished more."),
                "always": (math.exp(1 - r / c), "outputs longer than the reference are not penalised: BP = 1 when c > r."),
                "ratio": (min(1.0, c / r), "BLEU uses exp(1 − r/c), not the plain ratio c/r."),
                "none": (1.0, "a shorter output than the reference must be penalised (BP < 1)."),
            }
            hint = next((h for value, h in slips.values() if math.isclose(answer, value, rel_tol=1e-9)), None)
            return report(name, f"for c={c}, r={r} expected {expected:.6g}; got {answer:.6g}",
                            hint or "BP = 1 if c > r else exp(1 − r / c).")
    return report(name, None, success=f"sacrebleu's README example: c=17, r=18 gives BP = {math.exp(1 - 18 / 17):.3f}.")
