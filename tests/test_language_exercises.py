"""The exercise checks of notebook 06: they accept the reference solution, reject the typical slips with the
specific hint, say "not attempted yet" for an untouched exercise, and never raise on a wrong answer."""
import math
from collections import Counter

import numpy as np
import pytest
import torch

from lessons_lib import exercises
from lessons_lib.exercises import language
from exercise_asserts import assert_accepted, assert_rejected, verdict


def test_every_check_is_exported():
    assert len(language.__all__) >= 3
    for name in language.__all__:
        assert name.startswith("check_") and callable(getattr(exercises, name)), name


def not_attempted(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("check", language.__all__)
def test_an_untouched_exercise_is_not_attempted_yet(capsys, check):
    result, out = verdict(capsys, getattr(exercises, check), not_attempted)
    assert result is False and out.startswith("⏳") and "not attempted yet" in out, out


@pytest.mark.parametrize("check", language.__all__)
def test_a_number_instead_of_a_function_is_misuse(check):
    with pytest.raises(TypeError, match="takes your function itself"):
        getattr(exercises, check)(1.5)


# ---------------------------------------------------------------- perplexity
def test_perplexity_accepts_the_reference(capsys):
    assert_accepted(capsys, exercises.check_perplexity, lambda nats: math.exp(nats))
    assert_accepted(capsys, exercises.check_perplexity, lambda nats: np.exp(nats))


@pytest.mark.parametrize("function,fragment", [
    (lambda nats: 2 ** nats, "for H in *bits*"),
    (lambda nats: nats / math.log(2), "nats to bits"),
    (lambda nats: math.exp(-nats), "its inverse"),
    (lambda nats: math.log(nats) if nats > 0 else float("-inf"), "not the logarithm"),
    (lambda nats: nats, "e^H"),
    (lambda nats: np.array([1.0, 2.0]), "expected one number"),
    (lambda nats: 1 / 0, "ZeroDivisionError"),
])
def test_perplexity_rejects_slips(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_perplexity, function, fragment)


# ---------------------------------------------------------------- temperature
def reference_temperature(logits, temperature):
    z = logits / temperature
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_temperature_accepts_the_reference(capsys):
    assert_accepted(capsys, exercises.check_temperature_probabilities, reference_temperature)
    assert_accepted(capsys, exercises.check_temperature_probabilities,
                    lambda z, t: torch.softmax(torch.from_numpy(z) / t, dim=1).numpy())


def naive(logits, temperature):
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(logits / temperature)
        return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("function,fragment", [
    (lambda z, t: softmax(z * t), "*divides* the logits"),
    (lambda z, t: softmax(z), "temperature was not used"),
    (lambda z, t: np.exp(z / t - (z / t).max(axis=1, keepdims=True)), "sums to 1"),
    (lambda z, t: np.exp(z / t - (z / t).max()) / np.exp(z / t - (z / t).max()).sum(), "each row on its own"),
    (naive, "overflows"),
    (lambda z, t: softmax(z / t).T, "transpose"),
    (lambda z, t: None, "is None"),
])
def test_temperature_rejects_slips(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_temperature_probabilities, function, fragment)


# ---------------------------------------------------------------- carry the state
def test_carry_state_accepts_detach(capsys):
    assert_accepted(capsys, exercises.check_carry_state, lambda state: tuple(s.detach() for s in state))
    assert_accepted(capsys, exercises.check_carry_state, lambda state: (state[0].detach(), state[1].detach()))


@pytest.mark.parametrize("function,fragment", [
    (lambda state: state, "already freed"),
    (lambda state: tuple(s.clone() for s in state), "already freed"),
    (lambda state: tuple(torch.zeros_like(s) for s in state), "stateless"),
    (lambda state: None, "pair (h, c)"),
    (lambda state: state[0].detach(), "pair (h, c)"),
    (lambda state: tuple(s.detach() * 0.5 for s in state), "other values"),
])
def test_carry_state_rejects_slips(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_carry_state, function, fragment)


# ---------------------------------------------------------------- the bigram by hand
def reference_bigram(text, h, w, D):
    pairs, unigrams = Counter(zip(text, text[1:])), Counter(text)
    V, N = len(set(text)), len(text)
    p1 = (max(unigrams[w] - D, 0) + D * len(unigrams) / V) / N
    c_h = sum(n for (a, _), n in pairs.items() if a == h)
    followers = sum(1 for (a, _) in pairs if a == h)
    return (max(pairs[h, w] - D, 0) + D * followers * p1) / c_h


def test_bigram_accepts_the_reference(capsys):
    assert_accepted(capsys, exercises.check_bigram_probability, reference_bigram)


def no_interpolation(text, h, w, D):
    pairs = Counter(zip(text, text[1:]))
    return max(pairs[h, w] - D, 0) / sum(n for (a, _), n in pairs.items() if a == h)


def whole_alphabet(text, h, w, D):
    pairs, unigrams = Counter(zip(text, text[1:])), Counter(text)
    c_h = sum(n for (a, _), n in pairs.items() if a == h)
    return (max(pairs[h, w] - D, 0) + D * len(set(text)) * unigrams[w] / len(text)) / c_h


def maximum_likelihood(text, h, w, D):
    pairs = Counter(zip(text, text[1:]))
    return pairs[h, w] / sum(n for (a, _), n in pairs.items() if a == h)


@pytest.mark.parametrize("function,fragment", [
    (no_interpolation, "must go to the lower order"),
    (whole_alphabet, "*distinct* characters seen after h"),
    (maximum_likelihood, "maximum-likelihood"),
    (lambda text, h, w, D: 0.5, "expected"),
    (lambda text, h, w, D: [0.5], "expected one number"),
])
def test_bigram_rejects_slips(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_bigram_probability, function, fragment)
