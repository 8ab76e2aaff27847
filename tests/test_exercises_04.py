"""The exercise checks of notebook 04: they accept the reference solutions, reject the typical slips with
the specific hint, print feedback instead of raising on any wrong answer, and raise only on misuse."""
import numpy as np
import pytest
import torch

from lessons_lib.exercises import forecasting
from exercise_asserts import assert_accepted, assert_rejected


def test_every_check_is_listed():
    assert forecasting.__all__
    for name in forecasting.__all__:
        assert name.startswith("check_") and callable(getattr(forecasting, name)), name


# ------------------------------------------------------------------ persistence_rmse
def persistence_rmse(series):
    return float(np.sqrt(np.mean((series[1:] - series[:-1]) ** 2)))


@pytest.mark.parametrize("answer, fragments", [
    (lambda s: np.mean((s[1:] - s[:-1]) ** 2), ["mean squared error; take its square root"]),
    (lambda s: np.mean(np.abs(s[1:] - s[:-1])), ["mean absolute error"]),
    (lambda s: np.mean(s[1:] - s[:-1]), ["with their signs"]),
    (lambda s: np.sqrt(np.mean((s - s) ** 2)), ["compared each value with itself"]),
    (lambda s: np.sqrt(np.mean((s[2:] - s[:-2]) ** 2)), ["shift is by two steps"]),
    (lambda s: np.abs(s[1:] - s[:-1]), ["expected one number", "shape (39,)"]),
    (lambda s: 3.0, ["wrong values", "Hint"]),
    (lambda s: 1 / 0, ["raised ZeroDivisionError"]),
    (lambda s: None, ["is None"]),
])
def test_persistence_rmse(capsys, answer, fragments):
    assert_accepted(capsys, forecasting.check_persistence_rmse, persistence_rmse)
    assert_rejected(capsys, forecasting.check_persistence_rmse, answer, *fragments)


# ------------------------------------------------------------------ make_windows
def windows(series, lookback):
    n = len(series) - lookback
    X = np.stack([series[i:i + lookback] for i in range(n)], axis=1)[:, :, None]
    Y = np.array([[series[i + lookback]] for i in range(n)])
    return X, Y


@pytest.mark.parametrize("answer, fragments", [
    (lambda s, T: (windows(s, T)[0].transpose(1, 0, 2), windows(s, T)[1]), ["batch-first", "time-major"]),
    (lambda s, T: (windows(s, T)[0][:, :, 0], windows(s, T)[1]), ["add the feature axis"]),
    (lambda s, T: (windows(s, T)[0][:, :-1], windows(s, T)[1][:-1]), ["last window is missing"]),
    (lambda s, T: (windows(s, T)[0][:, 1:], windows(s, T)[1][1:]), ["first window"]),
    (lambda s, T: (windows(s, T)[0], windows(s, T)[1][:, 0]), ["(N, 1)", "broadcast"]),
    (lambda s, T: (windows(s, T)[0], windows(s, T)[0][-1]), ["last *input*"]),
    (lambda s, T: windows(s, T)[0], ["expected a pair"]),
    (lambda s, T: s[T + 100], ["raised IndexError"]),
])
def test_make_windows(capsys, answer, fragments):
    assert_accepted(capsys, forecasting.check_make_windows, windows)
    assert_accepted(capsys, forecasting.check_make_windows,
                    lambda s, T: tuple(torch.tensor(a) for a in windows(s, T)))  # tensors are fine too
    assert_rejected(capsys, forecasting.check_make_windows, answer, *fragments)


# ------------------------------------------------------------------ scaling
def scale(train, later):
    mean, std = train.mean(), train.std()
    return (train - mean) / std, (later - mean) / std


def leaky(train, later):
    both = np.concatenate([train, later])
    return (train - both.mean()) / both.std(), (later - both.mean()) / both.std()


@pytest.mark.parametrize("answer, fragments", [
    (leaky, ["leaks the future", "train only"]),
    (lambda a, b: ((a - a.mean()) / a.std(), (b - b.mean()) / b.std()), ["their own mean and std"]),
    (lambda a, b: (a - a.mean(), b - a.mean()), ["divide by the training std"]),
    (lambda a, b: ((a - a.min()) / np.ptp(a), (b - a.min()) / np.ptp(a)), ["min-max"]),
    (lambda a, b: (scale(a, b)[0], b), ["train_z is right but later_z is not"]),
    (lambda a, b: scale(a, b)[0], ["expected a pair"]),
    (lambda a, b: undefined_name, ["raised NameError"]),  # noqa: F821
])
def test_scale_with_training_statistics(capsys, answer, fragments):
    assert_accepted(capsys, forecasting.check_scale_with_training_statistics, scale)
    assert_accepted(capsys, forecasting.check_scale_with_training_statistics,
                    lambda a, b: ((a - a.mean()) / a.std(ddof=1), (b - a.mean()) / a.std(ddof=1)))
    assert_rejected(capsys, forecasting.check_scale_with_training_statistics, answer, *fragments)


@pytest.mark.parametrize("check", [forecasting.check_persistence_rmse, forecasting.check_make_windows,
                                   forecasting.check_scale_with_training_statistics])
def test_misuse_raises(check):
    with pytest.raises(TypeError, match="takes your function itself"):
        check(np.ones(3))
