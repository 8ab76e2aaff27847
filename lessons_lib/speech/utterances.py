"""Connected-digit utterances (连续数字语音) made from FSDD recordings, and the splits that keep tests honest.

An utterance is 1–N recordings of *one* speaker joined by short random pauses, its label the digit
string. The splits (:func:`split_recordings`):

    test_seen    upstream's test recordings (index 0–4) of the speakers we train on
    validation   index 5–9 of those speakers: model choice, early stopping
    train        index 10–49 of those speakers
    held_out     every recording of one speaker never used in training (speaker-independent test)

Training utterances are drawn afresh (:func:`sample_utterances`: any recordings of the training set,
in any order); validation and test utterances partition their recordings (:func:`partition_utterances`:
each recording used once per pass), so every test recording counts the same.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .._validate import check_int
from .augment import add_noise, change_speed
from .recordings import SAMPLE_RATE, SPEAKERS, Recording

HELD_OUT_SPEAKER = "george"      #: the one speaker whose voice (and accent) no model sees in training
VALIDATION_INDICES = range(5, 10)
TEST_INDICES = range(0, 5)       #: upstream's test split


@dataclass(frozen=True)
class Splits:
    """Recordings by role (see the module docstring); ``speakers`` are the training speakers."""

    train: list[Recording]
    validation: list[Recording]
    test_seen: list[Recording]
    held_out: list[Recording]
    held_out_speaker: str
    speakers: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        """Number of recordings per role."""
        return {name: len(getattr(self, name)) for name in ("train", "validation", "test_seen", "held_out")}


def split_recordings(recordings: list[Recording], held_out_speaker: str = HELD_OUT_SPEAKER,
                     exclude: tuple[str, ...] = ()) -> Splits:
    """Split FSDD recordings into train / validation / seen-speaker test / held-out speaker.

    ``exclude`` drops speakers altogether (e.g. to hold out a *validation* speaker while the test
    speaker stays untouched: ``split_recordings(r, held_out_speaker="nicolas", exclude=("george",))``).
    """
    present = sorted({r.speaker for r in recordings})
    for name, speaker in [("held_out_speaker", held_out_speaker)] + [("exclude", s) for s in exclude]:
        if speaker not in present:
            raise ValueError(f"{name} must be one of the speakers {present}; got {speaker!r}")
    if held_out_speaker in exclude:
        raise ValueError(f"held_out_speaker {held_out_speaker!r} is also in exclude {exclude}")
    kept = [r for r in recordings if r.speaker not in exclude]
    seen = [r for r in kept if r.speaker != held_out_speaker]
    return Splits(train=[r for r in seen if r.index >= VALIDATION_INDICES.stop],
                  validation=[r for r in seen if r.index in VALIDATION_INDICES],
                  test_seen=[r for r in seen if r.index in TEST_INDICES],
                  held_out=[r for r in kept if r.speaker == held_out_speaker],
                  held_out_speaker=held_out_speaker,
                  speakers=tuple(s for s in present if s != held_out_speaker and s not in exclude))


@dataclass(frozen=True)
class Utterance:
    """Connected digits of one speaker: ``samples (N,)`` float32, ``digits`` (e.g. ``(3, 1, 4)``), and
    ``spans``: the first and one-past-last sample of each digit's recording in ``samples``."""

    samples: np.ndarray
    digits: tuple[int, ...]
    speaker: str
    spans: tuple[tuple[int, int], ...] = field(default=())

    @property
    def text(self) -> str:
        """The label as a string, e.g. ``'314'``."""
        return "".join(str(d) for d in self.digits)

    @property
    def seconds(self) -> float:
        return len(self.samples) / SAMPLE_RATE

    def __repr__(self) -> str:
        return f"Utterance({self.text!r}, speaker={self.speaker!r}, {self.seconds:.2f} s)"


DITHER = 1e-4   #: σ of the faint noise under every utterance (−80 dBFS, below every speaker's quietest frames)


@dataclass(frozen=True)
class UtteranceStyle:
    """How recordings are joined: pauses and edges (seconds, uniform in the range), ``dither`` (σ of a faint
    white noise added everywhere, so that pauses are not digital silence: log(0) would be −∞, and the
    silence would be an artificial cue and an outlier for normalisation), and optional augmentation:
    ``speed`` factors (uniform in the range, one per recording) and additive white noise at
    ``noise_snr_db`` (uniform in the range; ``None`` for none)."""

    pause: tuple[float, float] = (0.03, 0.3)
    edge: tuple[float, float] = (0.05, 0.2)
    dither: float = DITHER
    speed: tuple[float, float] | None = None
    noise_snr_db: tuple[float, float] | None = None


CLEAN = UtteranceStyle()


def join_recordings(recordings: list[Recording], rng: np.random.Generator, style: UtteranceStyle = CLEAN
                    ) -> Utterance:
    """Join recordings of one speaker, in the given order, into one :class:`Utterance`.

    samples = [edge silence] r₁ [pause] r₂ [pause] … r_L [edge silence] + dither (+ noise if ``style`` asks).
    """
    if not recordings:
        raise ValueError("an utterance needs at least one recording; got none")
    speakers = {r.speaker for r in recordings}
    if len(speakers) != 1:
        raise ValueError(f"an utterance is spoken by one speaker; got recordings of {sorted(speakers)}")
    silence = lambda bounds: np.zeros(int(rng.uniform(*bounds) * SAMPLE_RATE), np.float32)  # noqa: E731
    pieces, spans, position = [silence(style.edge)], [], 0
    position += len(pieces[0])
    for k, recording in enumerate(recordings):
        samples = recording.samples
        if style.speed is not None:
            samples = change_speed(samples, float(rng.uniform(*style.speed)))
        if k > 0:
            pieces.append(silence(style.pause))
            position += len(pieces[-1])
        pieces.append(samples)
        spans.append((position, position + len(samples)))
        position += len(samples)
    pieces.append(silence(style.edge))
    joined = np.concatenate(pieces).astype(np.float32)
    if style.dither:
        joined += np.float32(style.dither) * rng.standard_normal(len(joined), dtype=np.float32)
    if style.noise_snr_db is not None:
        speech = np.concatenate([joined[a:b] for a, b in spans])
        speech_rms = float(np.sqrt(np.mean(np.square(speech, dtype=np.float64))))
        joined = add_noise(joined, float(rng.uniform(*style.noise_snr_db)), rng, reference_rms=speech_rms)
    return Utterance(joined, tuple(r.digit for r in recordings), recordings[0].speaker, tuple(spans))


def _by_speaker(recordings: list[Recording]) -> dict[str, list[Recording]]:
    groups = defaultdict(list)
    for r in recordings:
        groups[r.speaker].append(r)
    return dict(sorted(groups.items()))


def _check_lengths(min_digits: int, max_digits: int) -> None:
    check_int("min_digits", min_digits)
    check_int("max_digits", max_digits)
    if max_digits < min_digits:
        raise ValueError(f"max_digits must be >= min_digits; got max_digits={max_digits}, min_digits={min_digits}")


def sample_utterances(recordings: list[Recording], count: int, seed: int, min_digits: int = 1, max_digits: int = 5,
                      style: UtteranceStyle = CLEAN) -> list[Utterance]:
    """``count`` utterances drawn at random: a speaker, a length L ∈ [min_digits, max_digits], then L of
    that speaker's recordings (with replacement). The same ``seed`` gives the same utterances."""
    check_int("count", count)
    _check_lengths(min_digits, max_digits)
    if not recordings:
        raise ValueError("no recordings to make utterances from")
    rng = np.random.default_rng(seed)
    groups = list(_by_speaker(recordings).values())
    utterances = []
    for _ in range(count):
        group = groups[int(rng.integers(len(groups)))]
        length = int(rng.integers(min_digits, max_digits + 1))
        chosen = [group[int(i)] for i in rng.integers(len(group), size=length)]
        utterances.append(join_recordings(chosen, rng, style))
    return utterances


def partition_utterances(recordings: list[Recording], seed: int, min_digits: int = 1, max_digits: int = 5,
                         passes: int = 1, style: UtteranceStyle = CLEAN) -> list[Utterance]:
    """Utterances that use every recording exactly once per pass: each speaker's recordings are shuffled
    and cut into runs of random length L ∈ [min_digits, max_digits]. ``passes`` > 1 repeats this with
    other shuffles (each recording then appears in ``passes`` different utterances)."""
    _check_lengths(min_digits, max_digits)
    check_int("passes", passes)
    rng = np.random.default_rng(seed)
    utterances = []
    for _ in range(passes):
        for group in _by_speaker(recordings).values():
            order = rng.permutation(len(group))
            start = 0
            while start < len(order):
                length = int(rng.integers(min_digits, max_digits + 1))
                chosen = [group[int(i)] for i in order[start:start + length]]
                utterances.append(join_recordings(chosen, rng, style))
                start += length
    return utterances


def speakers_of(recordings: list[Recording]) -> list[str]:
    """The speakers present, in :data:`SPEAKERS` order."""
    present = {r.speaker for r in recordings}
    return [s for s in SPEAKERS if s in present]


EVALUATION_SEED = 2026


def evaluation_utterances(splits: Splits, seed: int = EVALUATION_SEED) -> dict[str, list[Utterance]]:
    """The fixed, clean evaluation sets: ``validation`` and ``test_seen`` (each recording in two
    utterances) and ``held_out`` (each of the held-out speaker's recordings in one), 1–5 digits each."""
    return {"validation": partition_utterances(splits.validation, seed, passes=2),
            "test_seen": partition_utterances(splits.test_seen, seed + 1, passes=2),
            "held_out": partition_utterances(splits.held_out, seed + 2, passes=1)}
