"""The n-gram baseline: normalised distributions for every context, cross-entropy by hand, a brute-force replay."""
from collections import Counter, defaultdict

import numpy as np
import pytest

from lessons_lib.language import NGramModel, Vocabulary, choose_order
from lessons_lib.language.ngram import discount_estimate


def brute_force_probability(train: str, alphabet: str, order: int, history: str, w: str, D: float) -> float:
    """Interpolated absolute discounting straight from the formula, with python dicts: the reference."""
    counts = defaultdict(Counter)
    for k in range(order):
        for i in range(k, len(train)):
            counts[train[i - k:i]][train[i]] += 1
    probability = 1.0 / len(alphabet)
    for k in range(order):
        h = history[len(history) - k:] if k else ""
        if k > len(history) or h not in counts:
            continue                                   # never seen (or not enough history): back off completely
        c, total, followers = counts[h][w], sum(counts[h].values()), len(counts[h])
        probability = (max(c - D, 0) + D * followers * probability) / total
    return probability


TRAIN = "the cat sat on the mat. the hat! a cat that sat.\n"


@pytest.fixture(scope="module")
def tiny():
    vocabulary = Vocabulary.from_text(TRAIN + "xq", unknown=None)   # x, q never occur in training
    return vocabulary, NGramModel.fit(vocabulary.encode(TRAIN), 4, len(vocabulary))


def test_probabilities_sum_to_one_for_every_context(tiny):
    vocabulary, model = tiny
    V = len(vocabulary)
    # every context of length 0..3 seen in training, plus unseen ones and padded (short) histories
    histories = {TRAIN[i - 3:i] for i in range(3, len(TRAIN))} | {"xqx", "qqq", "zzz"[:0] + "txq", "at."}
    rows = np.array([vocabulary.encode(h) for h in sorted(histories)])
    rows = np.concatenate([rows, [[-1, -1, vocabulary.id_of["t"]], [-1, -1, -1]]])
    for order in range(1, 5):
        p = model.next_distribution(rows, order=order)
        assert p.shape == (len(rows), V) and np.all(p > 0)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)


def test_one_history_at_a_time_gives_the_batch_rows(tiny):
    """A single history takes a faster scalar path (sampling); it must give the batch computation's rows."""
    vocabulary, model = tiny
    histories = sorted({TRAIN[i - 3:i] for i in range(3, len(TRAIN))} | {"xqx", "txq", "at.", "q t"})
    rows = np.array([vocabulary.encode(h) for h in histories] + [[-1, -1, vocabulary.id_of["t"]], [-1, -1, -1]])
    for order in range(1, 5):
        batch = model.next_distribution(rows, order=order)
        for row, expected in zip(rows, batch):
            np.testing.assert_allclose(model.next_distribution(row[None], order=order)[0], expected, rtol=1e-13, atol=0)


def test_matches_the_formula_computed_with_dictionaries(tiny):
    vocabulary, model = tiny
    alphabet = "".join(vocabulary.characters)
    for history in ("the", "at", " c", "xq", "q.t", "", "hat"):
        padded = [-1] * (3 - len(history)) + list(vocabulary.encode(history))
        p = model.next_distribution(np.array([padded]))[0]
        for w in "tahe .x":
            expected = brute_force_probability(TRAIN, alphabet, 4, history, w, 0.75)
            assert p[vocabulary.id_of[w]] == pytest.approx(expected, rel=1e-12), (history, w)


def test_char_probabilities_agree_with_next_distribution(tiny):
    vocabulary, model = tiny
    text = "the cat sat on a hat. xq"
    ids = vocabulary.encode(text)
    p = model.char_probabilities(ids)
    assert p.shape == (len(ids) - 1,)
    for i in range(1, len(ids)):
        history = [-1] * max(0, 3 - i) + list(ids[max(0, i - 3):i])
        assert p[i - 1] == pytest.approx(model.next_distribution(np.array([history]))[0, ids[i]], rel=1e-12)


def test_cross_entropy_by_hand_on_a_two_letter_corpus():
    # training text "abab": bigram counts a->b 2, b->a 1; unigram a 2, b 2; V = 2, D = 0.5
    vocabulary = Vocabulary(["a", "b"], unknown=None)
    model = NGramModel.fit(vocabulary.encode("abab"), 2, 2, discount=0.5)
    p_unigram_b = (2 - 0.5 + 0.5 * 2 * 0.5) / 4          # (c − D + D·N₁₊·uniform) / total = 0.5
    p_b_after_a = (2 - 0.5 + 0.5 * 1 * p_unigram_b) / 2  # 0.875
    p_a_after_b = (1 - 0.5 + 0.5 * 1 * 0.5) / 1          # 0.75
    expected = -(np.log(p_b_after_a) + np.log(p_a_after_b)) / 2   # scoring "aba": b|a, then a|b
    assert model.cross_entropy(vocabulary.encode("aba")) == pytest.approx(expected, rel=1e-12)
    assert model.cross_entropy(vocabulary.encode("aba"), order=1) == pytest.approx(np.log(2), rel=1e-12)


def test_one_model_serves_every_lower_order(tiny):
    vocabulary, model = tiny
    ids = vocabulary.encode("the cat sat on the hat.")
    for order in (1, 2, 3):
        small = NGramModel.fit(vocabulary.encode(TRAIN), order, len(vocabulary))
        assert model.cross_entropy(ids, order=order) == pytest.approx(small.cross_entropy(ids), rel=1e-12)


def test_every_order_in_one_pass_and_lower_order_models(tiny):
    vocabulary, model = tiny
    ids = vocabulary.encode("the cat sat on the hat. xq the mat")
    every = model.cross_entropy_by_order(ids)
    assert every == pytest.approx({n: model.cross_entropy(ids, order=n) for n in range(1, 5)}, rel=1e-12)
    low = model.with_order(2)
    assert low.order == 2 and len(low.tables) == 2 and low.cross_entropy(ids) == pytest.approx(every[2], rel=1e-12)
    np.testing.assert_allclose(low.next_distribution(np.array([[1, 2, 3]])),
                               model.next_distribution(np.array([[1, 2, 3]]), order=2))


def test_choose_order_picks_the_lowest_validation_loss(tiny):
    vocabulary, model = tiny
    best, losses = choose_order(model, vocabulary.encode("the cat sat on the mat."))
    assert set(losses) == {1, 2, 3, 4} and losses[best] == min(losses.values())
    assert losses[1] > losses[best]


def test_discounts_by_counts_of_counts_and_swapping_them(tiny):
    assert discount_estimate(np.array([1, 1, 2, 5])) == pytest.approx(2 / (2 + 2))
    assert discount_estimate(np.array([5, 6])) == 0.5
    assert discount_estimate(np.array([2, 2, 2])) == 0.1            # n₁ = 0: kept within [0.1, 1]
    vocabulary, model = tiny
    estimated = model.with_discount("counts")
    assert estimated.tables is model.tables and estimated.discounts != model.discounts
    assert model.discounts == [0.75] * 4


def test_sampling_interface_keeps_the_last_n_minus_1_characters(tiny):
    vocabulary, model = tiny
    state = model.start(vocabulary.encode("the c")[None])
    assert state.tolist() == [list(vocabulary.encode("e c"))]
    state = model.advance(state, np.array([vocabulary.id_of["a"]]))
    assert vocabulary.decode(state[0]) == " ca"
    short = model.start(vocabulary.encode("t")[None])
    assert short.tolist() == [[-1, -1, vocabulary.id_of["t"]]]
    np.testing.assert_allclose(np.exp(model.next_logits(state)).sum(axis=1), 1.0)


@pytest.mark.parametrize("call,fragment", [
    (lambda m: NGramModel.fit(np.array([0, 1, 5]), 2, 3), r"ids must lie in \[0, vocab_size=3\)"),
    (lambda m: NGramModel.fit(np.array([[0, 1]]), 2, 3), "1-D integer array"),
    (lambda m: NGramModel.fit(np.array([0, 1]), 0, 3), "order must be a positive integer"),
    (lambda m: NGramModel.fit(np.array([0, 1]), 2, 3, discount=1.5), r"discount must be a number in \(0, 1\]"),
    (lambda m: m.cross_entropy(np.array([0]), order=2), "at least 2 characters"),
    (lambda m: m.cross_entropy(np.array([0, 1]), order=9), "at most the fitted order 4"),
    (lambda m: m.next_distribution(np.array([0, 1])), r"2-D \(B, K\)"),
    (lambda m: m.start(np.zeros((1, 0), dtype=int)), "P >= 1"),
])
def test_bad_input(tiny, call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call(tiny[1])
