"""A vocabulary (词表): tokens ↔ integer ids, with four special tokens at fixed ids.

    <pad> = 0   fills short sequences up to the batch's length (never predicted, never attended to)
    <bos> = 1   the decoder's first input, "begin of sentence"
    <eos> = 2   the decoder's last output, "end of sentence": decoding stops when it is produced
    <unk> = 3   a token the vocabulary does not know (rare words of the training data)

A token is whatever the task chooses: a character for dates and Chinese, a word for English.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Iterable

from .._validate import check_int

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
PAD_ID, BOS_ID, EOS_ID, UNK_ID = range(4)


class Vocabulary:
    """The special tokens, then ``tokens`` in the order given (duplicates and specials dropped)."""

    def __init__(self, tokens: Iterable[str]):
        self.tokens: list[str] = list(SPECIALS)
        self._ids: dict[str, int] = {t: i for i, t in enumerate(SPECIALS)}
        for token in tokens:
            if not isinstance(token, str) or token == "":
                raise ValueError(f"tokens must be non-empty strings; got {token!r}")
            if token not in self._ids:
                self._ids[token] = len(self.tokens)
                self.tokens.append(token)

    @classmethod
    def from_corpus(cls, sequences: Iterable[Iterable[str]], min_count: int = 1) -> "Vocabulary":
        """Every token seen at least ``min_count`` times, most frequent first (ties in first-seen order)."""
        counts = Counter(token for sequence in sequences for token in sequence)
        min_count = check_int("min_count", min_count)
        return cls(token for token, count in counts.most_common() if count >= min_count)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self._ids

    def fingerprint(self) -> str:
        """A short hash of the tokens in id order: two vocabularies with equal fingerprints map ids alike."""
        return hashlib.sha256("\n".join(self.tokens).encode("utf-8")).hexdigest()[:16]

    def __repr__(self) -> str:
        shown = ", ".join(repr(t) for t in self.tokens[4:12])
        return f"Vocabulary({len(self)} tokens: 4 specials, {shown}{', ...' if len(self) > 12 else ''})"

    def unknown(self, tokens: Iterable[str]) -> list[str]:
        """The tokens of ``tokens`` that are not in the vocabulary, each once, in order."""
        return list(dict.fromkeys(t for t in tokens if t not in self._ids))

    def encode(self, tokens: Iterable[str], add_eos: bool = False, unknown: str = "unk") -> list[int]:
        """Token ids; an unknown token becomes ``<unk>`` (``unknown="unk"``) or raises (``unknown="error"``)."""
        if unknown not in ("unk", "error"):
            raise ValueError(f"unknown must be 'unk' or 'error'; got {unknown!r}")
        tokens = list(tokens)
        if unknown == "error":
            missing = self.unknown(tokens)
            if missing:
                raise ValueError(f"{len(missing)} token(s) not in the vocabulary: {missing[:10]}")
        ids = [self._ids.get(t, UNK_ID) for t in tokens]
        return ids + [EOS_ID] if add_eos else ids

    def decode(self, ids: Iterable[int], stop_at_eos: bool = True) -> list[str]:
        """Tokens of ``ids``, without ``<pad>``/``<bos>``; stops at the first ``<eos>`` (if ``stop_at_eos``)."""
        out = []
        for i in ids:
            i = int(i)
            if i == EOS_ID and stop_at_eos:
                break
            if i not in (PAD_ID, BOS_ID):
                out.append(self.tokens[i])
        return out
