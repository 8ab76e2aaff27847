"""Tatoeba English→Chinese pairs: loading, a length cut, a split by English sentence, tokens, batches.

``data/cmn_eng_tatoeba.tsv``: ``English<TAB>中文<TAB>attribution``, 29,155 pairs (CC BY 2.0 FR: the
attribution column names each sentence's authors and stays with every :class:`Pair`).

- English is split into **words** (lower case; punctuation marks are tokens of their own; "don't"
  stays one word). Chinese is read **character by character** (字): no word segmenter needed, and
  about 2,600 characters cover the corpus.
- The split is **by English sentence**: all translations of one English sentence land in the same
  part, so a test sentence was never seen in training with another translation. At test time all
  of its translations are the references.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from .._validate import check_int
from ..data import DATA
from .batching import Seq2SeqBatch, make_batch, pad_sequences
from .decoding import Translation, beam_search, greedy_decode, translate_batches
from .seq2seq import Seq2Seq
from .vocabulary import Vocabulary

TATOEBA_FILE = DATA / "cmn_eng_tatoeba.tsv"
MAX_ENGLISH_TOKENS = 10
"""The length cut: pairs whose English has at most 10 tokens (words and punctuation) are kept (92 %)."""
MAX_CHINESE_CHARS = 20
"""... and whose Chinese has at most 20 characters (99 % of all pairs)."""
MAX_INPUT_TOKENS = 25
"""The longest English input :func:`translate_sentence` accepts."""


@dataclass(frozen=True)
class Pair:
    """One sentence pair and its attribution (the Tatoeba sentence numbers and authors)."""

    english: str
    chinese: str
    attribution: str


def load_pairs(path: str | Path = TATOEBA_FILE) -> list[Pair]:
    """Every pair of the file, in file order (short to long)."""
    pairs = []
    with open(path, encoding="utf-8-sig") as handle:        # the file starts with a byte-order mark
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) != 3:
                raise ValueError(f"{path}:{number}: expected English<TAB>Chinese<TAB>attribution; got {len(fields)} field(s)")
            pairs.append(Pair(*fields))
    return pairs


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[^\sa-z0-9]")


def english_tokens(text: str) -> list[str]:
    """Lower-case words and punctuation: "Don't go, Tom!" → ["don't", 'go', ',', 'tom', '!']."""
    return _WORD.findall(text.lower())


def chinese_tokens(text: str) -> list[str]:
    """One token per character, spaces dropped: "我累死了。" → ['我', '累', '死', '了', '。']."""
    return [c for c in text if not c.isspace()]


def keep_short(pairs: Sequence[Pair], max_english: int = MAX_ENGLISH_TOKENS,
               max_chinese: int = MAX_CHINESE_CHARS) -> list[Pair]:
    """The pairs with at most ``max_english`` English tokens and ``max_chinese`` Chinese characters."""
    return [p for p in pairs if len(english_tokens(p.english)) <= max_english
            and len(chinese_tokens(p.chinese)) <= max_chinese]


def english_key(text: str) -> str:
    """What counts as "the same English sentence": its tokens (so case and spacing do not matter)."""
    return " ".join(english_tokens(text))


@dataclass(frozen=True)
class TatoebaSplit:
    """``train``, ``val``, ``test`` lists of :class:`Pair`; no English sentence is in two of them."""

    train: list[Pair]
    val: list[Pair]
    test: list[Pair]


def split_by_english(pairs: Sequence[Pair], val_fraction: float = 0.05, test_fraction: float = 0.05,
                     seed: int = 0) -> TatoebaSplit:
    """Shuffle the distinct English sentences with ``seed``; hold out fractions of them with all their pairs."""
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(f"val_fraction and test_fraction must be in (0, 1) with a sum < 1; got "
                         f"{val_fraction!r}, {test_fraction!r}")
    keys = list(dict.fromkeys(english_key(p.english) for p in pairs))
    order = np.random.default_rng(check_int("seed", seed, minimum=0)).permutation(len(keys))
    n_val, n_test = round(val_fraction * len(keys)), round(test_fraction * len(keys))
    part = {}
    for rank, k in enumerate(order):
        part[keys[k]] = "val" if rank < n_val else ("test" if rank < n_val + n_test else "train")
    split = {"train": [], "val": [], "test": []}
    for p in pairs:
        split[part[english_key(p.english)]].append(p)
    return TatoebaSplit(**split)


def references(pairs: Sequence[Pair]) -> tuple[list[str], list[list[str]]]:
    """Group pairs by English sentence: (one English sentence each, the list of its Chinese translations)."""
    groups: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        groups[english_key(p.english)].append(p)
    english = [group[0].english for group in groups.values()]
    return english, [list(dict.fromkeys(p.chinese for p in group)) for group in groups.values()]


@dataclass(frozen=True)
class Vocabularies:
    """The English word vocabulary (source) and the Chinese character vocabulary (target)."""

    english: Vocabulary
    chinese: Vocabulary


def build_vocabularies(train: Sequence[Pair], min_english_count: int = 2, min_chinese_count: int = 1) -> Vocabularies:
    """From the training pairs only: English words seen ``min_english_count`` times (others → <unk>),
    Chinese characters seen ``min_chinese_count`` times."""
    return Vocabularies(Vocabulary.from_corpus((english_tokens(p.english) for p in train), min_english_count),
                        Vocabulary.from_corpus((chinese_tokens(p.chinese) for p in train), min_chinese_count))


def encode_pairs(pairs: Sequence[Pair], vocabularies: Vocabularies) -> tuple[list[list[int]], list[list[int]]]:
    """Source and target ids of every pair (unknown tokens → <unk>)."""
    return ([vocabularies.english.encode(english_tokens(p.english)) for p in pairs],
            [vocabularies.chinese.encode(chinese_tokens(p.chinese)) for p in pairs])


def pair_batches(sources: Sequence[Sequence[int]], targets: Sequence[Sequence[int]], batch_size: int,
                 seed: int = 0, bucket: int = 50) -> Callable[[int], Seq2SeqBatch]:
    """``step -> batch`` over the pairs in epochs: each epoch is a fresh shuffle, cut into groups of
    ``bucket`` batches; within a group, pairs are sorted by target length before being cut into
    batches (similar lengths → less padding, fewer decoder steps), and the batches are shuffled."""
    batch_size, bucket = check_int("batch_size", batch_size), check_int("bucket", bucket)
    n = len(sources)
    if n != len(targets) or n < batch_size:
        raise ValueError(f"need as many targets as sources and at least one full batch; got {n}, {len(targets)}, "
                         f"batch_size {batch_size}")
    per_epoch = n // batch_size
    epochs: dict[int, list[np.ndarray]] = {}

    def epoch_batches(epoch: int) -> list[np.ndarray]:
        rng = np.random.default_rng([seed, epoch])
        order = rng.permutation(n)[:per_epoch * batch_size]
        batches = []
        for start in range(0, len(order), bucket * batch_size):
            group = order[start:start + bucket * batch_size]
            group = group[np.argsort([len(targets[i]) for i in group], kind="stable")]
            batches += [group[i:i + batch_size] for i in range(0, len(group), batch_size)]
        return [batches[i] for i in rng.permutation(len(batches))]

    def next_batch(step: int) -> Seq2SeqBatch:
        epoch, index = divmod(step, per_epoch)
        if epoch not in epochs:
            epochs.clear()
            epochs[epoch] = epoch_batches(epoch)
        chosen = epochs[epoch][index]
        return make_batch([sources[i] for i in chosen], [targets[i] for i in chosen])

    return next_batch


@dataclass(frozen=True)
class SentenceTranslation:
    """``translate_sentence``'s answer: the English ``tokens`` read, those ``unknown`` to the model (read as
    <unk>), the ``chinese`` output, its characters, the attention ``weights (steps, len(tokens))``."""

    english: str
    tokens: tuple[str, ...]
    unknown: tuple[str, ...]
    chinese: str
    characters: tuple[str, ...]
    weights: np.ndarray | None


def encode_english(text: str, vocabulary: Vocabulary) -> tuple[list[str], list[int], list[str]]:
    """(tokens, ids, unknown words) of an English sentence; a clear ``ValueError`` for input that cannot be read."""
    if not isinstance(text, str):
        raise ValueError(f"the sentence must be a string; got {type(text).__name__}")
    tokens = english_tokens(text)
    if not tokens:
        raise ValueError("the sentence is empty: type an English sentence, e.g. 'I like tea.'")
    if len(tokens) > MAX_INPUT_TOKENS:
        raise ValueError(f"the sentence has {len(tokens)} tokens; at most {MAX_INPUT_TOKENS} are accepted (the model "
                         f"was trained on sentences of up to {MAX_ENGLISH_TOKENS})")
    unknown = vocabulary.unknown(tokens)
    if len(unknown) == len(set(tokens)):
        raise ValueError(f"none of the words {unknown[:8]} is in the model's English vocabulary")
    return tokens, vocabulary.encode(tokens), unknown


def translate_sentence(model: Seq2Seq, vocabularies: Vocabularies, english: str, beam_width: int = 1,
                       max_length: int = MAX_CHINESE_CHARS + 5, length_penalty: float = 0.0) -> SentenceTranslation:
    """Translate one English sentence (greedy for ``beam_width=1``, else beam search)."""
    tokens, ids, unknown = encode_english(english, vocabularies.english)
    if beam_width == 1:
        source, lengths = pad_sequences([ids])
        device = next(model.parameters()).device
        best: Translation = greedy_decode(model, source.to(device), lengths.to(device), max_length)[0]
    else:
        best = beam_search(model, ids, beam_width, max_length, length_penalty)[0]
    characters = tuple(vocabularies.chinese.decode(best.tokens))
    return SentenceTranslation(english, tuple(tokens), tuple(unknown), "".join(characters), characters, best.weights)


def translate_all(model: Seq2Seq, vocabularies: Vocabularies, sentences: Sequence[str], beam_width: int = 1,
                  max_length: int = MAX_CHINESE_CHARS + 5, length_penalty: float = 0.0,
                  batch_size: int = 256) -> list[str]:
    """Chinese translations of many English sentences (greedy in batches, or beam search one by one)."""
    sources = [vocabularies.english.encode(english_tokens(s)) for s in sentences]
    if beam_width == 1:
        outputs = translate_batches(model, sources, max_length, batch_size)
    else:
        outputs = [beam_search(model, ids, beam_width, max_length, length_penalty)[0] for ids in sources]
    return ["".join(vocabularies.chinese.decode(t.tokens)) for t in outputs]
