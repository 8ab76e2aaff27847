"""The mel filterbank, the log-mel front end, normalisation and frame stacking."""
import numpy as np
import pytest

from lessons_lib.speech.features import (LOG_FLOOR, FeatureConfig, band_statistics, hz_to_mel, log_mel, mel_filterbank,
                                         mel_to_hz, normalise_per_utterance, power_spectrogram, stack_frames,
                                         utterance_features)


def test_mel_scale_and_its_inverse():
    assert hz_to_mel(0.0) == 0.0
    assert abs(hz_to_mel(1000.0) - 1000.0) < 0.1                     # the scale is anchored at 1 kHz
    f = np.array([20.0, 300.0, 4000.0])
    np.testing.assert_allclose(mel_to_hz(hz_to_mel(f)), f, rtol=1e-12)


def test_filterbank_triangles_peak_at_their_centres_and_overlap_by_half():
    n_mels, n_fft, rate = 40, 256, 8000
    H = mel_filterbank(n_mels, n_fft, rate, f_min=20.0)
    assert H.shape == (40, 129) and H.dtype == np.float32
    assert H.min() == 0.0 and H.max() <= 1.0
    edges = mel_to_hz(np.linspace(hz_to_mel(20.0), hz_to_mel(4000.0), n_mels + 2))
    bins = np.arange(129) * rate / n_fft
    for m in range(n_mels):
        support = np.flatnonzero(H[m])
        assert bins[support].min() > edges[m] and bins[support].max() < edges[m + 2]     # zero outside its edges
        centre = np.argmin(np.abs(bins - edges[m + 1]))
        assert np.argmax(H[m]) in (centre - 1, centre, centre + 1)
        # a point on the rising slope, computed by hand
        k = support[0]
        assert H[m, k] == pytest.approx((bins[k] - edges[m]) / (edges[m + 1] - edges[m]), abs=1e-6)
    # between the first and the last centre, neighbouring triangles add up to 1 (they cross at half height)
    inside = (bins >= edges[1]) & (bins <= edges[-2])
    np.testing.assert_allclose(H[:, inside].sum(axis=0), 1.0, atol=1e-5)
    # filters widen with frequency (equal steps in mel are growing steps in Hz)
    widths = np.diff(edges)
    assert np.all(np.diff(widths) > 0)


def test_filterbank_warp_moves_the_centres():
    plain, warped = mel_filterbank(warp=1.0), mel_filterbank(warp=1.1)
    assert np.argmax(warped[10]) > np.argmax(plain[10])


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(n_mels=0), "n_mels must be a positive integer"),
    (dict(f_min=500.0, f_max=400.0), "f_min < f_max"),
    (dict(f_max=5000.0), "sample_rate / 2 = 4000"),
])
def test_filterbank_refuses_bad_settings(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        mel_filterbank(**kwargs)


def test_power_spectrogram_finds_a_tone_and_matches_numpy():
    n = np.arange(8000)
    samples = (0.5 * np.sin(2 * np.pi * 1000 * n / 8000)).astype(np.float32)
    P = power_spectrogram(samples)
    assert P.shape == (1 + 8000 // 80, 257)
    assert np.argmax(P[50]) == 64                                      # 1000 Hz = bin 1000 / (8000 / 512)
    # frame 50 by hand: centred on sample 50·80, Hann window of 200 samples in the middle of 512
    window = np.hanning(201)[:-1]                                      # periodic Hann, like torch.hann_window
    frame = np.zeros(512)
    start = 50 * 80 - 256
    frame[156:356] = samples[start + 156:start + 356] * window
    np.testing.assert_allclose(P[50], np.abs(np.fft.rfft(frame)) ** 2, rtol=1e-3, atol=1e-3)


def test_log_mel_is_the_log_of_filtered_power():
    rng = np.random.default_rng(0)
    samples = (0.1 * rng.standard_normal(4000)).astype(np.float32)
    X = log_mel(samples)
    expected = np.log(power_spectrogram(samples) @ mel_filterbank().T + LOG_FLOOR)
    assert X.shape == (51, 40) and X.dtype == np.float32
    np.testing.assert_allclose(X, expected, rtol=1e-5, atol=1e-5)


def test_a_gain_shifts_log_mel_and_per_utterance_normalisation_removes_it():
    rng = np.random.default_rng(1)
    samples = (0.1 * rng.standard_normal(4000)).astype(np.float32)
    loud, quiet = log_mel(samples), log_mel(0.1 * samples)
    # power scales by 0.1²: +4.6 in log, up to the floor ε in the weakest (lowest) bands
    np.testing.assert_allclose(loud - quiet, 2 * np.log(10.0), atol=1e-2)
    np.testing.assert_allclose(np.median(loud - quiet), 2 * np.log(10.0), atol=1e-4)
    np.testing.assert_allclose(normalise_per_utterance(loud), normalise_per_utterance(quiet), atol=1e-2)
    normalised = normalise_per_utterance(loud)
    np.testing.assert_allclose(normalised.mean(axis=0), 0.0, atol=1e-5)
    np.testing.assert_allclose(normalised.std(axis=0), 1.0, atol=1e-3)


def test_stack_frames_keeps_every_frame_once():
    features = np.arange(7 * 2, dtype=np.float32).reshape(7, 2)
    stacked = stack_frames(features, 3)
    assert stacked.shape == (3, 6)
    np.testing.assert_array_equal(stacked[0], features[0:3].ravel())
    np.testing.assert_array_equal(stacked[2], np.concatenate([features[6], features[6], features[6]]))
    np.testing.assert_array_equal(stack_frames(features, 1), features)
    with pytest.raises(ValueError, match="stack must be a positive integer"):
        stack_frames(features, 0)


def test_utterance_features_shape_and_global_normalisation():
    rng = np.random.default_rng(2)
    samples = (0.1 * rng.standard_normal(4000)).astype(np.float32)
    config = FeatureConfig()
    assert utterance_features(samples, config).shape == (17, 120)      # 51 frames → ⌈51 / 3⌉ steps of 3 · 40
    mean, std = band_statistics([log_mel(samples)])
    glob = FeatureConfig(normalise="global", mean=mean, std=std, stack=1)
    np.testing.assert_allclose(utterance_features(samples, glob), normalise_per_utterance(log_mel(samples)), atol=1e-3)
    with pytest.raises(ValueError, match="needs mean and std"):
        FeatureConfig(normalise="global")
    with pytest.raises(ValueError, match="'utterance' or 'global'"):
        FeatureConfig(normalise="cepstral")


def test_front_end_refuses_bad_audio():
    with pytest.raises(ValueError, match="silent"):
        log_mel(np.zeros(800, np.float32))
    with pytest.raises(ValueError, match="empty"):
        utterance_features(np.zeros(0, np.float32))
    with pytest.raises(ValueError, match="floating"):
        log_mel(np.ones(800, np.int16))
    assert log_mel(np.full(50, 0.5, np.float32)).shape[0] >= 1         # shorter than one window: still a frame
