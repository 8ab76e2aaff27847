"""Sampling text from any character model, with temperature, top-k and a seed: one interface for all.

A model that can be sampled from has three methods (the LSTM of ``char_lm`` and the n-gram of
``ngram`` both do)::

    state  = model.start(prompt_ids)        read the prompt, ids (B, P)
    logits = model.next_logits(state)       scores of the next character, (B, V) numpy; softmax = q(w | text so far)
    state  = model.advance(state, ids)      append one character per row, ids (B,)

At each step the scores are turned into a distribution and one character is drawn::

    p = softmax(logits / τ)                 temperature τ (温度): τ < 1 sharpens, τ > 1 flattens, τ → 0 is argmax
    keep the k largest p, renormalise       top-k (k = None: keep all)
    w ~ p                                   with a numpy Generator seeded once: same seed, same text

τ = 0 is taken literally: the most likely character, always (greedy decoding).
"""
from __future__ import annotations

import numpy as np

from .._validate import check_int
from .vocabulary import Vocabulary


def temperature_probabilities(logits, temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """``softmax(logits / τ)`` over the last axis, restricted to the ``top_k`` largest and renormalised.

    ``logits (..., V)``; τ = 0 gives a one-hot distribution on the argmax (ties: the lowest id).
    """
    logits = np.asarray(logits, dtype=np.float64)
    if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) or not temperature >= 0:
        raise ValueError(f"temperature must be a number >= 0; got {temperature!r}")
    V = logits.shape[-1]
    if top_k is not None:
        top_k = check_int("top_k", top_k)
    if temperature == 0:
        probabilities = np.zeros_like(logits)
        np.put_along_axis(probabilities, logits.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return probabilities
    scaled = logits / temperature
    if top_k is not None and top_k < V:
        kth_largest = np.partition(scaled, V - top_k, axis=-1)[..., V - top_k, None]
        scaled = np.where(scaled >= kth_largest, scaled, -np.inf)   # ties at the k-th value are all kept
    scaled = scaled - scaled.max(axis=-1, keepdims=True)          # avoids overflow in exp; softmax is unchanged
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


def draw(probabilities: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One id per row of ``probabilities (B, V)`` by inverse transform: the first w with cumsum(p)[w] > u, u ~ U(0, 1)."""
    cumulative = np.cumsum(probabilities, axis=-1)
    u = rng.random(probabilities.shape[0]) * cumulative[:, -1]
    ids = (cumulative <= u[:, None]).sum(axis=-1)
    return np.minimum(ids, probabilities.shape[-1] - 1)


def sample_ids(model, prompt_ids, length: int, temperature: float = 1.0, top_k: int | None = None,
               seed: int = 0, stop_id: int | None = None) -> np.ndarray:
    """``length`` characters after each prompt: ``prompt_ids (B, P)`` -> ``(B, length)`` int64.

    ``stop_id``: once a row has produced it, that row keeps producing it (the caller cuts there),
    e.g. the newline that ends a poem.
    """
    length = check_int("length", length)
    rng = np.random.default_rng(seed)
    state = model.start(prompt_ids)
    out = np.empty((np.asarray(prompt_ids).shape[0], length), dtype=np.int64)
    finished = np.zeros(out.shape[0], dtype=bool)
    for t in range(length):
        ids = draw(temperature_probabilities(model.next_logits(state), temperature, top_k), rng)
        if stop_id is not None:
            ids = np.where(finished, stop_id, ids)
            finished |= ids == stop_id
        out[:, t] = ids
        if t + 1 < length:
            state = model.advance(state, ids)
    return out


def generate(model, vocabulary: Vocabulary, prompt: str, length: int = 300, temperature: float = 1.0,
             top_k: int | None = None, seed: int = 0) -> str:
    """The prompt followed by ``length`` sampled characters, as text."""
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty string (the model needs something to continue); got {prompt!r}")
    ids = sample_ids(model, vocabulary.encode(prompt)[None], length, temperature, top_k, seed)
    return prompt + vocabulary.decode(ids[0])
