"""Three names for one number: cross-entropy in nats per character, bits per character, perplexity.

For a model q scoring the N characters w₁ … w_N of a text (each given the ones before it)::

    H   = −(1/N) Σ_i ln q(w_i | w_<i)      nats per character (交叉熵, what torch's cross_entropy returns)
    bpc = H / ln 2                          bits per character (每字符比特)
    PPL = e^H = 2^bpc                       perplexity (困惑度): as unsure as a uniform choice among PPL characters

A model that knows nothing of English but its 65 characters scores ln 65 = 4.17 nats (6.02 bits,
perplexity 65). Shannon (1951) estimated that people predicting English text need about 1 bit per
character (with 27 symbols and long contexts).
"""
from __future__ import annotations

import math

import numpy as np


def _finite_number(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return float(value)


def bits_per_char(nats: float) -> float:
    """Nats per character -> bits per character: ``H / ln 2``."""
    return _finite_number("nats", nats) / math.log(2)


def perplexity(nats: float) -> float:
    """Nats per character -> perplexity ``e^H``."""
    return math.exp(_finite_number("nats", nats))


def cross_entropy_of(probabilities) -> float:
    """Mean −ln q over the probabilities a model gave to the characters that came, ``(N,)`` -> nats/char."""
    p = np.asarray(probabilities, dtype=np.float64)
    if p.ndim != 1 or p.size == 0 or np.any(~(p > 0)) or np.any(p > 1):
        raise ValueError(f"probabilities must be a non-empty 1-D array of values in (0, 1]; got shape {p.shape}"
                         + (f", range [{p.min()}, {p.max()}]" if p.size else ""))
    return float(-np.mean(np.log(p)))


def describe(nats: float) -> str:
    """E.g. ``'1.640 nats/char = 2.366 bits/char, perplexity 5.16'``."""
    return f"{nats:.3f} nats/char = {bits_per_char(nats):.3f} bits/char, perplexity {perplexity(nats):.2f}"
