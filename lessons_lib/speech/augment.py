"""Data augmentation (数据增强) for speech: change the speed, add noise, mask bands and stretches of frames.

Each function takes a ``numpy.random.Generator`` (or its parameters) so that every change is seeded.
Waveforms are float32 ``samples (N,)``; features are ``(T, F)`` arrays (frames × mel bands).
"""
from __future__ import annotations

import numpy as np


def change_speed(samples: np.ndarray, factor: float) -> np.ndarray:
    """Play ``samples (N,)`` ``factor`` times faster: ``(round(N / factor),)``, pitch moved by the same factor.

    Linear interpolation at the times ``n · factor`` (the tape-speed change of Ko et al. 2015's
    speed perturbation). ``factor`` 1.1 makes the speech 10 % shorter and 10 % higher.
    """
    if not 0.5 <= factor <= 2.0:
        raise ValueError(f"factor must be between 0.5 and 2 (a speed change); got {factor!r}")
    n_out = max(1, int(round(len(samples) / factor)))
    times = np.arange(n_out) * factor                       # where each output sample is read, in input samples
    return np.interp(times, np.arange(len(samples)), samples).astype(np.float32)


def add_noise(samples: np.ndarray, snr_db: float, rng: np.random.Generator, reference_rms: float | None = None
              ) -> np.ndarray:
    """``samples`` plus white Gaussian noise at a signal-to-noise ratio of ``snr_db`` decibels.

    noise σ = RMS / 10^(SNR/20), where RMS is ``reference_rms`` (e.g. the speech's, not counting pauses)
    or, if not given, the RMS of ``samples`` itself.
    """
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64)))) if reference_rms is None else reference_rms
    sigma = rms / 10.0 ** (snr_db / 20.0)
    return samples + np.float32(sigma) * rng.standard_normal(len(samples), dtype=np.float32)


def mask_features(features: np.ndarray, rng: np.random.Generator, max_bands: int = 6, max_frames: int = 8,
                  n_masks: int = 2, value: float = 0.0) -> np.ndarray:
    """SpecAugment-style masks (Park et al. 2019): ``n_masks`` bands of up to ``max_bands`` mel channels and
    ``n_masks`` stretches of up to ``max_frames`` frames set to ``value`` (0 = the mean after normalisation).

    ``features (T, F)`` → a masked copy ``(T, F)``.
    """
    masked = np.array(features, copy=True)
    T, F = masked.shape
    for _ in range(n_masks):
        width = int(rng.integers(0, max_bands + 1))
        start = int(rng.integers(0, max(1, F - width + 1)))
        masked[:, start:start + width] = value
        length = int(rng.integers(0, min(max_frames, T // 4) + 1))
        start = int(rng.integers(0, max(1, T - length + 1)))
        masked[start:start + length, :] = value
    return masked
