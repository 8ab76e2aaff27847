"""Tang quatrains (唐诗绝句): what counts as a well-formed poem, sampling poems, and acrostic poems (藏头诗).

A quatrain has four lines of five (五言绝句) or seven characters (七言绝句); in the corpus the lines
end with "，。，。" in 99.5 % of the poems. A sampled poem counts as **well-formed** when it has that
shape exactly::

    XXXXX，XXXXX。XXXXX，XXXXX。    or    XXXXXXX，XXXXXXX。XXXXXXX，XXXXXXX。

(four lines of one length, 5 or 7, no punctuation or unknown symbol inside a line). The line length
and the line count are long-range constraints: a 5-character line plus its comma is 6 characters,
a whole five-character poem 24, a seven-character one 32, far beyond an n-gram's window.

An **acrostic** (藏头诗) hides a word in the first characters of the lines: the sampler is forced to
write the given character at the start of each line and samples the rest.
"""
from __future__ import annotations

import re

import numpy as np

from .._validate import check_int
from .sampling import draw, sample_ids, temperature_probabilities
from .vocabulary import Vocabulary

LINE_ENDS = "，。，。"
PUNCTUATION = "，。？！；：、"
_WELL_FORMED = re.compile(r"^(?:[^，。？！；：、\n\ufffd]{5}，[^，。？！；：、\n\ufffd]{5}。){2}$"
                          r"|^(?:[^，。？！；：、\n\ufffd]{7}，[^，。？！；：、\n\ufffd]{7}。){2}$")


def is_well_formed(poem: str) -> bool:
    """True for four lines of 5 (or of 7) characters ending "，。，。", nothing else."""
    if not isinstance(poem, str):
        raise ValueError(f"poem must be a string; got {type(poem).__name__}")
    return bool(_WELL_FORMED.match(poem))


def well_formed_rate(poems) -> float:
    """The fraction of ``poems`` (strings) that are well-formed."""
    poems = list(poems)
    if not poems:
        raise ValueError("need at least one poem to compute a rate; got none")
    return sum(is_well_formed(p) for p in poems) / len(poems)


def sample_poems(model, vocabulary: Vocabulary, n: int, temperature: float = 1.0, top_k: int | None = None,
                 seed: int = 0, max_length: int = 33) -> list[str]:
    """``n`` poems sampled in parallel, each from the start of a poem (the prompt "\\n") up to its newline.

    A poem that has not ended after ``max_length`` characters is returned cut there; the default, 33, is
    one more than the longest well-formed poem, so a cut poem is never counted as well-formed.
    """
    n = check_int("n", n)
    newline = vocabulary.id_of["\n"]
    ids = sample_ids(model, np.full((n, 1), newline), max_length, temperature, top_k, seed, stop_id=newline)
    return [vocabulary.decode(row).split("\n")[0] for row in ids]


def acrostic(model, vocabulary: Vocabulary, heads: str, line_length: int = 7, temperature: float = 0.8,
             top_k: int | None = None, seed: int = 0) -> str:
    """A quatrain whose four lines start with the four characters of ``heads`` (藏头诗).

    Each line is the forced head character plus ``line_length − 1`` sampled characters; the line's
    punctuation ("，" or "。") is written, not sampled, so the poem always has the quatrain's shape and
    what varies is the words. Characters outside the vocabulary are refused.
    """
    if not isinstance(heads, str) or len(heads) != 4:
        raise ValueError(f"heads must be 4 characters, one per line; got {heads!r}")
    if line_length not in (5, 7):
        raise ValueError(f"line_length must be 5 or 7; got {line_length!r}")
    missing = [c for c in heads if c not in vocabulary or c == vocabulary.unknown]
    if missing:
        raise ValueError(f"the model has never seen {missing}; choose other head characters")
    rng = np.random.default_rng(seed)
    banned = [vocabulary.id_of[c] for c in PUNCTUATION + "\n" + (vocabulary.unknown or "") if c in vocabulary]
    state = model.start(np.array([[vocabulary.id_of["\n"]]]))
    poem = []
    for line, head in enumerate(heads):
        for position in range(line_length + 1):
            if position == 0:
                character = vocabulary.id_of[head]                       # forced: the hidden word
            elif position == line_length:
                character = vocabulary.id_of[LINE_ENDS[line]]            # forced: the line's punctuation
            else:
                logits = model.next_logits(state).copy()
                logits[:, banned] = -np.inf                              # no line ends inside a line
                character = int(draw(temperature_probabilities(logits, temperature, top_k), rng)[0])
            poem.append(character)
            state = model.advance(state, np.array([character]))
    return vocabulary.decode(poem)


def split_lines(poem: str) -> list[str]:
    """``"白日依山尽，黄河入海流。…"`` -> ``["白日依山尽，", "黄河入海流。", …]`` (each line with its punctuation)."""
    return re.findall(r"[^，。？！；]*[，。？！；]|[^，。？！；]+$", poem)
