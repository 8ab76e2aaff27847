"""The real-series loaders, sliding windows, the chronological split and the scaler."""
import csv
from pathlib import Path

import numpy as np
import pytest

from lessons_lib.data import Standardizer, fill_linear, load_co2, load_sunspots, make_windows, split_by_target

DATA = Path(__file__).resolve().parents[1] / "data"


def test_sunspots():
    s = load_sunspots()
    assert len(s) == 309 and s.time[0] == 1700 and s.time[-1] == 2008
    assert np.all(np.diff(s.time) == 1)
    assert s.values.dtype == np.float64 and s.n_missing == 0 and s.period == 11
    np.testing.assert_array_equal(s.values[:4], [5, 11, 16, 23])
    assert s.values[-1] == pytest.approx(2.9) and s.values.min() >= 0


def test_co2_keeps_missing_weeks_visible():
    c = load_co2()
    assert len(c) == 2284 and c.n_missing == 59 and c.filled is None and c.period == 52
    assert str(c.time[0]) == "1958-03-29" and str(c.time[-1]) == "2001-12-29"
    assert np.all(np.diff(c.time) == np.timedelta64(7, "D"))
    assert np.isnan(c.values).sum() == 59
    np.testing.assert_array_equal(np.isnan(c.values), c.missing)
    with open(DATA / "co2_mauna_loa_weekly.csv") as handle:  # independent read of the file
        rows = list(csv.DictReader(handle))
    assert [i for i, r in enumerate(rows) if not r["co2"]] == list(np.flatnonzero(c.missing))
    assert c.values[0] == pytest.approx(316.1)


def test_co2_linear_fill():
    raw, filled = load_co2(), load_co2(fill="linear")
    assert filled.filled == "linear" and filled.n_missing == 59 and not np.isnan(filled.values).any()
    observed = ~raw.missing
    np.testing.assert_array_equal(filled.values[observed], raw.values[observed])
    # a gap of several weeks: values on the straight line between the neighbours
    gap = [i for i in range(9, 14)]
    assert raw.missing[gap].all() and not raw.missing[8] and not raw.missing[14]
    left, right = raw.values[8], raw.values[14]
    np.testing.assert_allclose(filled.values[gap], left + (right - left) * (np.arange(9, 14) - 8) / 6)
    with pytest.raises(ValueError, match="fill must be None .* or 'linear'; got 'spline'"):
        load_co2(fill="spline")


def test_fill_linear_holds_the_ends():
    from lessons_lib.data import TimeSeries
    values = np.array([np.nan, 1.0, np.nan, 3.0, np.nan])
    series = TimeSeries("t", "u", np.arange(5), values, np.isnan(values))
    np.testing.assert_array_equal(fill_linear(series).values, [1, 1, 2, 3, 3])
    assert np.isnan(series.values[0])  # the original is unchanged
    empty = TimeSeries("t", "u", np.arange(2), np.full(2, np.nan), np.ones(2, bool))
    with pytest.raises(ValueError, match="every value is missing"):
        fill_linear(empty)


@pytest.mark.parametrize("L, lookback, horizon", [(10, 3, 1), (10, 3, 2), (5, 4, 1), (7, 1, 1), (12, 5, 4)])
def test_make_windows_against_a_loop(L, lookback, horizon):
    series = np.random.default_rng(L).standard_normal(L)
    X, Y, start = make_windows(series, lookback, horizon, return_index=True)
    N = L - lookback - horizon + 1
    assert X.shape == (lookback, N, 1) and Y.shape == (N, horizon) and start.shape == (N,)
    for n in range(N):
        np.testing.assert_array_equal(X[:, n, 0], series[n:n + lookback])
        np.testing.assert_array_equal(Y[n], series[n + lookback:n + lookback + horizon])
        assert start[n] == n + lookback
    X[0, 0, 0] = 99.0  # a copy, not a view of the series
    assert series[0] != 99.0


def test_make_windows_edge_cases():
    X, Y = make_windows([1, 2, 3], 2, 1)  # exactly one window; ints become floats
    assert X.shape == (2, 1, 1) and Y.tolist() == [[3.0]] and X.dtype == np.float64
    assert make_windows(np.arange(4, dtype=np.float32), 2)[0].dtype == np.float32


@pytest.mark.parametrize("args, pattern", [
    ((np.arange(5.0), 5, 1), r"too short for lookback=5 \+ horizon=1: it needs at least 6 values"),
    ((np.arange(5.0), 0, 1), "lookback must be a positive integer; got 0"),
    ((np.arange(5.0), 2, 0), "horizon must be a positive integer; got 0"),
    ((np.arange(5.0), 2.0, 1), "lookback must be a positive integer; got 2.0"),
    ((np.arange(5.0), True, 1), "lookback must be a positive integer; got True"),
    ((np.ones((5, 1)), 2, 1), r"series must be 1-D \(L,\); got shape \(5, 1\)"),
    ((np.array([1.0, np.nan, 3.0, 4.0]), 2, 1), "1 NaN values; fill them first"),
    ((np.array(["a", "b", "c"]), 1, 1), "series must hold real numbers"),
])
def test_make_windows_bad_arguments(args, pattern):
    with pytest.raises(ValueError, match=pattern):
        make_windows(*args)


def test_split_by_target():
    _, _, start = make_windows(np.arange(20.0), 3, 1, return_index=True)  # targets at 3..19
    train, val, test = split_by_target(start, 1, (10, 15))
    assert (train.astype(int) + val + test == 1).all()  # horizon 1: every window in exactly one part
    assert start[train].max() == 9 and start[val].min() == 10 and start[val].max() == 14 and start[test].min() == 15
    _, _, start = make_windows(np.arange(20.0), 3, 3, return_index=True)  # targets t..t+2
    train, val, test = split_by_target(start, 3, (10, 15))
    assert (start[train] + 2).max() == 9 and start[val].min() == 10 and (start[val] + 2).max() == 14
    assert start[test].min() == 15 and (~(train | val | test)).sum() == 4  # 4 windows straddle a boundary
    with pytest.raises(ValueError, match="0 < val_start < test_start"):
        split_by_target(start, 1, (10, 5))


def test_standardizer():
    train = np.array([1.0, 2.0, 3.0, 4.0])
    scaler = Standardizer.fit(train)
    assert scaler.mean == 2.5 and scaler.std == pytest.approx(np.std(train))
    z = scaler.transform(np.array([2.5, 10.0]))
    assert z[0] == 0 and z[1] == pytest.approx(7.5 / np.std(train))
    np.testing.assert_allclose(scaler.inverse(scaler.transform(train)), train)
    with pytest.raises(ValueError, match="constant"):
        Standardizer.fit([3.0, 3.0])
    with pytest.raises(ValueError, match="at least 2 values and no NaN"):
        Standardizer.fit([1.0, np.nan])
