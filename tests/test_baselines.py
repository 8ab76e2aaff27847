"""The forecasting baselines' arithmetic, least squares, error measures and recursive forecasting."""
import numpy as np
import pytest

from lessons_lib.baselines import (LinearAR, mae, mean_forecast, persistence, recursive_forecast, rmse,
                                   seasonal_naive)
from lessons_lib.data import make_windows


def test_persistence_repeats_the_last_value():
    X, Y = make_windows(np.array([1.0, 4.0, 2.0, 8.0, 5.0]), 2, 1)
    np.testing.assert_array_equal(persistence(X), [[4.0], [2.0], [8.0]])
    np.testing.assert_array_equal(persistence(X[:, :, 0], horizon=3), [[4, 4, 4], [2, 2, 2], [8, 8, 8]])
    # one-step persistence RMSE = RMS of the first differences
    series = np.random.default_rng(0).standard_normal(50)
    X, Y = make_windows(series, 3, 1)
    assert rmse(persistence(X), Y) == pytest.approx(np.sqrt(np.mean(np.diff(series[2:]) ** 2)))


def test_seasonal_naive_is_exact_on_a_periodic_series_and_wraps():
    period = 4
    series = np.tile([1.0, 5.0, 2.0, 7.0], 6)
    X, Y = make_windows(series, 6, 9)
    forecast = seasonal_naive(X, period, horizon=9)
    np.testing.assert_array_equal(forecast, Y)  # horizon > period: seasons repeat
    X1, Y1 = make_windows(np.arange(10.0), 4, 1)
    np.testing.assert_array_equal(seasonal_naive(X1, 3), X1[1])  # ŷ_{t+1} = y_{t+1-3}
    np.testing.assert_array_equal(seasonal_naive(X1, 3)[:, 0], np.arange(1.0, 7.0))
    with pytest.raises(ValueError, match="at least period=11 values; got lookback T=4"):
        seasonal_naive(X1, 11)
    with pytest.raises(ValueError, match="period must be a positive integer"):
        seasonal_naive(X1, 0)


def test_mean_forecast():
    np.testing.assert_array_equal(mean_forecast([1.0, 2.0, 6.0], 2, 2), np.full((2, 2), 3.0))


def test_linear_ar_recovers_a_known_recurrence_exactly():
    """y_t = 0.6 y_{t−1} − 0.3 y_{t−2} + 2 + noise; least squares recovers a and c."""
    rng = np.random.default_rng(1)
    y = np.zeros(3000)
    for t in range(2, len(y)):
        y[t] = 0.6 * y[t - 1] - 0.3 * y[t - 2] + 2 + 0.1 * rng.standard_normal()
    X, Y = make_windows(y[100:], 5, 1)
    model = LinearAR.fit(X, Y, order=2)
    np.testing.assert_allclose(model.coefficients[:, 0], [-0.3, 0.6], atol=0.02)  # oldest first: a_2, a_1
    assert model.intercept[0] == pytest.approx(2.0, abs=0.05)
    assert rmse(model.predict(X), Y) == pytest.approx(0.1, rel=0.05)  # only the noise is left


def test_linear_ar_equals_the_normal_equations():
    rng = np.random.default_rng(2)
    X, Y = make_windows(rng.standard_normal(60), 4, 2)
    model = LinearAR.fit(X, Y, order=3, ridge=0.5)
    Z = np.column_stack([X[-3:, :, 0].T, np.ones(X.shape[1])])
    penalty = np.diag([0.5, 0.5, 0.5, 0.0])  # the intercept is not shrunk
    solution = np.linalg.solve(Z.T @ Z + penalty, Z.T @ Y)
    np.testing.assert_allclose(model.coefficients, solution[:3], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.intercept, solution[3], rtol=1e-9, atol=1e-12)
    assert model.predict(X).shape == (X.shape[1], 2)
    assert LinearAR.fit(X, Y[:, 0]).coefficients.shape == (4, 1)  # default order = lookback, (N,) targets


def test_linear_ar_bad_arguments():
    X, Y = make_windows(np.arange(20.0), 4, 1)
    with pytest.raises(ValueError, match=r"order must be an integer in 1..lookback=4; got 5"):
        LinearAR.fit(X, Y, order=5)
    for order in (0, -1, True, 2.0):
        with pytest.raises(ValueError, match=r"order must be a positive integer; got"):
            LinearAR.fit(X, Y, order=order)
    with pytest.raises(ValueError, match=r"Y must be \(N=16, horizon\)"):
        LinearAR.fit(X, Y[:5])
    with pytest.raises(ValueError, match="ridge must be >= 0"):
        LinearAR.fit(X, Y, ridge=-1)
    with pytest.raises(ValueError, match="2 windows cannot determine 5 coefficients"):
        LinearAR.fit(X[:, :2], Y[:2])
    with pytest.raises(ValueError, match="lookback 2 < order 4"):
        LinearAR.fit(X, Y).predict(X[:2])
    with pytest.raises(ValueError, match=r"time-major windows \(T, N, 1\) or \(T, N\)"):
        persistence(np.ones((2, 3, 2)))


def test_error_measures_by_hand():
    prediction, target = np.array([[1.0], [2.0], [4.0]]), np.array([[1.0], [4.0], [1.0]])
    assert rmse(prediction, target) == pytest.approx(np.sqrt((0 + 4 + 9) / 3))
    assert mae(prediction, target) == pytest.approx((0 + 2 + 3) / 3)
    with pytest.raises(ValueError, match=r"prediction shape \(3, 1\) differs from target shape \(3,\)"):
        rmse(prediction, target[:, 0])


def test_recursive_forecast_continues_a_noiseless_recurrence():
    """y_t = 0.5 y_{t−1} + 1: an AR(1) fitted on it forecasts any number of steps exactly."""
    y = np.zeros(40)
    for t in range(1, 40):
        y[t] = 0.5 * y[t - 1] + 1
    X, Y = make_windows(y[:30], 3, 1)
    model = LinearAR.fit(X, Y, order=1)
    forecast = recursive_forecast(model.predict, y[27:30, None, None], steps=10)
    assert forecast.shape == (1, 10)
    np.testing.assert_allclose(forecast[0], y[30:40], rtol=1e-9)
    np.testing.assert_array_equal(recursive_forecast(persistence, y[27:30, None], steps=4), np.full((1, 4), y[29]))
    with pytest.raises(ValueError, match=r"window must be \(T, N, 1\)"):
        recursive_forecast(persistence, np.ones((3, 2, 2)), 2)
