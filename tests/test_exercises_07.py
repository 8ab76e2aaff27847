"""The exercise checks of notebook 07: they accept the reference solutions, reject the typical slips with the
specific hint, say "not attempted yet" for the placeholder, and raise only on misuse."""
import math

import numpy as np
import pytest

from exercise_asserts import assert_accepted, assert_rejected, verdict
from lessons_lib.exercises import translation


def softmax(x, axis=0):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_every_check_is_listed():
    assert len(translation.__all__) >= 3
    for name in translation.__all__:
        assert name.startswith("check_") and callable(getattr(translation, name)), name


@pytest.mark.parametrize("check", [getattr(translation, n) for n in translation.__all__])
def test_misuse_raises(check):
    with pytest.raises(TypeError, match="takes your function itself"):
        check(0.5)


def not_attempted(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("check", [getattr(translation, n) for n in translation.__all__])
def test_not_attempted(capsys, check):
    result, out = verdict(capsys, check, not_attempted)
    assert result is False and out.startswith("⏳") and "not attempted yet" in out, out


# ------------------------------------------------------------------ additive attention
def additive(s, H, W_s, W_h, v):
    return softmax(np.tanh(W_s @ s + H @ W_h.T) @ v)


@pytest.mark.parametrize("answer, fragments", [
    (lambda s, H, W_s, W_h, v: np.tanh(W_s @ s + H @ W_h.T) @ v, ["those are the scores"]),
    (lambda s, H, W_s, W_h, v: softmax((W_s @ s + H @ W_h.T) @ v), ["tanh"]),
    (lambda s, H, W_s, W_h, v: (lambda e: e / e.sum())(np.tanh(W_s @ s + H @ W_h.T) @ v), ["take exp first"]),
    (lambda s, H, W_s, W_h, v: 1 / (1 + np.exp(-(np.tanh(W_s @ s + H @ W_h.T) @ v))), ["not a sigmoid"]),
    (lambda s, H, W_s, W_h, v: softmax(np.tanh(W_s @ s + H @ W_h.T) @ v)[None], ["shape"]),
    (lambda s, H, W_s, W_h, v: np.tanh(W_h @ s), ["raised ValueError"]),
    (lambda s, H, W_s, W_h, v: np.ones(6) / 6, ["wrong values"]),
])
def test_additive_attention(capsys, answer, fragments):
    assert_accepted(capsys, translation.check_additive_attention, additive)
    assert_rejected(capsys, translation.check_additive_attention, answer, *fragments)


# ------------------------------------------------------------------ masked softmax
def masked(scores, mask):
    return softmax(np.where(mask, scores, -np.inf), axis=0)


def renormalised(scores, mask):
    w = softmax(scores) * mask
    return w / w.sum(axis=0, keepdims=True)


@pytest.mark.parametrize("answer, fragments", [
    (lambda scores, mask: softmax(scores), ["the mask is not used"]),
    (lambda scores, mask: softmax(np.where(mask, scores, 0.0)), ["exp(0) = 1"]),
    (lambda scores, mask: softmax(np.where(mask, scores, -np.inf), axis=1), ["axis 0"]),
    (lambda scores, mask: softmax(scores) * mask, ["renormalise"]),
    (lambda scores, mask: softmax(scores) + 0.01 * ~mask, ["must get exactly 0"]),
    (lambda scores, mask: masked(scores, mask).T, ["transpose"]),
    (lambda scores, mask: None, ["is None"]),
])
def test_masked_softmax(capsys, answer, fragments):
    assert_accepted(capsys, translation.check_masked_softmax, masked)
    assert_accepted(capsys, translation.check_masked_softmax, renormalised)      # also right
    assert_rejected(capsys, translation.check_masked_softmax, answer, *fragments)


# ------------------------------------------------------------------ beam step
def beam_step(beam_scores, log_probs, width):
    candidates = beam_scores[:, None] + log_probs
    flat = np.argsort(-candidates, axis=None)[:width]
    parents, tokens = np.unravel_index(flat, candidates.shape)
    return parents, tokens, candidates[parents, tokens]


@pytest.mark.parametrize("answer, fragments", [
    (lambda b, lp, w: beam_step(np.zeros_like(b), lp, w), ["add the score of the beam"]),
    (lambda b, lp, w: (np.arange(3), lp.argmax(1), b + lp.max(1)), ["over *all*"]),
    (lambda b, lp, w: tuple(x[::-1] for x in beam_step(b, lp, w)), ["wrong values"]),
    (lambda b, lp, w: beam_step(b, lp, w)[:2], ["expected a tuple (parents, tokens, scores)"]),
    (lambda b, lp, w: (beam_step(b, lp, w)[0], np.argsort(-(b[:, None] + lp), axis=None)[:w], beam_step(b, lp, w)[2]),
     ["tokens"]),
])
def test_beam_step(capsys, answer, fragments):
    assert_accepted(capsys, translation.check_beam_step, beam_step)
    assert_rejected(capsys, translation.check_beam_step, answer, *fragments)


def test_beam_step_recognises_ascending_order(capsys):
    def ascending(b, lp, w):
        candidates = b[:, None] + lp
        flat = np.argsort(candidates, axis=None)[:w]
        parents, tokens = np.unravel_index(flat, candidates.shape)
        return parents, tokens, candidates[parents, tokens]
    assert_rejected(capsys, translation.check_beam_step, ascending, "higher is better")


# ------------------------------------------------------------------ brevity penalty
def brevity_penalty(c, r):
    return 1.0 if c > r else math.exp(1 - r / c)


@pytest.mark.parametrize("answer, fragments", [
    (lambda c, r: math.exp(1 - c / r) if c <= r else 1.0, ["r / c"]),
    (lambda c, r: math.exp(1 - r / c), ["BP = 1 when c > r"]),
    (lambda c, r: min(1.0, c / r), ["plain ratio"]),
    (lambda c, r: 1.0, ["must be penalised"]),
    (lambda c, r: "1", ["expected a number"]),
    (lambda c, r: 1 / 0, ["raised ZeroDivisionError"]),
])
def test_brevity_penalty(capsys, answer, fragments):
    assert_accepted(capsys, translation.check_brevity_penalty, brevity_penalty)
    assert_rejected(capsys, translation.check_brevity_penalty, answer, *fragments)
