"""Sampling with temperature, top-k and a seed, one interface for the n-gram, the LSTM and the numpy RNN; metrics."""
import math

import numpy as np
import pytest
import torch

from lessons_lib.language import (CharLM, NGramModel, Vocabulary, bits_per_char, describe, generate, perplexity,
                                  sample_ids, temperature_probabilities)
from lessons_lib.language.metrics import cross_entropy_of
from lessons_lib.language.numpy_char_rnn import CharRNNParams, NumpyCharRNN
from lessons_lib.language.sampling import draw

TEXT = "the cat sat on the mat. the hat sat on the cat.\n" * 3


@pytest.fixture(scope="module")
def models():
    vocabulary = Vocabulary.from_text(TEXT, unknown=None)
    torch.manual_seed(0)
    return vocabulary, {"n-gram": NGramModel.fit(vocabulary.encode(TEXT), 3, len(vocabulary)),
                        "lstm": CharLM(len(vocabulary), 8, 16),
                        "numpy rnn": NumpyCharRNN(CharRNNParams.init(len(vocabulary), 6, seed=0))}


def test_temperature_one_is_the_softmax_and_rows_sum_to_one():
    logits = np.array([[2.0, 1.0, 0.0, -1.0], [0.0, 0.0, 0.0, 0.0]])
    p = temperature_probabilities(logits, 1.0)
    np.testing.assert_allclose(p, np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    for tau in (0.3, 1.0, 2.5):
        np.testing.assert_allclose(temperature_probabilities(logits, tau).sum(axis=1), 1.0)
    assert temperature_probabilities(np.array([1000.0, 0.0]), 0.5)[0] == 1.0   # no overflow


def test_temperature_sharpens_flattens_and_tends_to_the_argmax():
    logits = np.array([0.5, 2.0, 1.0, 1.9])
    cold, warm = temperature_probabilities(logits, 0.5), temperature_probabilities(logits, 2.0)
    assert cold.max() > temperature_probabilities(logits, 1.0).max() > warm.max()
    np.testing.assert_array_equal(temperature_probabilities(logits, 0), [0, 1, 0, 0])
    np.testing.assert_allclose(temperature_probabilities(logits, 1e-3), [0, 1, 0, 0], atol=1e-30)
    np.testing.assert_allclose(temperature_probabilities(logits, 1e6), 0.25, atol=1e-6)


def test_top_k_keeps_the_k_largest():
    logits = np.log(np.array([0.1, 0.4, 0.2, 0.3]))
    p = temperature_probabilities(logits, 1.0, top_k=2)
    np.testing.assert_allclose(p, [0, 4 / 7, 0, 3 / 7])
    np.testing.assert_allclose(temperature_probabilities(logits, 1.0, top_k=10), np.exp(logits))
    np.testing.assert_array_equal(temperature_probabilities(logits, 1.0, top_k=1), [0, 1, 0, 0])


@pytest.mark.parametrize("tau,top_k,fragment", [(-1.0, None, "temperature must be a number >= 0"),
                                                ("hot", None, "temperature must be a number"),
                                                (1.0, 0, "top_k must be a positive integer")])
def test_bad_sampling_settings(tau, top_k, fragment):
    with pytest.raises(ValueError, match=fragment):
        temperature_probabilities(np.zeros(3), tau, top_k)


def test_draw_follows_the_distribution():
    p = np.tile([0.5, 0.0, 0.3, 0.2], (40_000, 1))
    counts = np.bincount(draw(p, np.random.default_rng(0)), minlength=4) / 40_000
    np.testing.assert_allclose(counts, [0.5, 0.0, 0.3, 0.2], atol=0.01)
    assert counts[1] == 0


@pytest.mark.parametrize("name", ["n-gram", "lstm", "numpy rnn"])
def test_one_interface_seeded_and_reproducible(models, name):
    vocabulary, all_models = models
    model = all_models[name]
    a = generate(model, vocabulary, "the ", 40, temperature=1.0, seed=3)
    assert a.startswith("the ") and len(a) == 44 and set(a) <= set(vocabulary.characters)
    assert generate(model, vocabulary, "the ", 40, temperature=1.0, seed=3) == a
    others = {generate(model, vocabulary, "the ", 40, temperature=1.5, seed=s) for s in range(4)}
    assert len(others) > 1, "different seeds give different text"


@pytest.mark.parametrize("name", ["n-gram", "lstm", "numpy rnn"])
def test_temperature_zero_is_greedy_decoding(models, name):
    vocabulary, all_models = models
    model = all_models[name]
    prompt = vocabulary.encode("the c")[None]
    sampled = sample_ids(model, prompt, 12, temperature=0.0, seed=0)
    state, greedy = model.start(prompt), []
    for _ in range(12):
        greedy.append(int(np.argmax(model.next_logits(state)[0])))
        state = model.advance(state, np.array(greedy[-1:]))
    assert sampled[0].tolist() == greedy
    assert sample_ids(model, prompt, 12, temperature=0.0, seed=99)[0].tolist() == greedy   # the seed does not matter
    np.testing.assert_array_equal(sample_ids(model, prompt, 12, temperature=1e-6, seed=5), sampled)


def test_ngram_samples_only_what_it_has_seen_at_small_top_k(models):
    vocabulary, all_models = models
    text = generate(all_models["n-gram"], vocabulary, "the ", 200, temperature=1.0, top_k=1, seed=0)
    assert all(text[i:i + 3] in TEXT for i in range(len(text) - 2)), "top-1 follows the training text's trigrams"


def test_stop_id_ends_a_row(models):
    vocabulary, all_models = models
    newline = vocabulary.id_of["\n"]
    ids = sample_ids(all_models["n-gram"], np.full((5, 1), newline), 80, seed=1, stop_id=newline)
    for row in ids:
        hits = np.flatnonzero(row == newline)
        if hits.size:
            assert np.all(row[hits[0]:] == newline)


def test_generate_needs_a_prompt(models):
    vocabulary, all_models = models
    with pytest.raises(ValueError, match="prompt must be a non-empty string"):
        generate(all_models["lstm"], vocabulary, "", 5)


def test_metrics_are_one_number_in_three_units():
    assert bits_per_char(math.log(2)) == pytest.approx(1.0)
    assert perplexity(math.log(65)) == pytest.approx(65.0)
    assert perplexity(1.64) == pytest.approx(2 ** bits_per_char(1.64))
    assert describe(math.log(4)) == "1.386 nats/char = 2.000 bits/char, perplexity 4.00"
    assert cross_entropy_of([0.5, 0.25]) == pytest.approx((math.log(2) + math.log(4)) / 2)
    for bad in (float("nan"), "1.2", True, float("inf")):
        with pytest.raises(ValueError, match="nats must be a finite number"):
            perplexity(bad)
    with pytest.raises(ValueError, match=r"values in \(0, 1\]"):
        cross_entropy_of([0.5, 0.0])
