"""Greedy decoding and prefix beam search: against brute force on tiny cases, and the classic counter-example."""
import itertools

import numpy as np
import pytest

from lessons_lib.speech.ctc import collapse, ctc_log_likelihood
from lessons_lib.speech.decoding import beam_decode, best_path, greedy_decode, greedy_spikes, prefix_beam_search


def test_greedy_collapses_the_best_path():
    log_probs = np.log(np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]]))
    assert best_path(log_probs).tolist() == [1, 1, 0, 1, 2]
    assert greedy_decode(log_probs) == [1, 1, 2]
    assert greedy_spikes(log_probs) == [(1, 0), (1, 3), (2, 4)]


def test_greedy_is_not_the_most_probable_labelling():
    # two frames; blank is the likeliest class in each, but the label "1" has more paths: 1_, _1, 11
    y = np.array([[0.4, 0.35, 0.25], [0.4, 0.35, 0.25]])
    log_probs = np.log(y)
    assert greedy_decode(log_probs) == []                              # p("") = 0.16
    assert np.exp(ctc_log_likelihood(log_probs, [1])) == pytest.approx(0.4 * 0.35 * 2 + 0.35 ** 2)   # 0.4025
    assert beam_decode(log_probs, beam_width=4) == [1]


def all_labellings(log_probs):
    T, C = log_probs.shape
    totals = {}
    for path in itertools.product(range(C), repeat=T):
        labels = tuple(collapse(path))
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), log_probs[np.arange(T), path].sum())
    return totals


@pytest.mark.parametrize("seed", range(4))
def test_an_unlimited_beam_gives_exact_labelling_probabilities(seed):
    scores = np.random.default_rng(seed).standard_normal((5, 3)) * 1.5
    log_probs = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
    exact = all_labellings(log_probs)
    found = prefix_beam_search(log_probs, beam_width=10_000)
    assert len(found) == len(exact)
    for labels, log_p in found:
        assert log_p == pytest.approx(exact[labels], abs=1e-10)
    assert found[0][0] == max(exact, key=exact.get)
    assert [lp for _, lp in found] == sorted((lp for _, lp in found), reverse=True)


def test_a_narrow_beam_keeps_at_most_its_width():
    scores = np.random.default_rng(9).standard_normal((12, 5))
    log_probs = scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)
    assert len(prefix_beam_search(log_probs, beam_width=3)) == 3


def test_decoders_refuse_bad_input():
    with pytest.raises(ValueError, match=r"2-D with shape \(T, C\)"):
        greedy_decode(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match="beam_width must be a positive integer"):
        prefix_beam_search(np.log(np.full((2, 3), 1 / 3)), beam_width=0)
