"""The exercise checks of notebook 05: they accept the reference solutions, reject the typical slips with
the specific hint, print feedback instead of raising on any wrong answer, and raise only on misuse."""
import math

import numpy as np
import pytest

from lessons_lib.exercises import long_range
from exercise_asserts import assert_accepted, assert_rejected, verdict


def test_every_check_is_listed():
    assert len(long_range.__all__) >= 3
    for name in long_range.__all__:
        assert name.startswith("check_") and callable(getattr(long_range, name)), name


@pytest.mark.parametrize("check", [getattr(long_range, n) for n in long_range.__all__])
def test_misuse_raises(check):
    with pytest.raises(TypeError, match="takes your function itself"):
        check(0.5)


# ------------------------------------------------------------------ adding_target
def adding_target(x):
    return (x[..., 0] * x[..., 1]).sum(axis=0)[:, None]


@pytest.mark.parametrize("answer, fragments", [
    (lambda x: (x[..., 0] * x[..., 1]).sum(axis=0), ["shape is (n,)"]),
    (lambda x: x[..., 0].sum(axis=0)[:, None], ["summed every value"]),
    (lambda x: (x[..., 0] * x[..., 1]).mean(axis=0)[:, None], ["divides by T"]),
    (lambda x: (x[..., 0] * x[..., 1]).sum(axis=1)[:, None], ["batch axis"]),
    (lambda x: x[..., 1].sum(axis=0)[:, None], ["adds the markers"]),
    (lambda x: np.zeros((6, 1)), ["wrong values"]),
    (lambda x: x[99], ["raised IndexError"]),
    (lambda x: None, ["is None"]),
])
def test_adding_target(capsys, answer, fragments):
    assert_accepted(capsys, long_range.check_adding_target, adding_target)
    assert_rejected(capsys, long_range.check_adding_target, answer, *fragments)


# ------------------------------------------------------------------ half_memory_predictor
def half_memory(x):
    T = x.shape[0]
    b = (x[T // 2:, :, 0] * x[T // 2:, :, 1]).sum(axis=0)
    return (b + 0.5)[:, None]


def test_half_memory_reports_the_measured_mse(capsys):
    result, out = verdict(capsys, long_range.check_half_memory_predictor, half_memory)
    assert result is True
    mse = float(out.split("MSE on these 4000 sequences is ")[1][:5])
    assert abs(mse - 1 / 12) < 0.01, out


@pytest.mark.parametrize("answer, fragments", [
    (lambda x: half_memory(x) - 0.5, ["E[a] = 0.5"]),
    (lambda x: (x[:6, :, 0] * x[:6, :, 1]).sum(axis=0)[:, None] + 0.5, ["remembers the first marked value"]),
    (lambda x: (x[..., 0] * x[..., 1]).sum(axis=0)[:, None], ["full answer"]),
    (lambda x: half_memory(x)[:, 0], ["shape is (n,)"]),
    (lambda x: np.ones((x.shape[1], 1)), ["wrong values"]),
])
def test_half_memory_predictor(capsys, answer, fragments):
    assert_accepted(capsys, long_range.check_half_memory_predictor, half_memory)
    assert_rejected(capsys, long_range.check_half_memory_predictor, answer, *fragments)


# ------------------------------------------------------------------ copy_baseline
@pytest.mark.parametrize("answer, fragments", [
    (lambda T: 10 * math.log(10) / (T + 20), ["not over all 10 token ids"]),
    (lambda T: 10 * math.log(9) / (T + 20), ["delimiter never appears"]),
    (lambda T: 10 * math.log(8) / T, ["T + 20 steps"]),
    (lambda T: 10 * math.log2(8) / (T + 20), ["natural log"]),
    (lambda T: math.log(8) / (T + 20), ["all 10 recall steps"]),
    (lambda T: math.log(8), ["average over all"]),
    (lambda T: np.full(3, 0.1), ["expected one number"]),
    (lambda T: 0.5, ["expected T=1", "Hint"]),
    (lambda T: 1 / (T - T), ["raised ZeroDivisionError"]),
])
def test_copy_baseline(capsys, answer, fragments):
    assert_accepted(capsys, long_range.check_copy_baseline, lambda T: 10 * math.log(8) / (T + 20))
    assert_rejected(capsys, long_range.check_copy_baseline, answer, *fragments)


# ------------------------------------------------------------------ steps_to_solve
def steps_to_solve(steps, val_loss, target):
    for step, value in zip(steps, val_loss):
        if value < target:
            return step
    return None


def _index_instead(steps, val_loss, target):
    return next((i for i, v in enumerate(val_loss) if v < target), None)


def _last_instead(steps, val_loss, target):
    below = [s for s, v in zip(steps, val_loss) if v < target]
    return below[-1] if below else None


def _minus_one(steps, val_loss, target):
    result = steps_to_solve(steps, val_loss, target)
    return -1 if result is None else result


def _less_equal(steps, val_loss, target):
    return next((s for s, v in zip(steps, val_loss) if v <= target), None)


@pytest.mark.parametrize("answer, fragments", [
    (_index_instead, ["position in the list"]),
    (_last_instead, ["last step below"]),
    (_minus_one, ["return None"]),
    (_less_equal, ["strict"]),
    (lambda s, v, t: s[-1], ["expected 200"]),
    (lambda s, v, t: {}[0], ["raised KeyError"]),
])
def test_steps_to_solve(capsys, answer, fragments):
    assert_accepted(capsys, long_range.check_steps_to_solve, steps_to_solve)
    assert_rejected(capsys, long_range.check_steps_to_solve, answer, *fragments)
