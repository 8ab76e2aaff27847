"""Forecasting baselines that every model must beat, plus the error measures and recursive forecasting.

All work on time-major windows from :func:`lessons_lib.data.make_windows`: ``X (T, N, 1)`` or
``(T, N)``, the inputs oldest first; forecasts are ``(N, horizon)``, like the targets ``Y``.

- persistence       ŷ_{t+k} = y_t                              (tomorrow looks like today)
- seasonal naive    ŷ_{t+k} = y_{t+k−m·⌈k/m⌉}                   (same time last season, period m)
- linear AR(p)      ŷ_{t+1} = c + Σ_{j=1..p} a_j y_{t+1−j}      fitted by least squares
- training mean     ŷ = mean of the training targets
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from ._validate import check_int


def _windows(X) -> np.ndarray:
    """``X (T, N, 1)`` or ``(T, N)`` -> float array ``(T, N)``."""
    X = np.asarray(X, dtype=float)
    if X.ndim == 3 and X.shape[2] == 1:
        X = X[:, :, 0]
    if X.ndim != 2:
        raise ValueError(f"X must be time-major windows (T, N, 1) or (T, N); got shape {X.shape}")
    return X


def persistence(X, horizon: int = 1) -> np.ndarray:
    """ŷ_{t+k} = y_t for k = 1..horizon: repeat each window's last value. Returns ``(N, horizon)``."""
    X = _windows(X)
    return np.repeat(X[-1][:, None], check_int("horizon", horizon), axis=1)


def seasonal_naive(X, period: int, horizon: int = 1) -> np.ndarray:
    """ŷ_{t+k} = the value one season before (``period`` samples earlier, repeated beyond a season).

    Needs ``lookback >= period``. Returns ``(N, horizon)``.
    """
    X = _windows(X)
    horizon = check_int("horizon", horizon)
    period = check_int("period", period)
    T = X.shape[0]
    if T < period:
        raise ValueError(f"seasonal_naive needs windows of at least period={period} values; got lookback T={T}")
    # forecast k (1-based) copies the window value at T − period + ((k − 1) mod period)
    rows = [T - period + (k - 1) % period for k in range(1, horizon + 1)]
    return X[rows].T.copy()


def mean_forecast(train_targets, n: int, horizon: int = 1) -> np.ndarray:
    """ŷ = the mean of the training targets, for ``n`` windows: ``(n, horizon)``."""
    return np.full((n, check_int("horizon", horizon)), float(np.mean(train_targets)))


@dataclass
class LinearAR:
    """ŷ = c + Σ_{j=1..p} a_j y_{t+1−j}: a linear autoregression of order ``p`` on the last ``p`` inputs.

    ``coefficients (p,)`` multiply the inputs oldest first (``a_p … a_1``); ``intercept`` is c.
    For ``horizon > 1`` targets, each output column gets its own coefficients (a "direct" model):
    ``coefficients (p, horizon)``, ``intercept (horizon,)``.
    """

    order: int
    coefficients: np.ndarray
    intercept: np.ndarray

    @classmethod
    def fit(cls, X, Y, order: int | None = None, ridge: float = 0.0) -> "LinearAR":
        """Least squares: minimise ‖[Z 1] [a; c] − Y‖² + ridge·‖a‖², Z = the last ``order`` inputs ``(N, p)``."""
        X = _windows(X)
        Y = np.asarray(Y, dtype=float)
        if Y.ndim == 1:
            Y = Y[:, None]
        if Y.ndim != 2 or Y.shape[0] != X.shape[1]:
            raise ValueError(f"Y must be (N={X.shape[1]}, horizon); got shape {Y.shape}")
        order = X.shape[0] if order is None else check_int("order", order)
        if order > X.shape[0]:
            raise ValueError(f"order must be an integer in 1..lookback={X.shape[0]}; got {order!r}")
        if ridge < 0:
            raise ValueError(f"ridge must be >= 0; got {ridge}")
        Z = np.column_stack([X[-order:].T, np.ones(X.shape[1])])            # (N, p + 1)
        if Z.shape[0] < Z.shape[1] and ridge == 0:
            raise ValueError(f"{Z.shape[0]} windows cannot determine {Z.shape[1]} coefficients: "
                             "use a smaller order or ridge > 0")
        penalty = np.sqrt(ridge) * np.eye(order + 1)[:order]                 # ridge on a, not on c
        solution, *_ = np.linalg.lstsq(np.vstack([Z, penalty]),
                                       np.vstack([Y, np.zeros((order, Y.shape[1]))]), rcond=None)
        return cls(int(order), solution[:-1], solution[-1])

    def predict(self, X) -> np.ndarray:
        """ŷ = Z a + c for windows ``X (T >= order, N, 1)``; returns ``(N, horizon)``."""
        X = _windows(X)
        if X.shape[0] < self.order:
            raise ValueError(f"windows have lookback {X.shape[0]} < order {self.order}")
        return X[-self.order:].T @ self.coefficients + self.intercept


def rmse(prediction, target) -> float:
    """Root mean squared error sqrt(mean((ŷ − y)²)); shapes must agree."""
    prediction, target = _same_shape(prediction, target)
    return float(np.sqrt(np.mean((prediction - target) ** 2)))


def mae(prediction, target) -> float:
    """Mean absolute error mean(|ŷ − y|); shapes must agree."""
    prediction, target = _same_shape(prediction, target)
    return float(np.mean(np.abs(prediction - target)))


def _same_shape(prediction, target):
    prediction, target = np.asarray(prediction, dtype=float), np.asarray(target, dtype=float)
    if prediction.shape != target.shape:  # (N, 1) against (N,) would broadcast to (N, N) and mean nothing
        raise ValueError(f"prediction shape {prediction.shape} differs from target shape {target.shape}")
    return prediction, target


def recursive_forecast(predict_one_step: Callable[[np.ndarray], np.ndarray], window, steps: int) -> np.ndarray:
    """Forecast ``steps`` values ahead by feeding each one-step forecast back in as the newest input.

    ``predict_one_step`` maps windows ``(T, N, 1)`` to ``(N, 1)`` (or ``(N,)``); ``window (T, N, 1)``
    holds the last ``T`` observed values. Returns ``(N, steps)``. Errors compound: forecast k rests
    on k − 1 earlier forecasts, not on data.
    """
    window = np.asarray(window, dtype=float)
    if window.ndim == 2:
        window = window[:, :, None]
    if window.ndim != 3 or window.shape[2] != 1:
        raise ValueError(f"window must be (T, N, 1); got shape {window.shape}")
    steps = check_int("steps", steps)
    forecasts = []
    for _ in range(steps):
        next_value = np.asarray(predict_one_step(window), dtype=float).reshape(window.shape[1])
        forecasts.append(next_value)
        window = np.concatenate([window[1:], next_value[None, :, None]], axis=0)
    return np.stack(forecasts, axis=1)
