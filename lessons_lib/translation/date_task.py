"""Dates as a translation task: character vocabularies, fresh batches, scores, and ``translate_date``.

Source: the date as written, normalised (lower case, single spaces), one token per character.
Target: the 10 characters of ``YYYY-MM-DD``, then <eos>.

Scores on held-out examples: **exact match** (完全匹配, the whole date right) and **per-character
accuracy** (the fraction of the 10 output characters right, position by position), also per
input length, the measurement of the bottleneck.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from .._validate import check_int
from .batching import Seq2SeqBatch, make_batch, pad_sequences
from .dates import FORMAT_NAMES, DateExample, DateSplit, all_days, normalise, render, sample_examples, split_dates
from .decoding import Translation, greedy_decode, translate_batches
from .seq2seq import Seq2Seq, Seq2SeqConfig
from .vocabulary import Vocabulary

OUTPUT_LENGTH = 10
"""Characters in ``YYYY-MM-DD``."""
MAX_INPUT_LENGTH = 60
"""The longest input :func:`translate_date` accepts (the generator's longest is 31 characters)."""


def _source_characters() -> list[str]:
    """Every character the formats can write (rendered for every day of 2000-2001: all months, days,
    weekdays; every digit and Chinese numeral appears), normalised, sorted."""
    days = all_days(dt.date(2000, 1, 1), dt.date(2001, 12, 31))
    return sorted({c for day in days for name in FORMAT_NAMES for c in normalise(render(day, name))})


SOURCE_VOCAB = Vocabulary(_source_characters())
"""Input characters: digits, the letters of month and weekday names, ' ,./-', 年月日星期周 and the numerals."""
TARGET_VOCAB = Vocabulary("0123456789-")
"""Output characters."""


def encode_source(text: str) -> list[int]:
    """The ids of ``normalise(text)``; a clear ``ValueError`` for empty, too long or unknown characters."""
    if not isinstance(text, str):
        raise ValueError(f"the date must be a string; got {type(text).__name__}")
    chars = list(normalise(text))
    if not chars:
        raise ValueError("the date is empty: type a date, e.g. 'November 29, 2026' or '2026年11月29日'")
    if len(chars) > MAX_INPUT_LENGTH:
        raise ValueError(f"the date is {len(chars)} characters long; at most {MAX_INPUT_LENGTH} are accepted "
                         f"(the model was trained on dates of up to 31)")
    unknown = SOURCE_VOCAB.unknown(chars)
    if unknown:
        raise ValueError(f"{len(unknown)} character(s) the model has never seen: {' '.join(repr(c) for c in unknown)}. "
                         f"It knows digits, month and weekday names, spaces, ', . / -' and 年月日星期周（）"
                         f"〇一二三四五六七八九十")
    return SOURCE_VOCAB.encode(chars)


def encode_target(iso: str) -> list[int]:
    """The ids of the 10 characters of ``YYYY-MM-DD`` (without <eos>: :func:`make_batch` adds it)."""
    return TARGET_VOCAB.encode(iso, unknown="error")


def examples_batch(examples: Sequence[DateExample]) -> Seq2SeqBatch:
    """A padded teacher-forcing batch of examples."""
    return make_batch([encode_source(e.text) for e in examples], [encode_target(e.iso) for e in examples])


def date_batches(days, batch_size: int, seed: int = 0) -> Callable[[int], Seq2SeqBatch]:
    """``step -> batch``: a fresh batch of ``batch_size`` examples (random day of ``days``, random format)
    at every step, reproducible from ``seed`` and the step."""
    days, batch_size = tuple(days), check_int("batch_size", batch_size)

    def next_batch(step: int) -> Seq2SeqBatch:
        stream = int(np.random.SeedSequence([int(seed), int(step)]).generate_state(1)[0])
        return examples_batch(sample_examples(days, batch_size, seed=stream))

    return next_batch


@dataclass(frozen=True)
class DateScores:
    """Scores of ``predictions`` (strings) against held-out examples."""

    exact_match: float           # fraction of dates entirely right
    char_accuracy: float         # fraction of the 10 output characters right, position by position
    predictions: tuple[str, ...]
    correct: np.ndarray          # (n,) bool, exact match per example


def char_accuracy(prediction: str, target: str) -> float:
    """Fraction of ``target``'s positions where ``prediction`` has the same character (missing ones count wrong)."""
    return sum(p == t for p, t in zip(prediction, target)) / len(target)


def score_dates(predictions: Sequence[str], examples: Sequence[DateExample]) -> DateScores:
    """Exact match and per-character accuracy of ``predictions`` against ``examples``' ISO dates."""
    if len(predictions) != len(examples):
        raise ValueError(f"one prediction per example: got {len(predictions)} for {len(examples)}")
    correct = np.array([p == e.iso for p, e in zip(predictions, examples)], dtype=bool)
    chars = float(np.mean([char_accuracy(p, e.iso) for p, e in zip(predictions, examples)]))
    return DateScores(float(correct.mean()), chars, tuple(predictions), correct)


def predict_dates(model: Seq2Seq, examples: Sequence[DateExample]) -> list[str]:
    """Greedy translations of the examples, as strings."""
    sources = [encode_source(e.text) for e in examples]
    return ["".join(TARGET_VOCAB.decode(t.tokens)) for t in translate_batches(model, sources, OUTPUT_LENGTH + 1)]


def evaluate_dates(model: Seq2Seq, examples: Sequence[DateExample]) -> DateScores:
    """Greedy-decode every example and score it."""
    return score_dates(predict_dates(model, examples), examples)


LENGTH_BINS = (0, 10, 15, 20, 25, 31)
"""Input-length bins (characters, after normalising): 1-10, 11-15, 16-20, 21-25, 26-31."""


def by_length(scores: DateScores, examples: Sequence[DateExample], bins: Sequence[int] = LENGTH_BINS) -> dict:
    """Exact match and per-character accuracy per input-length bin: ``{"label": [...], "n": [...],
    "exact_match": [...], "char_accuracy": [...]}``; empty bins are left out."""
    lengths = np.array([len(normalise(e.text)) for e in examples])
    chars = np.array([char_accuracy(p, e.iso) for p, e in zip(scores.predictions, examples)])
    table = {"label": [], "n": [], "exact_match": [], "char_accuracy": []}
    for low, high in zip(bins[:-1], bins[1:]):
        inside = (lengths > low) & (lengths <= high)
        if inside.any():
            table["label"].append(f"{low + 1}–{high}")
            table["n"].append(int(inside.sum()))
            table["exact_match"].append(float(scores.correct[inside].mean()))
            table["char_accuracy"].append(float(chars[inside].mean()))
    return table


@dataclass(frozen=True)
class DateTranslation:
    """``translate_date``'s answer: the ``source`` characters read, the ``output`` string, the ``steps`` (every
    token written, <eos> included if reached: the rows of the attention map), the attention ``weights
    (len(steps), len(source))`` (None without attention)."""

    text: str
    source: tuple[str, ...]
    output: str
    steps: tuple[str, ...]
    weights: np.ndarray | None
    finished: bool


def translate_date(model: Seq2Seq, text: str) -> DateTranslation:
    """Translate one date written by a person; a clear ``ValueError`` for input the model cannot read."""
    ids = encode_source(text)
    device = next(model.parameters()).device
    source, lengths = pad_sequences([ids])
    translation: Translation = greedy_decode(model, source.to(device), lengths.to(device), OUTPUT_LENGTH + 1)[0]
    steps = tuple(TARGET_VOCAB.tokens[i] for i in translation.tokens) + (("<eos>",) if translation.finished else ())
    return DateTranslation(text, tuple(normalise(text)), "".join(TARGET_VOCAB.decode(translation.tokens)), steps,
                           translation.weights, translation.finished)


@dataclass(frozen=True)
class DateRecipe:
    """The model sizes and training settings of notebook 07's date models (all three attention kinds).

    Training draws a fresh batch every step; every ``eval_every`` steps the exact match on the
    validation examples is measured, and training stops once it reaches ``target_exact_match`` (or
    at ``max_steps``). ``benchmarks/dates.py`` times it.
    """

    embedding_size: int = 16
    encoder_size: int = 32
    decoder_size: int = 64
    attention_size: int = 32
    batch_size: int = 128
    lr: float = 5e-3
    clip_norm: float = 1.0
    max_steps: int = 600
    eval_every: int = 50
    target_exact_match: float = 0.998
    val_size: int = 1000
    test_size: int = 2000

    def config(self, attention: str) -> Seq2SeqConfig:
        """The :class:`Seq2SeqConfig` of a date model with this ``attention`` ("additive", "dot", "none")."""
        return Seq2SeqConfig(len(SOURCE_VOCAB), len(TARGET_VOCAB), self.embedding_size, self.encoder_size,
                             self.decoder_size, attention, self.attention_size)


DATE_RECIPE = DateRecipe()


@dataclass(frozen=True)
class DateData:
    """The split by date, and the fixed validation and test examples drawn from its held-out dates."""

    split: DateSplit
    val: list[DateExample]
    test: list[DateExample]


def date_data(seed: int = 0, recipe: DateRecipe = DATE_RECIPE) -> DateData:
    """Split 1950-2049 by date with ``seed``; ``recipe.val_size`` validation and ``recipe.test_size`` test
    examples from the held-out dates (every format equally likely)."""
    split = split_dates(seed)
    return DateData(split, sample_examples(split.val, recipe.val_size, seed=seed + 1),
                    sample_examples(split.test, recipe.test_size, seed=seed + 2))
