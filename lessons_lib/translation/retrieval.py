"""The retrieval baseline (检索基线): answer with the Chinese of the most similar English training sentence.

No model of language at all: represent each English sentence by its words (and word pairs),
weighted by TF-IDF, and return the stored translation of the training sentence with the highest
cosine similarity::

    w(term, s) = count(term, s) · idf(term),   idf(term) = ln(N / df(term)) + 1
    sim(q, s)  = w(q) · w(s) / (‖w(q)‖ ‖w(s)‖)
    answer(q)  = chinese[argmax_s sim(q, s)]       (ties: the earliest training sentence)

N is the number of training sentences and df(term) how many contain the term: rare words
count more. Tatoeba repeats its patterns ("Tom is ...", "I want to ..."), so this is a strong
baseline; a translation model has to beat it to be worth its training time.

The similarities are computed with an **inverted index**: for every term, the training sentences
that contain it and its normalised weight there. A query only touches the sentences that share a
term with it.
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Sequence

import numpy as np

from .._validate import check_int


def terms(tokens: Sequence[str], max_n: int = 2) -> list[tuple[str, ...]]:
    """The n-grams of ``tokens`` for n = 1..max_n (words, and word pairs when ``max_n >= 2``)."""
    return [tuple(tokens[i:i + n]) for n in range(1, max_n + 1) for i in range(len(tokens) - n + 1)]


class RetrievalTranslator:
    """Nearest neighbour by TF-IDF cosine over word n-grams (n ≤ ``max_n``).

    ``english``: the training sentences as token lists; ``chinese``: their translations.
    """

    def __init__(self, english: Sequence[Sequence[str]], chinese: Sequence[str], max_n: int = 2):
        if len(english) != len(chinese) or len(english) == 0:
            raise ValueError(f"english and chinese must pair up and not be empty; got {len(english)} and {len(chinese)}")
        self.max_n = check_int("max_n", max_n)
        self.chinese = list(chinese)
        documents = [Counter(terms(s, self.max_n)) for s in english]
        document_frequency = Counter(term for counts in documents for term in counts)
        self.idf = {t: math.log(len(documents) / df) + 1 for t, df in document_frequency.items()}
        self.term_index: dict = {}
        term_ids, sentences, weights = [], [], []
        for sentence, counts in enumerate(documents):
            for term, weight in self._weights(counts).items():
                term_ids.append(self.term_index.setdefault(term, len(self.term_index)))
                sentences.append(sentence)
                weights.append(weight)
        order = np.argsort(term_ids, kind="stable")             # postings grouped by term, sentences ascending
        self.sentences, self.weights = np.array(sentences)[order], np.array(weights)[order]
        self.starts = np.searchsorted(np.array(term_ids)[order], np.arange(len(self.term_index) + 1))

    def _weights(self, counts: Counter) -> dict:
        """TF-IDF weights of the known terms, normalised to length 1 (empty if no term is known)."""
        weights = {t: c * self.idf[t] for t, c in counts.items() if t in self.idf}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {t: w / norm for t, w in weights.items()}

    def similarities(self, tokens: Sequence[str]) -> np.ndarray:
        """Cosine similarity of a query (a token list) with every training sentence, ``(N,)``."""
        scores = np.zeros(len(self.chinese))
        for term, weight in self._weights(Counter(terms(tokens, self.max_n))).items():
            k = self.term_index[term]
            postings = slice(self.starts[k], self.starts[k + 1])                # the sentences containing it
            scores[self.sentences[postings]] += weight * self.weights[postings]
        return scores

    def nearest(self, queries: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """For each query: the index of the most similar training sentence ``(Q,)`` (the earliest on a tie)
        and its cosine similarity ``(Q,)`` (0 when no term is shared: then index 0)."""
        best = [self.similarities(q) for q in queries]
        where = np.array([int(np.argmax(s)) for s in best], dtype=int)        # argmax: the first maximum
        return where, np.array([s[i] for s, i in zip(best, where)])

    def translate(self, queries: Sequence[Sequence[str]]) -> list[str]:
        """The stored Chinese of each query's nearest training sentence."""
        return [self.chinese[i] for i in self.nearest(queries)[0]]
