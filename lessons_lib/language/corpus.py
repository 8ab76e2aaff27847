"""The two corpora of notebook 06, read from ``data/`` (nothing is downloaded), and contiguous splits.

- tiny Shakespeare: 1,115,394 characters of plays (65 distinct characters);
- the Tang quatrains (唐诗绝句): 14,098 poems of four lines of 5 or 7 characters, one poem per line
  of text (``poem + "\\n"``), so that "\\n" marks where a poem ends and the next begins.

Splits are **contiguous** (连续切分): the text is cut at two points, never shuffled. Shuffled
characters or windows would put a sentence's neighbours into the validation set, and the loss on
it would flatter the model. Cutting once keeps whole scenes (or whole poets) apart.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SHAKESPEARE_FILE = DATA_DIR / "tinyshakespeare.txt"
TANG_FILE = DATA_DIR / "tang_quatrains_simplified.tsv"

FRACTIONS = (0.9, 0.05, 0.05)
"""Train, validation and test shares of a corpus: the first 90 %, the next 5 %, the last 5 %."""


class Split(NamedTuple):
    """Three consecutive pieces of one sequence (a string, a list or an array): ``train + val + test``."""

    train: object
    val: object
    test: object


def split_points(length: int, fractions=FRACTIONS) -> tuple[int, int]:
    """The two cut points ``(a, b)`` of a contiguous split: train ``[0, a)``, validation ``[a, b)``, test ``[b, length)``."""
    if len(fractions) != 3 or any(not 0 <= f <= 1 for f in fractions) or abs(sum(fractions) - 1) > 1e-9:
        raise ValueError(f"fractions must be three shares in [0, 1] that sum to 1 (train, val, test); got {fractions}")
    if length < 3:
        raise ValueError(f"need at least 3 items to split into three parts; got {length}")
    a = int(length * fractions[0])
    b = int(length * (fractions[0] + fractions[1]))
    return a, b


def contiguous_split(sequence, fractions=FRACTIONS) -> Split:
    """Cut ``sequence`` (str, list or array, length N) into ``Split(train, val, test)`` at :func:`split_points`."""
    a, b = split_points(len(sequence), fractions)
    return Split(sequence[:a], sequence[a:b], sequence[b:])


def load_shakespeare() -> str:
    """The whole of tiny Shakespeare as one string."""
    return SHAKESPEARE_FILE.read_text(encoding="utf-8")


class Poem(NamedTuple):
    author: str
    title: str
    text: str  # e.g. "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"


def load_tang_quatrains() -> list[Poem]:
    """The 14,098 simplified-character quatrains, in the order of 全唐诗 (by volume, so roughly by poet and period)."""
    with TANG_FILE.open(encoding="utf-8", newline="") as file:
        return [Poem(row["author"], row["title"], row["poem"]) for row in csv.DictReader(file, delimiter="\t")]


def poems_to_text(poems) -> str:
    """One poem per line: ``"poem\\npoem\\n…"`` (accepts :class:`Poem` or plain strings)."""
    return "".join((p.text if isinstance(p, Poem) else p) + "\n" for p in poems)
