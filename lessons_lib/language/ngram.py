"""The character n-gram model with interpolated absolute discounting (插值绝对折扣): the baseline to beat.

An order-n model predicts the next character w from the previous n − 1 characters h. With the
training counts c(h, w), c(h) = Σ_w c(h, w) and N₁₊(h) = the number of distinct w seen after h
(Ney, Essen & Kneser 1994; Chen & Goodman 1999)::

    P_n(w | h) = max(c(h, w) − D, 0) / c(h)  +  D · N₁₊(h) / c(h) · P_{n−1}(w | h')    if c(h) > 0
    P_n(w | h) = P_{n−1}(w | h')                                                    if h was never seen
    P_0(w)     = 1 / V                                                              (uniform)

h' is h without its oldest character. Every seen character gives up D (0 < D ≤ 1) of its count,
and the mass freed, D · N₁₊(h) / c(h), goes to the shorter context's distribution, so every
character keeps a non-zero probability and each P_n(· | h) sums to 1. D is 0.75 for every order
by default, a common fixed choice; ``discount="counts"`` estimates it per order from the counts of
counts instead, D = n₁ / (n₁ + 2 n₂) (n₁, n₂: pairs (h, w) seen once, twice; Ney et al. 1994).
The discounts do not change the counts: :meth:`NGramModel.with_discount` swaps them without refitting.

How the counts are stored (numpy, no python dicts, so 8 orders of a million characters take a
second): every context of length k gets an integer id, built from its suffix of length k − 1
(which is the context the formula backs off to) and its oldest character::

    id_k(x[i−k .. i−1]) = rank of  id_{k−1}(x[i−k+1 .. i−1]) · V + x[i−k]  among the training contexts

so ``context_ids[k][i]`` for every position i of a text is one ``searchsorted`` per order.
Ids are ``(N,)`` int64 arrays; a text's first characters, whose context is shorter than k, and
contexts never seen in training get id −1 (treated as "never seen").
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

import numpy as np

from .._validate import check_int


class CountTable(NamedTuple):
    """The counts for contexts of one length k (``C`` distinct contexts, ``P`` distinct (context, next) pairs)."""

    context_keys: np.ndarray    # (C,) sorted: id_{k−1}(suffix) · V + oldest character; the rank is the context id
    pair_keys: np.ndarray       # (P,) sorted: context id · V + next character w
    pair_counts: np.ndarray     # (P,) c(h, w)
    context_counts: np.ndarray  # (C,) c(h) = Σ_w c(h, w)
    followers: np.ndarray       # (C,) N₁₊(h) = number of distinct w with c(h, w) > 0


def discount_estimate(pair_counts: np.ndarray) -> float:
    """D = n₁ / (n₁ + 2 n₂), kept within [0.1, 1]; 0.5 when no pair was seen once or twice."""
    n1, n2 = int(np.sum(pair_counts == 1)), int(np.sum(pair_counts == 2))
    if n1 + 2 * n2 == 0:
        return 0.5
    return float(min(1.0, max(0.1, n1 / (n1 + 2 * n2))))


@dataclass
class NGramModel:
    """An interpolated absolute-discounting character model of ``order`` n, with all shorter orders inside.

    ``tables[k]`` holds the counts for contexts of length k = 0 … n − 1, ``discounts[k]`` their D.
    Evaluate with any order up to n (``order=`` argument): P_m uses ``tables[:m]`` only, so one model
    fitted at order 8 gives the whole table of orders 1 … 8.
    """

    order: int
    vocab_size: int
    tables: list
    discounts: list

    @classmethod
    def fit(cls, ids, order: int, vocab_size: int, discount: float | str = 0.75) -> "NGramModel":
        """Count every (context, next character) pair of the training ids ``(N,)`` for context lengths 0 … order − 1.

        ``discount``: D for every order (a number in (0, 1]) or ``"counts"`` (estimated per order).
        """
        ids = _check_ids(ids, vocab_size)
        order = check_int("order", order)
        _check_discount(discount)
        V, N = vocab_size, len(ids)
        tables, discounts = [], []
        context = np.zeros(N, dtype=np.int64)  # id of the empty context (k = 0) at every position
        for k in range(order):
            if k > 0:                           # extend each position's context by its next-older character
                valid = context >= 0
                valid[:k] = False               # positions 0 … k−1 have fewer than k characters before them
                keys = context[valid] * V + ids[np.flatnonzero(valid) - k]
                context_keys, ranks = np.unique(keys, return_inverse=True)
                context = np.full(N, -1, dtype=np.int64)
                context[valid] = ranks
            else:
                context_keys = np.zeros(1, dtype=np.int64)
            seen = context >= 0
            pair_keys, pair_counts = np.unique(context[seen] * V + ids[seen], return_counts=True)
            owner = pair_keys // V              # the context id of each pair
            C = len(context_keys)
            tables.append(CountTable(context_keys, pair_keys, pair_counts,
                                     np.bincount(owner, weights=pair_counts, minlength=C).astype(np.int64),
                                     np.bincount(owner, minlength=C)))
            discounts.append(discount_estimate(pair_counts) if discount == "counts" else float(discount))
        return cls(order, V, tables, discounts)

    def with_discount(self, discount: float | str) -> "NGramModel":
        """The same counts with another D (a number for every order, or ``"counts"``); nothing is recounted."""
        _check_discount(discount)
        discounts = [discount_estimate(t.pair_counts) if discount == "counts" else float(discount) for t in self.tables]
        return replace(self, discounts=discounts)

    # ------------------------------------------------------------------ contexts
    def _order(self, order: int | None) -> int:
        if order is None:
            return self.order
        order = check_int("order", order)
        if order > self.order:
            raise ValueError(f"order must be at most the fitted order {self.order}; got {order}")
        return order

    def context_ids(self, ids, order: int | None = None) -> list[np.ndarray]:
        """For every position i of ``ids (M,)``: the id of the context ``ids[i−k .. i−1]`` for k = 0 … order − 1
        (a list of ``(M,)`` arrays; −1 where the context is shorter than k or was never seen in training)."""
        ids = _check_ids(ids, self.vocab_size)
        order, V, M = self._order(order), self.vocab_size, len(ids)
        context = np.zeros(M, dtype=np.int64)
        out = [context]
        for k in range(1, order):
            valid = context >= 0
            valid[:k] = False
            positions = np.flatnonzero(valid)
            context = np.full(M, -1, dtype=np.int64)
            context[positions] = _lookup(self.tables[k].context_keys, out[-1][positions] * V + ids[positions - k])
            out.append(context)
        return out

    # ------------------------------------------------------------------ probabilities
    def with_order(self, order: int) -> "NGramModel":
        """The model of a lower order (its first ``order`` tables), e.g. to sample with the order chosen on validation."""
        order = self._order(order)
        return replace(self, order=order, tables=self.tables[:order], discounts=self.discounts[:order])

    def char_probabilities(self, ids, order: int | None = None, every_order: list | None = None) -> np.ndarray:
        """P(ids[i] | the up to n − 1 characters before it) for i = 1 … M − 1: ``(M − 1,)``.

        The targets are ``ids[1:]``, the same as a recurrent model's (which predicts the next
        character from the first one on); the first character has no context and is not scored.
        """
        ids = _check_ids(ids, self.vocab_size)
        if len(ids) < 2:
            raise ValueError(f"need at least 2 characters to score a prediction; got {len(ids)}")
        contexts = [c[1:] for c in self.context_ids(ids, order)]     # (M − 1,) per context length k
        targets = ids[1:]
        probability = np.full(len(targets), 1.0 / self.vocab_size)  # P_0: uniform
        for k, context in enumerate(contexts):                      # P_1, P_2, …: the recursion
            table, D = self.tables[k], self.discounts[k]
            seen = context >= 0                                      # never-seen contexts keep P_{k}
            h = context[seen]
            c_hw = _count(table, h * self.vocab_size + targets[seen]).astype(np.float64)   # c(h, w)
            c_h = table.context_counts[h].astype(np.float64)                               # c(h)
            probability[seen] = (np.maximum(c_hw - D, 0.0) + D * table.followers[h] * probability[seen]) / c_h
            if every_order is not None:
                every_order.append(probability.copy())
        return probability

    def cross_entropy(self, ids, order: int | None = None) -> float:
        """Mean −ln P(next character) over ``ids[1:]``, in nats per character (perplexity: e to this power)."""
        return float(-np.mean(np.log(self.char_probabilities(ids, order))))

    def cross_entropy_by_order(self, ids) -> dict[int, float]:
        """``{n: cross-entropy of order n}`` for n = 1 … order, in one pass (P_n is a step of P_{n+1}'s recursion)."""
        every_order: list = []
        self.char_probabilities(ids, self.order, every_order)
        return {n + 1: float(-np.mean(np.log(p))) for n, p in enumerate(every_order)}

    def next_distribution(self, histories, order: int | None = None) -> np.ndarray:
        """P(w | history) for every character w: ``histories (B, K)`` ids (−1 = no character, e.g. padding) -> ``(B, V)``.

        Only the last n − 1 characters of each history matter.
        """
        histories = np.asarray(histories, dtype=np.int64)
        if histories.ndim != 2:
            raise ValueError(f"histories must be 2-D (B, K) character ids; got shape {histories.shape}")
        order, V = self._order(order), self.vocab_size
        if histories.size and (histories.max() >= V or histories.min() < -1):
            raise ValueError(f"history ids must be in [-1, {V}) (-1 = no character); got range "
                             f"[{histories.min()}, {histories.max()}]")
        B, K = histories.shape
        if B == 1:
            return self._one_next_distribution(histories[0], order)[None]
        contexts = [np.zeros(B, dtype=np.int64)]
        for k in range(1, order):
            previous = contexts[-1]
            character = histories[:, K - k] if k <= K else np.full(B, -1)
            ok = (previous >= 0) & (character >= 0)
            context = np.full(B, -1, dtype=np.int64)
            context[ok] = _lookup(self.tables[k].context_keys, previous[ok] * V + character[ok])
            contexts.append(context)

        probability = np.full((B, V), 1.0 / V)                      # P_0: uniform
        for k, context in enumerate(contexts):                      # P_1, P_2, …: the recursion, every w at once
            table, D = self.tables[k], self.discounts[k]
            rows = np.flatnonzero(context >= 0)                     # never-seen contexts keep P_{k}
            if rows.size == 0:
                continue
            unique, which = np.unique(context[rows], return_inverse=True)   # one dense row per distinct context
            c_hw = _dense_counts(table, unique, V)                           # (U, V)
            c_h = table.context_counts[unique][:, None].astype(np.float64)
            backoff = D * table.followers[unique][:, None] / c_h           # D · N₁₊(h) / c(h)
            discounted = np.maximum(c_hw - D, 0.0) / c_h                   # max(c(h, w) − D, 0) / c(h)
            if rows.size == B and unique.size == 1:                        # one context for all (k = 0): in place
                probability *= backoff
                probability += discounted
            else:
                probability[rows] = discounted[which] + backoff[which] * probability[rows]
        return probability

    def _one_next_distribution(self, history: np.ndarray, order: int) -> np.ndarray:
        """:meth:`next_distribution` for one history ``(K,)`` -> ``(V,)``: the same recursion with scalar lookups,
        several times faster for sampling, where a whole numpy call per order for one row is mostly overhead."""
        V, K = self.vocab_size, len(history)
        probability = np.full(V, 1.0 / V)                            # P_0: uniform
        context = 0                                                  # the empty context's id
        for k in range(order):
            table, D = self.tables[k], self.discounts[k]
            if k > 0:                                                # extend the context by one older character
                character = int(history[K - k]) if k <= K else -1
                key = context * V + character
                position = int(table.context_keys.searchsorted(key))
                if character < 0 or position == len(table.context_keys) or table.context_keys[position] != key:
                    break                                            # never seen: P_k is the answer
                context = position
            start, end = table.pair_keys.searchsorted([context * V, (context + 1) * V])
            c_h = float(table.context_counts[context])
            probability *= D * table.followers[context] / c_h                       # D · N₁₊(h) / c(h) · P_{k}
            probability[table.pair_keys[start:end] % V] += np.maximum(table.pair_counts[start:end] - D, 0.0) / c_h
        return probability

    # ------------------------------------------------------------------ the sampling interface (see sampling.py)
    def start(self, prompt_ids) -> np.ndarray:
        """Sampling state after reading ``prompt_ids (B, P)``: the last n − 1 characters, ``(B, n − 1)`` (−1 padded)."""
        prompt = np.asarray(prompt_ids, dtype=np.int64)
        if prompt.ndim != 2 or prompt.shape[1] == 0:
            raise ValueError(f"prompt_ids must be 2-D (B, P) with P >= 1; got shape {prompt.shape}")
        keep = self.order - 1
        padded = np.concatenate([np.full((prompt.shape[0], keep), -1), prompt], axis=1)
        return padded[:, padded.shape[1] - keep:] if keep else padded[:, :0]

    def next_logits(self, state) -> np.ndarray:
        """ln P(w | state) for every w: ``(B, V)`` (the "logits" of the n-gram)."""
        return np.log(self.next_distribution(state))

    def advance(self, state, ids) -> np.ndarray:
        """Append one character per row (``ids (B,)``), keeping the last n − 1."""
        if self.order == 1:
            return state
        return np.concatenate([state[:, 1:], np.asarray(ids, dtype=np.int64)[:, None]], axis=1)


def choose_order(model: NGramModel, val_ids, orders=None) -> tuple[int, dict[int, float]]:
    """The order with the lowest validation cross-entropy, and every order's value ``{order: nats/char}``."""
    every = model.cross_entropy_by_order(val_ids)
    losses = {int(n): every[int(n)] for n in (range(1, model.order + 1) if orders is None else orders)}
    return min(losses, key=losses.get), losses


def _lookup(sorted_keys: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """The position of each key in ``sorted_keys``, or −1 where it is absent."""
    position = np.searchsorted(sorted_keys, keys)
    position = np.minimum(position, len(sorted_keys) - 1)
    found = (sorted_keys[position] == keys) if len(sorted_keys) else np.zeros(len(keys), bool)
    return np.where(found, position, -1)


def _dense_counts(table: CountTable, contexts: np.ndarray, V: int) -> np.ndarray:
    """c(h, w) for every w, one row per context id: ``(U,)`` -> ``(U, V)``.

    The pairs of context h are one sorted run of ``pair_keys``, the keys in [h·V, (h + 1)·V).
    """
    starts = np.searchsorted(table.pair_keys, contexts * V)
    lengths = np.searchsorted(table.pair_keys, (contexts + 1) * V) - starts
    within = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)   # 0, 1, … in each run
    pairs = np.repeat(starts, lengths) + within
    counts = np.zeros((len(contexts), V))
    counts[np.repeat(np.arange(len(contexts)), lengths), table.pair_keys[pairs] % V] = table.pair_counts[pairs]
    return counts


def _count(table: CountTable, pair_keys: np.ndarray) -> np.ndarray:
    """c(h, w) for each pair key (−1 or absent: 0)."""
    position = _lookup(table.pair_keys, pair_keys)
    return np.where((pair_keys >= 0) & (position >= 0), table.pair_counts[np.maximum(position, 0)], 0)


def _check_discount(discount) -> None:
    if discount == "counts":
        return
    if isinstance(discount, bool) or not isinstance(discount, (int, float)) or not 0 < discount <= 1:
        raise ValueError(f"discount must be a number in (0, 1] or 'counts' (estimated per order); got {discount!r}")


def _check_ids(ids, vocab_size: int) -> np.ndarray:
    vocab_size = check_int("vocab_size", vocab_size)
    if hasattr(ids, "detach"):
        ids = ids.detach().cpu().numpy()
    ids = np.asarray(ids)
    if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError(f"ids must be a 1-D integer array of character ids (N,); got shape {ids.shape}, dtype {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"ids must lie in [0, vocab_size={vocab_size}); got range [{ids.min()}, {ids.max()}]")
    return ids.astype(np.int64, copy=False)
