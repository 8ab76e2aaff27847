"""The two classic long-lag benchmarks, as seeded numpy generators: the adding and the copy problem.

Both are built so that a model *without memory* has a known best loss, the baseline a recurrent
network must beat to show that it remembers anything:

- adding problem (Hochreiter & Schmidhuber 1997, experiment 4; the variant of Arjovsky, Shah &
  Bengio 2016): predicting the constant 1.0 gives MSE = Var(a + b) = 2 · 1/12 = 1/6 ≈ 0.167.
- copy problem (Arjovsky, Shah & Bengio 2016): predicting blanks where the answer is certainly
  blank and a uniform guess over the 8 symbols at the 10 recall steps gives a cross-entropy of
  10 · ln 8 / (T + 20) per time step.

Shapes are time-major like the rest of ``lessons_lib``: ``(T, n, features)``.
"""
from __future__ import annotations

import math

import numpy as np

from ._validate import check_int

# Token ids of the copy task (inputs and targets share one vocabulary of 10 ids).
BLANK = 0                      #: the "nothing here" token
SYMBOLS = tuple(range(1, 9))   #: the 8 symbols to be copied: ids 1..8
DELIMITER = 9                  #: "now reproduce the symbols"
COPY_VOCAB_SIZE = 10           #: ids 0..9
COPY_LENGTH = 10               #: how many symbols are copied

ADDING_BASELINE_MSE = 1.0 / 6.0  #: MSE of always predicting 1.0 (= E[a + b]) on the adding problem


def adding_problem(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the adding problem of length ``T``.

    Each time step carries two features: a value ``u_t ~ U[0, 1]`` and a marker ``m_t ∈ {0, 1}``.
    Exactly one marker is 1 in the first half (t < T // 2) and exactly one in the second half
    (t >= T // 2); the target is the sum of the two marked values, ``y = Σ_t m_t u_t ∈ [0, 2]``.
    The model sees the whole sequence and answers once, at the end.

    Returns ``x`` of shape ``(T, n, 2)`` (``x[..., 0]`` values, ``x[..., 1]`` markers) and
    ``y`` of shape ``(n, 1)``, both float32. Same ``seed`` -> same data.
    Memoryless baseline: ``y_hat = 1.0`` has expected MSE ``1/6`` (:data:`ADDING_BASELINE_MSE`).
    """
    n = check_int("n (number of sequences)", n, 1)
    T = check_int("T (sequence length; one marker in each half needs T >= 2)", T, 2)
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    values = rng.random((T, n))                                   # u_t ~ U[0, 1], (T, n)
    half = T // 2
    first = rng.integers(0, half, size=n)                         # marked step in [0, T//2)
    second = rng.integers(half, T, size=n)                        # marked step in [T//2, T)
    markers = np.zeros((T, n))
    columns = np.arange(n)
    markers[first, columns] = 1.0
    markers[second, columns] = 1.0
    x = np.stack([values, markers], axis=-1).astype(np.float32)  # (T, n, 2)
    y = (values[first, columns] + values[second, columns])[:, None]  # y = u_first + u_second, (n, 1)
    return x, y.astype(np.float32)


def copy_task(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` sequences of the copy problem with delay ``T`` (Arjovsky, Shah & Bengio 2016).

    Input, length ``T + 20`` (token ids: 0 = blank, 1..8 = symbols, 9 = delimiter)::

        s1 .. s10   0 ... 0 (T - 1 blanks)   9   0 ... 0 (10 blanks)

    Target, same length: ``T + 10`` blanks, then ``s1 .. s10``. The model must hold 10 symbols
    for ``T`` steps and reproduce them after the delimiter. The loss is the cross-entropy per
    time step, averaged over all ``T + 20`` steps.

    Returns ``inputs`` and ``targets``, both int64 of shape ``(T + 20, n)``. Same ``seed`` ->
    same data. Memoryless baseline: :func:`copy_baseline_cross_entropy`.
    """
    n = check_int("n (number of sequences)", n, 1)
    T = check_int("T (delay between the symbols and the delimiter)", T, 1)
    seed = check_int("seed", seed, 0)
    rng = np.random.default_rng(seed)
    length = T + 2 * COPY_LENGTH
    symbols = rng.integers(SYMBOLS[0], SYMBOLS[-1] + 1, size=(COPY_LENGTH, n))  # (10, n), ids 1..8
    inputs = np.full((length, n), BLANK, dtype=np.int64)
    inputs[:COPY_LENGTH] = symbols
    inputs[T + COPY_LENGTH - 1] = DELIMITER                     # after the T - 1 blanks
    targets = np.full((length, n), BLANK, dtype=np.int64)
    targets[-COPY_LENGTH:] = symbols                              # the last 10 steps repeat s1..s10
    return inputs, targets


def copy_baseline_cross_entropy(T: int) -> float:
    """Cross-entropy per step of the best memoryless predictor on :func:`copy_task`: ``10 ln 8 / (T + 20)``.

    It knows the layout (blank for the first ``T + 10`` targets, loss 0) but not the symbols,
    so at each of the 10 recall steps it can do no better than a uniform guess over 8 symbols
    (loss ``ln 8``).
    """
    T = check_int("T (delay between the symbols and the delimiter)", T, 1)
    return COPY_LENGTH * math.log(len(SYMBOLS)) / (T + 2 * COPY_LENGTH)
