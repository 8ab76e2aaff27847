"""From a waveform to what the network reads: frames, a power spectrum, a mel filterbank, logarithms.

    frames        25 ms windows every 10 ms (200 and 80 samples at 8 kHz), Hann-weighted, zero-padded to
                  512 points (a 15.6 Hz frequency grid: the lowest mel filters are only ~30 Hz wide)
    power         P_t(k) = |STFT_t(k)|², k = 0 … n_fft/2                     torch.stft
    mel energies  E_t(m) = Σ_k H_m(k) P_t(k)       H: triangular filters, equally spaced on the mel scale
    log-mel       X_t(m) = log(E_t(m) + ε)
    normalised    X̂_t(m) = (X_t(m) − mean_t X(m)) / std_t X(m)    per utterance, per band
    stacked       x_τ = [X̂_{3τ}, X̂_{3τ+1}, X̂_{3τ+2}]               3 frames in, one out: 30 ms per step

Mel scale (HTK): mel(f) = 2595 · log10(1 + f / 700). Shapes: ``samples (N,)`` → features ``(T, F)``
(frames × bands); a batch of them is padded to ``(T, B, F)`` in :mod:`.batches`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .._validate import check_int
from .recordings import SAMPLE_RATE, check_waveform

LOG_FLOOR = 1e-10     #: ε in log(E + ε): below the quantisation noise of 16-bit audio; digital silence maps to −23, not −inf


def hz_to_mel(hz):
    """mel(f) = 2595 · log10(1 + f / 700) (HTK); 1000 Hz ↦ 1000 mel."""
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def mel_to_hz(mel):
    """The inverse: f = 700 · (10^(mel / 2595) − 1)."""
    return 700.0 * (10.0 ** (np.asarray(mel, dtype=np.float64) / 2595.0) - 1.0)


def mel_filterbank(n_mels: int = 40, n_fft: int = 512, sample_rate: int = SAMPLE_RATE, f_min: float = 20.0,
                   f_max: float | None = None, warp: float = 1.0) -> np.ndarray:
    """Triangular filters ``H (n_mels, n_fft // 2 + 1)``: filter m rises from edge m to a peak of 1 at
    edge m+1 and falls to 0 at edge m+2, where the n_mels + 2 edges are equally spaced in mel between
    ``f_min`` and ``f_max`` (default: the Nyquist frequency, sample_rate / 2).

    ``warp`` scales every edge frequency (clipped to [f_min, f_max]): a frequency warp like the vocal
    tract length perturbation of Jaitly & Hinton (2013); 1 means none.
    """
    check_int("n_mels", n_mels)
    check_int("n_fft", n_fft, minimum=2)
    f_max = sample_rate / 2 if f_max is None else f_max
    if not 0 <= f_min < f_max <= sample_rate / 2:
        raise ValueError(f"need 0 <= f_min < f_max <= sample_rate / 2 = {sample_rate / 2:g}; "
                         f"got f_min={f_min}, f_max={f_max}")
    edges_hz = mel_to_hz(np.linspace(hz_to_mel(f_min), hz_to_mel(f_max), n_mels + 2))
    edges_hz = np.clip(edges_hz * warp, f_min, f_max)
    bins_hz = np.arange(n_fft // 2 + 1) * sample_rate / n_fft                 # frequency of each FFT bin
    lower, centre, upper = edges_hz[:-2, None], edges_hz[1:-1, None], edges_hz[2:, None]
    rising = (bins_hz - lower) / np.maximum(centre - lower, 1e-9)
    falling = (upper - bins_hz) / np.maximum(upper - centre, 1e-9)
    return np.maximum(0.0, np.minimum(rising, falling)).astype(np.float32)


def _power(samples: np.ndarray, n_fft: int, window: int, hop: int) -> torch.Tensor:
    samples = check_waveform(samples)
    x = torch.from_numpy(np.array(samples, dtype=np.float32))                # a copy: recordings are read-only
    if len(x) <= n_fft // 2:          # torch.stft's reflect padding needs more than n_fft / 2 samples
        x = torch.nn.functional.pad(x, (0, n_fft // 2 + 1 - len(x)))
    spectrum = torch.stft(x, n_fft=n_fft, hop_length=hop, win_length=window,
                          window=torch.hann_window(window), center=True, return_complex=True)
    return torch.view_as_real(spectrum).pow(2).sum(-1).T                     # |X|² = re² + im², (T, K)


def power_spectrogram(samples: np.ndarray, n_fft: int = 512, window: int = 200, hop: int = 80) -> np.ndarray:
    """``samples (N,)`` → power ``P (T, n_fft // 2 + 1)`` with T = 1 + N // hop (frames centred on n·hop)."""
    return _power(samples, n_fft, window, hop).numpy()


@lru_cache(maxsize=64)
def _filters(n_mels: int, n_fft: int, warp: float) -> torch.Tensor:
    return torch.from_numpy(mel_filterbank(n_mels, n_fft, warp=warp).T.copy())          # (K, n_mels)


def log_mel(samples: np.ndarray, n_mels: int = 40, n_fft: int = 512, window: int = 200, hop: int = 80,
            warp: float = 1.0) -> np.ndarray:
    """Log-mel spectrogram ``(T, n_mels)`` float32: X_t(m) = log(Σ_k H_m(k) P_t(k) + ε)."""
    power = _power(samples, n_fft, window, hop)                                          # (T, K)
    return torch.log(power @ _filters(n_mels, n_fft, float(warp)) + LOG_FLOOR).numpy()


def normalise_per_utterance(features: np.ndarray) -> np.ndarray:
    """Zero mean and unit variance per band over the utterance's frames: ``(T, F)`` → ``(T, F)``.

    Removes what is constant within one recording session: loudness (a gain adds log g to every
    band) and a fixed microphone or channel colouring (adds a constant per band).
    """
    mean = features.mean(axis=0, keepdims=True)
    std = features.std(axis=0, keepdims=True)
    return ((features - mean) / (std + 1e-5)).astype(np.float32)


def stack_frames(features: np.ndarray, stack: int = 3) -> np.ndarray:
    """Concatenate ``stack`` consecutive frames and keep one step per ``stack``: ``(T, F)`` → ``(⌈T/stack⌉, stack·F)``.

    Nothing is thrown away (every frame is in exactly one step), but the recurrent network runs
    ``stack`` times fewer steps. The last step is padded by repeating the final frame.
    """
    check_int("stack", stack)
    T, F = features.shape
    steps = -(-T // stack)
    padded = np.concatenate([features, np.repeat(features[-1:], steps * stack - T, axis=0)])
    return padded.reshape(steps, stack * F)


def band_statistics(feature_list: list[np.ndarray]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Mean and standard deviation of every band over all frames of ``feature_list`` (each ``(T, F)``):
    the statistics of *global* normalisation, fitted on training data."""
    frames = np.concatenate(feature_list)
    return tuple(frames.mean(axis=0).tolist()), tuple(frames.std(axis=0).tolist())


@dataclass(frozen=True)
class FeatureConfig:
    """The front end of a recipe: ``n_mels`` bands, how to normalise, frames per network step.

    ``normalise="utterance"``: each utterance to zero mean, unit variance per band (no statistics needed).
    ``normalise="global"``: one ``mean`` and ``std`` per band for every utterance (fitted on training
    data with :func:`band_statistics`): loudness and microphone differences stay in the features.
    """

    n_mels: int = 40
    normalise: str = "utterance"
    stack: int = 3
    mean: tuple[float, ...] | None = None
    std: tuple[float, ...] | None = None

    def __post_init__(self):
        if self.normalise not in ("utterance", "global"):
            raise ValueError(f"normalise must be 'utterance' or 'global'; got {self.normalise!r}")
        if self.normalise == "global" and (self.mean is None or self.std is None
                                           or len(self.mean) != self.n_mels or len(self.std) != self.n_mels):
            raise ValueError(f"normalise='global' needs mean and std of length n_mels={self.n_mels} "
                             "(fit them on training features with band_statistics)")

    @property
    def size(self) -> int:
        """F, the feature size of one network step: stack · n_mels."""
        return self.stack * self.n_mels


def utterance_features(samples: np.ndarray, config: FeatureConfig = FeatureConfig(), warp: float = 1.0
                       ) -> np.ndarray:
    """What a recogniser reads: ``samples (N,)`` → ``(T', config.size)`` float32, T' = ⌈(1 + N // 80) / stack⌉."""
    features = log_mel(samples, config.n_mels, warp=warp)
    if config.normalise == "utterance":
        features = normalise_per_utterance(features)
    else:
        features = ((features - np.asarray(config.mean)) / np.asarray(config.std)).astype(np.float32)
    return stack_frames(features, config.stack)


def frames_per_second(config: FeatureConfig = FeatureConfig(), hop: int = 80) -> float:
    """Network steps per second of audio: 8000 / (hop · stack)."""
    return SAMPLE_RATE / (hop * config.stack)
