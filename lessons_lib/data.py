"""Real series from ``data/`` (sunspots, Mauna Loa CO2), sliding windows, and scaling fitted on training data.

Windows are time-major, like every sequence in the collection::

    make_windows(series, lookback, horizon) -> X (lookback, N, 1), Y (N, horizon)
    X[:, n, 0] = series[n : n + lookback]                      the inputs, oldest first
    Y[n]       = series[n + lookback : n + lookback + horizon]  the values that follow
    N = len(series) - lookback - horizon + 1

(The synthetic tasks of notebook 05 live in :mod:`lessons_lib.synthetic_tasks`.)
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._validate import check_int

DATA = Path(__file__).resolve().parents[1] / "data"


@dataclass
class TimeSeries:
    """A regularly sampled series: ``time (L,)``, ``values (L,)`` float64, ``missing (L,)`` bool.

    ``missing[t]`` is True where the file had no value; those ``values`` are NaN unless the series
    was filled (``filled`` names how). ``period`` is the seasonal period in samples (None if none).
    """

    name: str
    unit: str
    time: np.ndarray
    values: np.ndarray
    missing: np.ndarray
    period: int | None = None
    filled: str | None = None

    @property
    def n_missing(self) -> int:
        """How many samples the file did not have."""
        return int(self.missing.sum())

    def __len__(self) -> int:
        return len(self.values)


def _read_csv(name: str) -> list[dict]:
    with open(DATA / name, newline="") as handle:
        return list(csv.DictReader(handle))


def load_sunspots() -> TimeSeries:
    """Yearly mean sunspot number, 1700–2008 (309 years, none missing). ``time`` holds the years (int).

    The cycle is about 11 years long (between roughly 9 and 14), so ``period=11``.
    """
    rows = _read_csv("sunspots_yearly.csv")
    years = np.array([int(float(r["YEAR"])) for r in rows])
    values = np.array([float(r["SUNACTIVITY"]) for r in rows])
    return TimeSeries("yearly sunspot number", "sunspot number", years, values, np.zeros(len(values), bool),
                      period=11)


def load_co2(fill: str | None = None) -> TimeSeries:
    """Weekly CO2 at Mauna Loa (ppm), 1958-03-29 to 2001-12-29: 2,284 weeks, 59 of them missing.

    ``time`` holds ``datetime64[D]`` dates, one every 7 days. With ``fill=None`` the missing weeks
    are NaN in ``values`` (``missing`` marks them); ``fill="linear"`` replaces each by linear
    interpolation between its nearest observed neighbours (``missing`` still marks them).
    ``period=52`` weeks (a year is 52.18 weeks).
    """
    if fill not in (None, "linear"):
        raise ValueError(f"fill must be None (keep NaN) or 'linear'; got {fill!r}")
    rows = _read_csv("co2_mauna_loa_weekly.csv")
    dates = np.array([np.datetime64(f"{r['date'][:4]}-{r['date'][4:6]}-{r['date'][6:8]}") for r in rows])
    values = np.array([float(r["co2"]) if r["co2"].strip() else np.nan for r in rows])
    missing = np.isnan(values)
    series = TimeSeries("weekly CO2 at Mauna Loa", "ppm", dates, values, missing, period=52)
    return fill_linear(series) if fill == "linear" else series


def fill_linear(series: TimeSeries) -> TimeSeries:
    """A copy of ``series`` whose missing values are linearly interpolated in time (ends held constant)."""
    if series.missing.all():
        raise ValueError(f"{series.name}: every value is missing, nothing to interpolate from")
    position = np.arange(len(series), dtype=float)
    values = series.values.copy()
    observed = ~series.missing
    values[series.missing] = np.interp(position[series.missing], position[observed], values[observed])
    return TimeSeries(series.name, series.unit, series.time, values, series.missing.copy(), series.period, "linear")


def make_windows(series, lookback: int, horizon: int = 1, return_index: bool = False):
    """Cut a 1-D series into overlapping (input, target) windows, time-major.

    Args:
        series: 1-D array-like of floats (length ``L``), no NaN (fill missing values first).
        lookback: ``T``, the number of past values each input holds.
        horizon: how many following values each target holds.
        return_index: also return ``target_start (N,)``: the index in ``series`` of each window's
            first target value (use it to split windows chronologically).

    Returns:
        ``X (T=lookback, N, 1)`` and ``Y (N, horizon)`` with ``N = L - lookback - horizon + 1``;
        ``X[:, n, 0] = series[n : n+T]`` and ``Y[n] = series[n+T : n+T+horizon]``. Copies, not views.
    """
    values = np.asarray(series)
    if values.ndim != 1:
        raise ValueError(f"series must be 1-D (L,); got shape {values.shape}")
    if not np.issubdtype(values.dtype, np.number) or np.issubdtype(values.dtype, np.complexfloating):
        raise ValueError(f"series must hold real numbers; got dtype {values.dtype}")
    if not np.issubdtype(values.dtype, np.floating):
        values = values.astype(np.float64)
    if np.isnan(values).any():
        raise ValueError(f"series contains {int(np.isnan(values).sum())} NaN values; fill them first "
                         "(e.g. load_co2(fill='linear'))")
    lookback, horizon = check_int("lookback", lookback), check_int("horizon", horizon)
    n = len(values) - lookback - horizon + 1
    if n < 1:
        raise ValueError(f"series of length {len(values)} is too short for lookback={lookback} + "
                         f"horizon={horizon}: it needs at least {lookback + horizon} values")
    windows = np.lib.stride_tricks.sliding_window_view(values, lookback + horizon)  # (N, T + horizon)
    X = windows[:, :lookback].T.copy()[:, :, None]                                  # (T, N, 1)
    Y = windows[:, lookback:].copy()                                                # (N, horizon)
    if return_index:
        return X, Y, np.arange(n) + lookback
    return X, Y


def split_by_target(target_start: np.ndarray, horizon: int, boundaries: tuple[int, int]) -> tuple:
    """Chronological split of windows by where their targets lie: boolean masks ``(train, val, test)``.

    ``boundaries = (val_start, test_start)`` are indices into the series. A window is *train* if
    all its targets are before ``val_start``, *val* if they all lie in ``[val_start, test_start)``,
    *test* if they all lie at or after ``test_start``; windows whose targets straddle a boundary
    belong to none. Inputs may reach back into an earlier part: that is past data, known at
    forecast time, so it leaks nothing.
    """
    val_start, test_start = boundaries
    if not 0 < val_start < test_start:
        raise ValueError(f"boundaries must satisfy 0 < val_start < test_start; got {boundaries}")
    first, last = np.asarray(target_start), np.asarray(target_start) + check_int("horizon", horizon) - 1
    train = last < val_start
    val = (first >= val_start) & (last < test_start)
    test = first >= test_start
    return train, val, test


@dataclass
class Standardizer:
    """z = (x − mean) / std with ``mean`` and ``std`` fitted on training data only (:meth:`fit`)."""

    mean: float
    std: float

    @classmethod
    def fit(cls, train_values) -> "Standardizer":
        """Fit on the training part only: statistics of later data would leak the future into the model."""
        values = np.asarray(train_values, dtype=float)
        if values.size < 2 or np.isnan(values).any():
            raise ValueError(f"fit needs at least 2 values and no NaN; got {values.size} values, "
                             f"{int(np.isnan(values).sum())} NaN")
        std = float(values.std())
        if std == 0:
            raise ValueError("the training values are constant (std = 0): cannot standardise")
        return cls(float(values.mean()), std)

    def transform(self, x):
        """z = (x − mean) / std."""
        return (np.asarray(x) - self.mean) / self.std

    def inverse(self, z):
        """x = z · std + mean (back to the original unit)."""
        return np.asarray(z) * self.std + self.mean
