"""The adding and copy problems: layout, arithmetic, the memoryless baselines measured on generated data."""
import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from lessons_lib.synthetic_tasks import (ADDING_BASELINE_MSE, BLANK, COPY_VOCAB_SIZE, DELIMITER, adding_problem,
                                         copy_baseline_cross_entropy, copy_task)


# --------------------------------------------------------------------------- adding problem
@pytest.mark.parametrize("T", [2, 3, 7, 100, 101])
def test_adding_shapes_dtypes_and_ranges(T):
    x, y = adding_problem(50, T, seed=1)
    assert x.shape == (T, 50, 2) and y.shape == (50, 1)
    assert x.dtype == np.float32 and y.dtype == np.float32
    values, markers = x[..., 0], x[..., 1]
    assert values.min() >= 0.0 and values.max() <= 1.0
    assert set(np.unique(markers)) <= {0.0, 1.0}


@pytest.mark.parametrize("T", [2, 3, 10, 99, 100])
def test_adding_exactly_one_marker_in_each_half(T):
    x, _ = adding_problem(500, T, seed=2)
    markers = x[..., 1]
    half = T // 2
    np.testing.assert_array_equal(markers[:half].sum(axis=0), 1.0)
    np.testing.assert_array_equal(markers[half:].sum(axis=0), 1.0)


def test_adding_markers_cover_every_position_of_each_half():
    """The marked steps are spread over each whole half, not stuck at one place."""
    T = 20
    x, _ = adding_problem(5000, T, seed=3)
    positions = np.argwhere(x[..., 1] == 1.0)[:, 0]
    assert set(positions) == set(range(T))


def test_adding_target_is_the_sum_of_the_two_marked_values():
    x, y = adding_problem(300, 37, seed=4)
    expected = (x[..., 0].astype(np.float64) * x[..., 1]).sum(axis=0)  # Σ_t u_t m_t, per sequence
    np.testing.assert_allclose(y[:, 0], expected, rtol=0, atol=1e-6)
    assert y.min() >= 0.0 and y.max() <= 2.0


def test_adding_baseline_mse_of_predicting_one_is_one_sixth():
    """Always predicting 1.0 = E[a + b] gives MSE = Var(a + b) = 2/12 ≈ 0.167, measured on generated data.

    (y − 1) has the triangular density on [−1, 1]: E[(y−1)²] = 1/6 and E[(y−1)⁴] = 1/15, so the
    per-sequence squared error has variance 1/15 − 1/36 = 7/180; with n = 20000 the standard error
    of the measured MSE is sqrt(7/180 / 20000) ≈ 0.0014. We allow 5 standard errors.
    """
    n = 20_000
    _, y = adding_problem(n, 100, seed=5)
    measured = float(np.mean((y.astype(np.float64) - 1.0) ** 2))
    assert ADDING_BASELINE_MSE == pytest.approx(1 / 6)
    assert abs(measured - 1 / 6) < 5 * math.sqrt(7 / 180 / n), measured
    # and 1.0 is the best constant: the mean target is 1 (within 5 standard errors of sqrt(1/6 / n))
    assert abs(float(y.mean()) - 1.0) < 5 * math.sqrt(1 / 6 / n)


def test_adding_is_deterministic_per_seed():
    a = adding_problem(20, 30, seed=7)
    b = adding_problem(20, 30, seed=7)
    c = adding_problem(20, 30, seed=8)
    for first, second in zip(a, b):
        np.testing.assert_array_equal(first, second)
    assert not np.array_equal(a[0], c[0])


# --------------------------------------------------------------------------- copy task
@pytest.mark.parametrize("T", [1, 2, 10, 100])
def test_copy_layout(T):
    inputs, targets = copy_task(64, T, seed=1)
    L = T + 20
    assert inputs.shape == targets.shape == (L, 64)
    assert inputs.dtype == targets.dtype == np.int64
    symbols = inputs[:10]
    assert symbols.min() >= 1 and symbols.max() <= 8                        # 10 symbols from 1..8
    np.testing.assert_array_equal(inputs[10:T + 9], BLANK)                  # T − 1 blanks
    np.testing.assert_array_equal(inputs[T + 9], DELIMITER)                 # the delimiter
    np.testing.assert_array_equal(inputs[T + 10:], BLANK)                   # 10 blanks while answering
    np.testing.assert_array_equal(targets[:T + 10], BLANK)                  # T + 10 blanks
    np.testing.assert_array_equal(targets[T + 10:], symbols)                # then s1..s10 again
    assert inputs.max() < COPY_VOCAB_SIZE and targets.max() < COPY_VOCAB_SIZE


def test_copy_symbols_are_uniform_over_eight():
    inputs, _ = copy_task(4000, 5, seed=2)
    counts = np.bincount(inputs[:10].ravel(), minlength=10)[1:9]  # 40000 draws over 8 symbols
    expected = 40_000 / 8
    assert np.all(np.abs(counts - expected) < 5 * math.sqrt(expected * 7 / 8)), counts


def _memoryless_log_probs(targets_fit: np.ndarray) -> torch.Tensor:
    """The best predictor that sees only the position t: log p_t(k), estimated by counting targets.

    Returns log-probabilities of shape (L, C). Unseen (position, token) pairs get a tiny probability.
    """
    L = targets_fit.shape[0]
    counts = np.stack([np.bincount(targets_fit[t], minlength=COPY_VOCAB_SIZE) for t in range(L)])  # (L, C)
    probs = (counts + 1e-9) / (counts + 1e-9).sum(axis=1, keepdims=True)
    return torch.log(torch.from_numpy(probs))


@pytest.mark.parametrize("T", [5, 30, 100])
def test_copy_baseline_measured_by_the_optimal_memoryless_predictor(T):
    """Fit the per-position target frequencies on one sample, score their cross-entropy on another.

    The result must match 10 · ln 8 / (T + 20): the only uncertainty left without memory is which of
    the 8 symbols comes at each of the 10 recall steps.
    """
    _, targets_fit = copy_task(20_000, T, seed=10)
    _, targets_test = copy_task(20_000, T, seed=11)
    log_probs = _memoryless_log_probs(targets_fit)                           # (L, C)
    L, n = targets_test.shape
    logits = log_probs[:, None, :].expand(L, n, COPY_VOCAB_SIZE)           # the same guess for every sequence
    measured = F.cross_entropy(logits.reshape(-1, COPY_VOCAB_SIZE), torch.from_numpy(targets_test).reshape(-1)).item()
    expected = 10 * math.log(8) / (T + 20)
    assert copy_baseline_cross_entropy(T) == pytest.approx(expected, rel=1e-12)
    # the estimated frequencies differ from 1/8 by ~1%: that costs about KL ≈ 8 · 0.01²/2 ≪ 1e-3 nats per recall step
    assert measured == pytest.approx(expected, rel=2e-3), (measured, expected)


def test_copy_baseline_exact_predictor_scores_exactly_the_formula():
    """Blank with probability 1 where the target must be blank, uniform over 1..8 at the recall steps."""
    T = 12
    _, targets = copy_task(500, T, seed=3)
    L = T + 20
    log_probs = torch.full((L, COPY_VOCAB_SIZE), -1e9, dtype=torch.float64)
    log_probs[:T + 10, BLANK] = 0.0                          # log 1
    log_probs[T + 10:, 1:9] = -math.log(8)                   # log 1/8
    logits = log_probs[:, None, :].expand(L, 500, COPY_VOCAB_SIZE)
    measured = F.cross_entropy(logits.reshape(-1, COPY_VOCAB_SIZE), torch.from_numpy(targets).reshape(-1)).item()
    assert measured == pytest.approx(copy_baseline_cross_entropy(T), rel=1e-12)


def test_copy_is_deterministic_per_seed():
    a = copy_task(10, 15, seed=4)
    b = copy_task(10, 15, seed=4)
    c = copy_task(10, 15, seed=5)
    for first, second in zip(a, b):
        np.testing.assert_array_equal(first, second)
    assert not np.array_equal(a[0], c[0])


# --------------------------------------------------------------------------- bad arguments
BAD_CALLS = [
    ("n = 0", adding_problem, (0, 10), r"n \(number of sequences\) must be a positive integer; got 0"),
    ("n float", adding_problem, (2.5, 10), r"n .*positive integer; got 2\.5 \(float\)"),
    ("n bool", adding_problem, (True, 10), r"n .*got True \(bool\)"),
    ("T = 1", adding_problem, (4, 1), r"T .*T >= 2.*got 1"),
    ("T string", adding_problem, (4, "100"), r"T .*got '100' \(str\)"),
    ("T float", adding_problem, (4, 100.0), r"T .*got 100\.0 \(float\)"),
    ("negative seed", adding_problem, (4, 10, -1), r"seed must be an integer >= 0; got -1"),
    ("seed None", adding_problem, (4, 10, None), r"seed must be an integer >= 0; got None"),
    ("copy n = 0", copy_task, (0, 10), r"n \(number of sequences\) must be a positive integer; got 0"),
    ("copy T = 0", copy_task, (4, 0), r"T \(delay.*positive integer; got 0"),
    ("copy T float", copy_task, (4, 1.5), r"T \(delay.*got 1\.5 \(float\)"),
    ("baseline T = 0", copy_baseline_cross_entropy, (0,), r"T \(delay.*positive integer; got 0"),
]


@pytest.mark.parametrize("case", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_arguments_raise_clear_value_errors(case):
    _, function, args, pattern = case
    with pytest.raises(ValueError, match=pattern):
        function(*args)


def test_numpy_integers_are_accepted():
    x, y = adding_problem(np.int64(3), np.int32(10), seed=np.int64(0))
    assert x.shape == (10, 3, 2) and y.shape == (3, 1)
