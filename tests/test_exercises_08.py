"""The exercise checks of notebook 08: they accept the reference solutions, reject the typical slips with
the specific hint, say "not attempted yet" for the placeholder, and raise only on misuse."""
import numpy as np
import pytest

from exercise_asserts import assert_accepted, assert_rejected, verdict
from lessons_lib.exercises import speech
from lessons_lib.speech.ctc import collapse, min_frames
from lessons_lib.speech.error_rate import edit_distance


def test_every_check_is_listed():
    assert len(speech.__all__) >= 3
    for name in speech.__all__:
        assert name.startswith("check_") and callable(getattr(speech, name)), name


@pytest.mark.parametrize("check", [getattr(speech, n) for n in speech.__all__])
def test_misuse_raises(check):
    with pytest.raises(TypeError, match="takes your function itself"):
        check(0.5)


@pytest.mark.parametrize("check", [getattr(speech, n) for n in speech.__all__])
def test_the_placeholder_is_not_attempted_yet(capsys, check):
    def placeholder(*args):
        raise NotImplementedError()

    result, out = verdict(capsys, check, placeholder)
    assert result is False and out.startswith("⏳") and "not attempted yet" in out, out


# ------------------------------------------------------------------ collapse
def remove_blanks_then_merge(path):
    labels = [k for k in path if k != 0]
    return [k for i, k in enumerate(labels) if i == 0 or labels[i - 1] != k]


@pytest.mark.parametrize("answer, fragments", [
    (remove_blanks_then_merge, ["removed the blanks before merging"]),
    (lambda path: [k for k in path if k != 0], ["repeats were not merged"]),
    (lambda path: [k for i, k in enumerate(path) if i == 0 or path[i - 1] != k], ["blanks (class 0) must be removed"]),
    (lambda path: "33", ["expected a list of class ids"]),
    (lambda path: path[99], ["raised IndexError"]),
])
def test_collapse(capsys, answer, fragments):
    assert_accepted(capsys, speech.check_collapse, collapse)
    assert_accepted(capsys, speech.check_collapse, lambda path: np.array(collapse(path), dtype=np.int64))
    assert_rejected(capsys, speech.check_collapse, answer, *fragments)


# ------------------------------------------------------------------ one α step
def alpha_step(alpha_prev, log_y, extended, rule="right", combine=np.logaddexp, emit=True):
    S = len(extended)
    total = combine(alpha_prev, np.concatenate([[-np.inf], alpha_prev[:-1]]))
    if rule != "none":
        jump = np.full(S, -np.inf)
        for s in range(2, S):
            allowed = {"right": extended[s] != 0 and extended[s] != extended[s - 2],
                       "always": True, "labels": extended[s] != 0}[rule]
            if allowed:
                jump[s] = alpha_prev[s - 2]
        total = combine(total, jump)
    return total + (log_y[extended] if emit else 0.0)


@pytest.mark.parametrize("answer, fragments", [
    (lambda a, y, e: alpha_step(a, y, e, rule="always"), ["never into a blank"]),
    (lambda a, y, e: alpha_step(a, y, e, rule="labels"), ["between two equal labels"]),
    (lambda a, y, e: alpha_step(a, y, e, rule="none"), ["may also come from s−2"]),
    (lambda a, y, e: alpha_step(a, y, e, combine=np.maximum), ["Viterbi"]),
    (lambda a, y, e: alpha_step(a, y, e, emit=False), ["log_y[extended]"]),
    (lambda a, y, e: alpha_step(a, y, e)[:-1], ["has shape"]),
    (lambda a, y, e: None, ["is None"]),
])
def test_alpha_step(capsys, answer, fragments):
    assert_accepted(capsys, speech.check_alpha_step, alpha_step)
    assert_rejected(capsys, speech.check_alpha_step, answer, *fragments)


# ------------------------------------------------------------------ edit distance
def hamming_like(r, h):
    return sum(a != b for a, b in zip(r, h)) + abs(len(r) - len(h))


@pytest.mark.parametrize("answer, fragments", [
    (hamming_like, ["position by position"]),
    (lambda r, h: abs(len(r) - len(h)), ["difference of the lengths"]),
    (lambda r, h: "1", ["expected a number"]),
    (lambda r, h: 1 / 0, ["raised ZeroDivisionError"]),
])
def test_edit_distance(capsys, answer, fragments):
    assert_accepted(capsys, speech.check_edit_distance, edit_distance)
    assert_accepted(capsys, speech.check_edit_distance, lambda r, h: np.int64(edit_distance(r, h)))
    assert_rejected(capsys, speech.check_edit_distance, answer, *fragments)


def test_edit_distance_with_substitutions_costing_two(capsys):
    def costly(r, h):
        return speech._edit_distance_substitution_cost(r, h, 2)
    result, out = verdict(capsys, speech.check_edit_distance, costly)
    assert result is False and out.startswith("❌")


# ------------------------------------------------------------------ min frames
@pytest.mark.parametrize("answer, fragments", [
    (lambda labels: len(labels), ["'1 _ 1', three frames"]),
    (lambda labels: 2 * len(labels) + 1, ["length of l'"]),
    (lambda labels: 2 * len(labels) - 1, ["fits in three frames"]),
    (lambda labels: 2.5, ["expected an integer"]),
])
def test_min_frames(capsys, answer, fragments):
    assert_accepted(capsys, speech.check_min_frames, min_frames)
    assert_rejected(capsys, speech.check_min_frames, answer, *fragments)
