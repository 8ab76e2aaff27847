"""A character vocabulary (字符表): characters <-> integer ids, with a policy for characters it has never seen.

Built from the *training* text only. Validation and test text may contain characters the training
text lacks (rare in English, common in Chinese: 全唐诗 has thousands of characters that occur once).
Two policies:

- ``unknown="\\ufffd"`` (or any one character): every unseen character becomes that symbol's id, so
  a model assigns it probability like any other character; ``min_count=2`` also folds training
  characters seen only once into it, so that the model *learns* how often "something rare" comes;
- ``unknown=None``: an unseen character raises ``ValueError`` naming it (for texts that must be covered).

Ids: ``ids (N,)`` int64 numpy arrays. ``encode(decode(ids)) == ids`` for every id.
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .._validate import check_int

UNKNOWN = "\ufffd"
"""The default unknown symbol, '�' (U+FFFD, Unicode's replacement character)."""


class Vocabulary:
    """An ordered list of characters; ``id_of[c]`` is the position of ``c``; ``unknown`` is ``None`` or one of them.

    Args:
        characters: the distinct characters, in id order.
        unknown: the symbol that stands for every character not in the list (it gets an id of its
            own if it is not already in ``characters``), or ``None`` to refuse unseen characters.
    """

    def __init__(self, characters, unknown: str | None = UNKNOWN):
        characters = list(characters)
        if not all(isinstance(c, str) and len(c) == 1 for c in characters):
            raise ValueError("characters must be single-character strings; got "
                             f"{[c for c in characters if not (isinstance(c, str) and len(c) == 1)][:5]}")
        if len(set(characters)) != len(characters):
            repeated = sorted(c for c, n in Counter(characters).items() if n > 1)
            raise ValueError(f"characters must be distinct; repeated: {repeated[:10]}")
        if unknown is not None:
            if not (isinstance(unknown, str) and len(unknown) == 1):
                raise ValueError(f"unknown must be one character or None; got {unknown!r}")
            if unknown not in characters:
                characters.append(unknown)
        if not characters:
            raise ValueError("a vocabulary needs at least one character; got none")
        self.characters = characters
        self.unknown = unknown
        self.id_of = {c: i for i, c in enumerate(characters)}
        self._table = np.array(characters)

    @classmethod
    def from_text(cls, text: str, unknown: str | None = UNKNOWN, min_count: int = 1) -> "Vocabulary":
        """The characters of ``text`` seen at least ``min_count`` times, sorted; the rest map to ``unknown``.

        ``min_count > 1`` needs an ``unknown`` symbol (the dropped characters must map somewhere).
        """
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty string; got {type(text).__name__} of length "
                             f"{len(text) if hasattr(text, '__len__') else '?'}")
        min_count = check_int("min_count", min_count)
        if min_count > 1 and unknown is None:
            raise ValueError(f"min_count={min_count} drops rare characters, so it needs an unknown symbol; got unknown=None")
        counts = Counter(text)
        return cls(sorted(c for c, n in counts.items() if n >= min_count and c != unknown), unknown)

    def __len__(self) -> int:
        return len(self.characters)

    def __contains__(self, character: str) -> bool:
        return character in self.id_of

    @property
    def unknown_id(self) -> int | None:
        return None if self.unknown is None else self.id_of[self.unknown]

    def encode(self, text: str) -> np.ndarray:
        """``text`` -> ``ids (len(text),)`` int64; unseen characters become ``unknown_id`` (or raise, see the policy)."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a string; got {type(text).__name__}")
        get, unknown_id = self.id_of.get, self.unknown_id
        if unknown_id is None:
            missing = sorted(set(text) - self.id_of.keys())
            if missing:
                raise ValueError(f"text has {len(missing)} character(s) not in the vocabulary: {missing[:10]}; "
                                 "build the vocabulary with unknown='\\ufffd' to map them to one symbol")
        return np.fromiter((get(c, unknown_id) for c in text), dtype=np.int64, count=len(text))

    def decode(self, ids) -> str:
        """``ids`` (any integer array-like) -> the string of their characters."""
        ids = np.asarray(ids)
        if ids.size == 0:
            return ""
        if (not np.issubdtype(ids.dtype, np.integer) or ids.min() < 0 or ids.max() >= len(self)):
            raise ValueError(f"ids must be integers in [0, {len(self)}); got dtype {ids.dtype}, "
                             f"range [{ids.min()}, {ids.max()}]")
        return "".join(self._table[ids.ravel()].tolist())

    def unknown_rate(self, text: str) -> float:
        """The fraction of ``text``'s characters that are not in the vocabulary (they would become ``unknown``)."""
        if not text:
            return 0.0
        return sum(1 for c in text if c not in self.id_of or c == self.unknown) / len(text)

    def __repr__(self) -> str:
        shown = "".join(c if c.isprintable() and c != " " else repr(c)[1:-1] if c != " " else "␣"
                        for c in self.characters[:40])
        more = f"… (+{len(self) - 40})" if len(self) > 40 else ""
        return f"Vocabulary({len(self)} characters: {shown}{more}; unknown={self.unknown!r})"
