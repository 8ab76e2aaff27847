"""Exercise checks for notebook 04 (training an LSTM, forecasting against baselines).

Each check runs the learner's function on seeded series and compares with the tested reference in
:mod:`lessons_lib.data` and :mod:`lessons_lib.baselines`. Typical slips (MSE instead of RMSE, a
batch-first window, a target that overlaps the inputs, scaling statistics that include later data)
are recognised by computing them too. A wrong answer prints feedback and returns ``False``; only
misuse (something other than a function) raises.
"""
from __future__ import annotations

import numpy as np

from ..baselines import persistence, rmse
from ..data import make_windows
from ._feedback import array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_persistence_rmse", "check_make_windows", "check_scale_with_training_statistics"]


def _series(length: int, seed: int) -> np.ndarray:
    """A wavy random walk, so that neighbouring values are close but not equal."""
    rng = np.random.default_rng(seed)
    return 10 + np.cumsum(rng.standard_normal(length)) + 3 * np.sin(np.arange(length) / 2.0)


def check_persistence_rmse(function) -> bool:
    """Exercise: ``function(series (L,)) -> float``, the RMSE of forecasting y_{t+1} by y_t for t = 0..L−2."""
    name = "persistence_rmse"
    series = _series(40, seed=4)
    answer, error = call_safely(function, series.copy())
    if error:
        return report(name, error, "forecasts = series[:-1], targets = series[1:]; then the root of the mean "
                                   "squared difference.")
    X, Y = make_windows(series, 1, 1)
    expected = rmse(persistence(X), Y)
    if np.ndim(answer) != 0:
        return report(name, f"expected one number (a float); got an array of shape {np.shape(answer)}",
                      "average over all forecasts: np.sqrt(np.mean(errors ** 2)) is a single number.")
    problem = array_problem(answer, np.asarray(expected), "the RMSE")
    if problem is None:
        return report(name, None, success="That is the error any forecaster has to beat on this series.")
    differences = np.diff(series)
    slips = {
        "mse": (np.mean(differences ** 2), "that is the mean squared error; take its square root (RMSE)."),
        "mae": (np.mean(np.abs(differences)), "that is the mean absolute error; the RMSE squares the errors first."),
        "signed": (np.mean(differences), "the errors were averaged with their signs, so they cancel: square them."),
        "self": (0.0, "you compared each value with itself; the forecast of y[t+1] is y[t] (shift by one)."),
        "lag two": (np.sqrt(np.mean((series[2:] - series[:-2]) ** 2)),
                    "the shift is by two steps; persistence uses the value one step before."),
    }
    return report(name, problem, matching_slip(answer, slips)
                  or "errors = series[1:] - series[:-1]; rmse = np.sqrt(np.mean(errors ** 2)).")


def check_make_windows(function) -> bool:
    """Exercise: ``function(series (L,), lookback) -> (X (T, N, 1), Y (N, 1))``, time-major, N = L − T."""
    name = "make_windows"
    series, lookback = np.arange(11.0) * 1.5 + 2, 4
    answer, error = call_safely(function, series.copy(), lookback)
    if error:
        return report(name, error, "loop over n in range(len(series) - lookback): inputs series[n:n+lookback], "
                                   "target series[n+lookback].")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        return report(name, f"expected a pair (X, Y); got {type(answer).__name__}", "end with `return X, Y`.")
    X, Y = (np.asarray(a.detach().numpy() if hasattr(a, "detach") else a, dtype=float) for a in answer)
    X_ref, Y_ref = make_windows(series, lookback, 1)
    problem = array_problem(X, X_ref, "X", "(T, N, 1)")
    if problem:
        slips = {
            "batch first": (X_ref.transpose(1, 0, 2), "X is batch-first (N, T, 1); the collection is time-major: "
                                                      "X[:, n, 0] is window n, so X has shape (T, N, 1)."),
            "no feature axis": (X_ref[:, :, 0], "add the feature axis: X[..., None] has shape (T, N, 1)."),
            "one window short": (X_ref[:, :-1], "the last window is missing: there are len(series) - lookback "
                                                "windows, range(len(series) - lookback)."),
            "starts late": (X_ref[:, 1:], "the first window (starting at index 0) is missing."),
        }
        return report(name, problem, matching_slip(X, slips) or "X[:, n, 0] should equal series[n:n+lookback].")
    problem = array_problem(Y, Y_ref, "Y", "(N, 1)")
    if problem:
        slips = {
            "flat": (Y_ref[:, 0], "Y needs shape (N, 1), like the model's output; a (N,) target would broadcast "
                                  "against (N, 1) predictions to (N, N) inside the loss."),
            "overlap": (X_ref[-1], "each target is the last *input* of its window; it must be the value after it, "
                                   "series[n + lookback]."),
        }
        return report(name, problem, matching_slip(Y, slips) or "Y[n, 0] should equal series[n + lookback].")
    return report(name, None, success="It matches lessons_lib.data.make_windows(series, lookback, horizon=1).")


def check_scale_with_training_statistics(function) -> bool:
    """Exercise: ``function(train (n,), later (m,)) -> (train_z, later_z)``, both scaled with train's mean and std."""
    name = "scale_with_training_statistics"
    rng = np.random.default_rng(11)
    train, later = rng.normal(5.0, 2.0, 30), rng.normal(9.0, 4.0, 12)  # later data drift: a leak shows
    answer, error = call_safely(function, train.copy(), later.copy())
    if error:
        return report(name, error, "mean, std = train.mean(), train.std(); return (train - mean) / std, "
                                   "(later - mean) / std.")
    if not (isinstance(answer, (tuple, list)) and len(answer) == 2):
        return report(name, f"expected a pair (train_z, later_z); got {type(answer).__name__}",
                      "end with `return train_z, later_z`.")
    accepted = [((train - train.mean()) / train.std(ddof=ddof), (later - train.mean()) / train.std(ddof=ddof))
                for ddof in (0, 1)]  # either standard deviation is a fair choice
    if any(matching_slip(answer, {"ok": (reference, "")}) is not None for reference in accepted):
        return report(name, None, success="The later data never influenced the scaling: no leak.")
    both = np.concatenate([train, later])
    slips = {
        "leak": (((train - both.mean()) / both.std(), (later - both.mean()) / both.std()),
                 "the mean and std were computed over train *and* later data: that leaks the future into the "
                 "inputs. Compute them from train only."),
        "own statistics": (((train - train.mean()) / train.std(), (later - later.mean()) / later.std()),
                           "the later data were scaled with their own mean and std; use the training statistics "
                           "for both (at forecast time later data are unknown)."),
        "centred only": ((train - train.mean(), later - train.mean()), "divide by the training std as well."),
        "min-max": (((train - train.min()) / np.ptp(train), (later - train.min()) / np.ptp(train)),
                    "that is min-max scaling; standardise instead: (x - mean) / std."),
    }
    problems = [array_problem(answer[0], reference[0], "train_z", "(n,)") for reference in accepted]
    problem = "train_z is right but later_z is not" if None in problems else problems[0]
    return report(name, problem, matching_slip(answer, slips)
                  or "later_z = (later - train.mean()) / train.std(): the training statistics for both.")
