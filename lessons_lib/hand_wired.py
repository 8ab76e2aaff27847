"""A one-unit LSTM wired by hand so that its gates read as *write*, *keep* and *read* (notebook 03).

Inputs have three features ``[value, write, read]``: ``write`` and ``read`` are 0/1 flags, ``value``
is any number in about [−2, 2] and is present at every step (the steps without a write flag are
distractors). With a sharpness k (e.g. 20) the weights are, for the single unit::

    input gate   i = σ(k·write − k/2)      opens (≈1) only when write = 1          "write"
    forget gate  f = σ(k/2 − k·write)      ≈1 (keep) unless a write clears the cell  "keep"
    candidate    g = tanh(value)           what would be written
    output gate  o = σ(k·read − k/2)       opens only when read = 1                "read"

    c_t = f ⊙ c_{t−1} + i ⊙ g              c stores tanh(value) at a write, keeps it otherwise
    h_t = o ⊙ tanh(c_t)                    ≈ tanh(tanh(value)) at a read, ≈ 0 otherwise

All recurrent weights ``W_hh`` are zero: the gates look only at the flags, so every number in the
weights can be read off. A closed gate is σ(−k/2) (4.5e−5 for k = 20), not exactly 0: the cell
leaks that much per step, which :func:`decode` makes visible as a small error.
"""
from __future__ import annotations

import numpy as np

from .lstm import GATE_ORDER, LSTMParams

FEATURES = ("value", "write", "read")
"""Order of the three input features."""


def write_keep_read_lstm(sharpness: float = 20.0) -> LSTMParams:
    """The hand-wired LSTM: ``I = 3`` (value, write, read), ``H = 1``; ``W_hh = 0``; see the module docstring."""
    if not sharpness > 0:
        raise ValueError(f"sharpness must be a positive number; got {sharpness!r}")
    k = float(sharpness)
    W_ih = np.zeros((4, 3))   # rows: input, forget, candidate, output; columns: value, write, read
    b = np.zeros(4)
    row = {name: GATE_ORDER.index(name) for name in GATE_ORDER}
    W_ih[row["input"], 1], b[row["input"]] = k, -k / 2          # i = σ(k·write − k/2)
    W_ih[row["forget"], 1], b[row["forget"]] = -k, k / 2        # f = σ(k/2 − k·write)
    W_ih[row["candidate"], 0] = 1.0                             # g = tanh(value)
    W_ih[row["output"], 2], b[row["output"]] = k, -k / 2        # o = σ(k·read − k/2)
    return LSTMParams(W_ih=W_ih, W_hh=np.zeros((4, 1)), b=b)


def store_and_recall_inputs(values, steps: int = 30, write_at: int = 3, read_at: int = 25,
                            seed: int = 0, distractor_scale: float = 1.0) -> np.ndarray:
    """Input sequences ``(T=steps, B=len(values), 3)`` for the write/keep/read task.

    Sequence b has ``value = values[b]`` and ``write = 1`` at step ``write_at``, ``read = 1`` at step
    ``read_at``; at every other step ``value`` is a distractor drawn from N(0, distractor_scale²)
    (seeded) with both flags 0.
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"values must be a non-empty 1-D array (one value per sequence); got shape {values.shape}")
    if not 0 <= write_at < read_at < steps:
        raise ValueError(f"need 0 <= write_at < read_at < steps; got write_at={write_at}, "
                         f"read_at={read_at}, steps={steps}")
    rng = np.random.default_rng(seed)
    xs = np.zeros((steps, values.size, 3))
    xs[:, :, 0] = distractor_scale * rng.standard_normal((steps, values.size))
    xs[write_at, :, 0], xs[write_at, :, 1] = values, 1.0
    xs[read_at, :, 1:] = (0.0, 1.0)
    return xs


def decode(h_read) -> np.ndarray:
    """The stored value recovered from h at the read step: value = atanh(atanh(h)) (both squashings undone)."""
    return np.arctanh(np.arctanh(np.asarray(h_read, dtype=np.float64)))
