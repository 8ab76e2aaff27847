"""Reading a labelling out of CTC outputs: greedy (best path) decoding and prefix beam search.

Greedy: take the most probable class at every frame, then collapse. It finds the most probable
*path*, which need not collapse to the most probable *labelling*: p(l|x) sums over many paths.

Prefix beam search (Hannun 2017, "Sequence Modeling with CTC", after Graves & Jaitly 2014) keeps the
``beam_width`` best prefixes, each with two log-probabilities: of the paths so far that collapse to
the prefix and end in a blank (p_b) or in its last label (p_nb). At frame t, for every kept prefix ℓ:

    blank:                 p_b(ℓ)      ⊕= (p_b(ℓ) ⊕ p_nb(ℓ)) + log y_t(_)
    c = last label of ℓ:   p_nb(ℓ)     ⊕= p_nb(ℓ) + log y_t(c)           (the run continues: still ℓ)
                           p_nb(ℓ + c) ⊕= p_b(ℓ) + log y_t(c)            (a blank separated them: a new c)
    any other c:           p_nb(ℓ + c) ⊕= (p_b(ℓ) ⊕ p_nb(ℓ)) + log y_t(c)

With an unlimited beam the final p_b ⊕ p_nb of every prefix is exactly log p(ℓ | x).
Shapes: ``log_probs (T, C)`` for one utterance.
"""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from .._validate import as_float_array, check_int, check_ndim
from .ctc import BLANK, collapse


def _check_log_probs(log_probs) -> np.ndarray:
    if hasattr(log_probs, "detach"):
        log_probs = log_probs.detach().cpu().numpy()
    log_probs = as_float_array("log_probs", log_probs)
    check_ndim("log_probs", log_probs, 2, "(T, C)")
    return log_probs


def best_path(log_probs) -> np.ndarray:
    """The most probable class at each frame, ``(T,)`` int64."""
    return np.argmax(_check_log_probs(log_probs), axis=1)


def greedy_decode(log_probs, blank: int = BLANK) -> list[int]:
    """Best path, collapsed: ``log_probs (T, C)`` → labels (class ids, no blanks)."""
    return collapse(best_path(log_probs), blank)


def greedy_spikes(log_probs, blank: int = BLANK) -> list[tuple[int, int]]:
    """Where greedy decoding emits each label: ``[(label, first frame of its run), …]``."""
    path = best_path(log_probs)
    return [(int(k), t) for t, k in enumerate(path) if k != blank and (t == 0 or path[t - 1] != k)]


def _log_add(a: float, b: float) -> float:
    """log(e^a + e^b) on python floats (np.logaddexp is slow on scalars)."""
    if a < b:
        a, b = b, a
    return a if b == -math.inf else a + math.log1p(math.exp(b - a))


def prefix_beam_search(log_probs, beam_width: int = 8, blank: int = BLANK) -> list[tuple[tuple[int, ...], float]]:
    """The ``beam_width`` best labellings with their log-probabilities, best first: ``[(labels, log p), …]``."""
    log_probs = _check_log_probs(log_probs)
    check_int("beam_width", beam_width)
    beam = {(): (0.0, -math.inf)}                                     # prefix -> (log p_b, log p_nb)
    for frame in log_probs.tolist():
        grown = defaultdict(lambda: [-math.inf, -math.inf])
        for prefix, (p_b, p_nb) in beam.items():
            p_total = _log_add(p_b, p_nb)
            for c, log_y in enumerate(frame):
                if c == blank:
                    grown[prefix][0] = _log_add(grown[prefix][0], p_total + log_y)
                elif prefix and c == prefix[-1]:
                    grown[prefix][1] = _log_add(grown[prefix][1], p_nb + log_y)
                    grown[prefix + (c,)][1] = _log_add(grown[prefix + (c,)][1], p_b + log_y)
                else:
                    grown[prefix + (c,)][1] = _log_add(grown[prefix + (c,)][1], p_total + log_y)
        totals = [(prefix, _log_add(*p)) for prefix, p in grown.items()]
        kept = sorted((item for item in totals if item[1] > -math.inf), key=lambda item: -item[1])[:beam_width]
        beam = {prefix: tuple(grown[prefix]) for prefix, _ in kept}   # p_b(ℓ) = 0 paths (−∞) are dropped
    return sorted(((prefix, _log_add(*p)) for prefix, p in beam.items()), key=lambda item: -item[1])


def beam_decode(log_probs, beam_width: int = 8, blank: int = BLANK) -> list[int]:
    """The best labelling found by :func:`prefix_beam_search`."""
    return list(prefix_beam_search(log_probs, beam_width, blank)[0][0])
