"""Notebook 06's two corpora and their models, built one way for the notebook and for its sampling explorer.

    Corpus             the text's three parts (characters and ids) and its vocabulary
    shakespeare()      tiny Shakespeare, 90 % | 5 % | 5 %, every character of the training part (unknown=None)
    tang()             the Tang quatrains, whole poems split 90 % | 5 % | 5 %, characters seen twice or more
    choose_ngram       the n-gram's discount D and order n with the lowest *validation* cross-entropy
    load_checkpoint    a CharLM from ``benchmarks/checkpoints/`` (written by ``benchmarks/char_lm.py``)

The notebook shows every step of this (the grids, the losses); the explorer factory
(:func:`lessons_lib.widgets.sampler.course_sampling_explorer`) calls the same functions, so both sample
from the same models.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from .char_lm import load_char_lm
from .corpus import Split, contiguous_split, load_shakespeare, load_tang_quatrains, poems_to_text
from .ngram import NGramModel
from .vocabulary import Vocabulary

CHECKPOINTS = Path(__file__).resolve().parents[2] / "benchmarks" / "checkpoints"
"""Where ``benchmarks/char_lm.py`` writes ``char_lm_<corpus>.pt``."""
SHAKESPEARE_DISCOUNTS = (0.5, 0.75, 0.9, "counts")
TANG_DISCOUNTS = (0.75, 0.9, 1.0)


class Corpus(NamedTuple):
    text: Split          # train, val, test as str
    ids: Split           # the same as id arrays (N,)
    vocabulary: Vocabulary


def shakespeare() -> Corpus:
    text = contiguous_split(load_shakespeare())
    vocabulary = Vocabulary.from_text(text.train, unknown=None)
    return Corpus(text, Split(*(vocabulary.encode(part) for part in text)), vocabulary)


def tang() -> tuple[Corpus, Split]:
    """The corpus (one poem per line) and the poems themselves, split the same way."""
    poems = contiguous_split(load_tang_quatrains())
    text = Split(*(poems_to_text(part) for part in poems))
    vocabulary = Vocabulary.from_text(text.train, min_count=2)
    return Corpus(text, Split(*(vocabulary.encode(part) for part in text)), vocabulary), poems


def choose_ngram(model: NGramModel, val_ids, discounts) -> tuple[NGramModel, float | str, dict]:
    """The (D, n) with the lowest validation nats/char over ``discounts`` × orders 1..model.order.

    Returns the chosen model (``with_discount(D).with_order(n)``, so its ``.order`` is n), that D, and the
    grid ``{D: {n: nats/char}}``.
    """
    grid = {D: model.with_discount(D).cross_entropy_by_order(val_ids) for D in discounts}
    best_D, best_order = min(((D, n) for D in grid for n in grid[D]), key=lambda key: grid[key[0]][key[1]])
    return model.with_discount(best_D).with_order(best_order), best_D, grid


def load_checkpoint(corpus: str, device="cpu"):
    """``(model, vocabulary, metadata)`` of ``benchmarks/checkpoints/char_lm_<corpus>.pt``."""
    return load_char_lm(CHECKPOINTS / f"char_lm_{corpus}.pt", device)
