"""Splits keep test recordings and the held-out speaker out of training; utterances are seeded and labelled right."""
import numpy as np
import pytest

from lessons_lib.speech.recordings import SAMPLE_RATE, Recording, load_recordings
from lessons_lib.speech.utterances import (HELD_OUT_SPEAKER, UtteranceStyle, join_recordings, partition_utterances,
                                           sample_utterances, split_recordings)


@pytest.fixture(scope="module")
def splits():
    return split_recordings(load_recordings())


def key(r):
    return (r.speaker, r.digit, r.index)


def test_splits_are_disjoint_and_complete(splits):
    roles = [splits.train, splits.validation, splits.test_seen, splits.held_out]
    keys = [{key(r) for r in role} for role in roles]
    assert sum(len(k) for k in keys) == 3000 == len(set().union(*keys))
    assert splits.counts() == {"train": 2000, "validation": 250, "test_seen": 250, "held_out": 500}
    assert {r.speaker for r in splits.held_out} == {HELD_OUT_SPEAKER}
    assert HELD_OUT_SPEAKER not in {r.speaker for r in splits.train + splits.validation + splits.test_seen}
    assert {r.index for r in splits.test_seen} == set(range(5))          # upstream's test split
    assert {r.index for r in splits.validation} == set(range(5, 10))
    assert min(r.index for r in splits.train) == 10
    assert splits.speakers == ("jackson", "lucas", "nicolas", "theo", "yweweler")


def test_a_validation_speaker_split_leaves_the_test_speaker_out(splits):
    recordings = load_recordings()
    inner = split_recordings(recordings, held_out_speaker="nicolas", exclude=("george",))
    everything = inner.train + inner.validation + inner.test_seen + inner.held_out
    assert "george" not in {r.speaker for r in everything}
    assert {r.speaker for r in inner.held_out} == {"nicolas"} and len(inner.held_out) == 500
    with pytest.raises(ValueError, match="one of the speakers"):
        split_recordings(recordings, held_out_speaker="alice")
    with pytest.raises(ValueError, match="also in exclude"):
        split_recordings(recordings, held_out_speaker="theo", exclude=("theo",))


def fake(digit, n, speaker="sam", value=0.5):
    return Recording(digit, speaker, 0, np.full(n, value, np.float32))


def test_join_places_each_recording_at_its_span():
    rng = np.random.default_rng(0)
    parts = [fake(3, 400, value=0.1), fake(1, 300, value=0.2), fake(4, 500, value=0.3)]
    u = join_recordings(parts, rng, UtteranceStyle(dither=0.0))
    assert u.digits == (3, 1, 4) and u.text == "314" and u.speaker == "sam"
    for (start, end), part in zip(u.spans, parts):
        np.testing.assert_array_equal(u.samples[start:end], part.samples)
    gaps = [b[0] - a[1] for a, b in zip(u.spans[:-1], u.spans[1:])]
    assert all(0.03 * SAMPLE_RATE - 1 <= g <= 0.3 * SAMPLE_RATE for g in gaps)
    assert np.all(u.samples[:u.spans[0][0]] == 0) and u.spans[0][0] >= 0.05 * SAMPLE_RATE - 1


def test_dither_fills_the_pauses_faintly():
    u = join_recordings([fake(3, 400), fake(1, 300)], np.random.default_rng(0))
    gap = u.samples[u.spans[0][1]:u.spans[1][0]]
    assert np.all(gap != 0) and abs(np.std(gap) - 1e-4) < 2e-5
    np.testing.assert_allclose(u.samples[u.spans[0][0]:u.spans[0][1]], 0.5, atol=1e-3)


def test_join_refuses_mixed_speakers_and_nothing():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="one speaker"):
        join_recordings([fake(1, 100, "a"), fake(2, 100, "b")], rng)
    with pytest.raises(ValueError, match="at least one"):
        join_recordings([], rng)


def test_noise_reaches_the_requested_snr():
    rng = np.random.default_rng(0)
    speech = Recording(1, "sam", 0, (0.3 * np.sin(np.arange(40000) / 5)).astype(np.float32))
    u = join_recordings([speech], rng, UtteranceStyle(noise_snr_db=(20.0, 20.0), edge=(0.0, 0.0), dither=0.0))
    noise = u.samples - speech.samples
    snr = 10 * np.log10(np.mean(speech.samples.astype(float) ** 2) / np.mean(noise.astype(float) ** 2))
    assert abs(snr - 20.0) < 0.3


def test_speed_changes_the_length():
    rng = np.random.default_rng(0)
    u = join_recordings([fake(1, 1000)], rng, UtteranceStyle(speed=(1.25, 1.25), edge=(0.0, 0.0)))
    assert len(u.samples) == 800


def test_sampled_utterances_are_seeded_and_single_speaker(splits):
    a = sample_utterances(splits.train, 20, seed=5, max_digits=4)
    b = sample_utterances(splits.train, 20, seed=5, max_digits=4)
    c = sample_utterances(splits.train, 20, seed=6, max_digits=4)
    assert [u.text for u in a] == [u.text for u in b] and all(np.array_equal(x.samples, y.samples) for x, y in zip(a, b))
    assert [u.text for u in a] != [u.text for u in c]
    assert all(1 <= len(u.digits) <= 4 for u in a)
    by_key = {(r.speaker, r.digit): r for r in splits.train}
    assert all((u.speaker, d) in by_key for u in a for d in u.digits)


def test_partition_uses_every_recording_once_per_pass(splits):
    utterances = partition_utterances(splits.test_seen, seed=0, passes=2)
    assert sum(len(u.digits) for u in utterances) == 2 * len(splits.test_seen)
    for speaker in splits.speakers:
        counts = np.bincount([d for u in utterances if u.speaker == speaker for d in u.digits], minlength=10)
        assert counts.tolist() == [10] * 10                                # 5 recordings per digit, 2 passes


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(count=0), "count must be a positive integer"),
    (dict(count=3, max_digits=0), "max_digits must be a positive integer"),
    (dict(count=3, min_digits=3, max_digits=2), "max_digits must be >= min_digits"),
])
def test_sample_refuses_bad_sizes(splits, kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        sample_utterances(splits.train, seed=0, **kwargs)
