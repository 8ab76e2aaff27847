"""FSDD loading with the standard library: counts, names, sample format, and clear errors for bad audio."""
import io
import wave

import numpy as np
import pytest

from lessons_lib.speech.recordings import (SAMPLE_RATE, SPEAKERS, check_waveform, load_recordings, parse_name,
                                           read_wav)


def wav_bytes(samples_int16, rate=8000, width=2, channels=1):
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples_int16).astype({1: "u1", 2: "<i2", 4: "<i4"}[width]).tobytes())
    return buffer.getvalue()


def tone(n=800, amplitude=8000):
    return (amplitude * np.sin(2 * np.pi * 440 * np.arange(n) / 8000)).astype(np.int16)


def test_the_archive_holds_3000_recordings_50_per_digit_and_speaker():
    recordings = load_recordings()
    assert len(recordings) == 3000
    assert sorted({r.speaker for r in recordings}) == sorted(SPEAKERS)
    for speaker in SPEAKERS:
        for digit in range(10):
            indices = sorted(r.index for r in recordings if r.speaker == speaker and r.digit == digit)
            assert indices == list(range(50)), (speaker, digit)
    lengths = [len(r.samples) for r in recordings]
    assert 0.35 < np.mean(lengths) / SAMPLE_RATE < 0.55                 # README: mean 0.44 s
    first = recordings[0]
    assert first.samples.dtype == np.float32 and first.samples.ndim == 1
    assert not first.samples.flags.writeable                            # cached and shared: read-only
    assert max(float(np.abs(r.samples).max()) for r in recordings) <= 1.0


def test_read_wav_scales_int16_to_minus_one_one():
    samples = tone()
    samples[0], samples[1] = -32768, 32767
    x = read_wav(wav_bytes(samples))
    assert x.dtype == np.float32 and x.shape == (800,)
    np.testing.assert_allclose(x, samples / 32768.0)
    assert x[0] == -1.0 and x[1] < 1.0


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(rate=16000), "expected a sample rate of 8000 Hz; the file has 16000 Hz"),
    (dict(width=1), "expected 16-bit PCM (sample width 2 bytes); the file has 8-bit"),
    (dict(width=4), "the file has 32-bit"),
    (dict(channels=2), "expected mono audio (1 channel); the file has 2 channels"),
])
def test_read_wav_refuses_other_formats(kwargs, fragment):
    n = 800 * kwargs.get("channels", 1)
    with pytest.raises(ValueError, match=None) as error:
        read_wav(wav_bytes(np.ones(n) * 100, **kwargs))
    assert fragment in str(error.value)


def test_read_wav_refuses_empty_silent_and_garbage():
    with pytest.raises(ValueError, match="empty"):
        read_wav(wav_bytes(np.zeros(0)))
    with pytest.raises(ValueError, match="silent"):
        read_wav(wav_bytes(np.zeros(800)))
    with pytest.raises(ValueError, match="silent"):
        read_wav(wav_bytes(np.full(800, 3)))                            # |x| = 9e-5: below -60 dBFS
    with pytest.raises(ValueError, match="not a readable PCM WAV"):
        read_wav(b"RIFF0000WAVEnot really")


def test_read_wav_from_a_path(tmp_path):
    path = tmp_path / "3_test_7.wav"
    path.write_bytes(wav_bytes(tone()))
    assert read_wav(path).shape == (800,)
    assert parse_name(str(path)) == (3, "test", 7)


@pytest.mark.parametrize("bad, fragment", [
    (np.zeros(0, np.float32), "empty"),
    (np.zeros(100, np.float32), "silent"),
    (np.ones((2, 100), np.float32), "1-D"),
    (np.ones(100, np.int16), "floating"),
    (np.array([0.5, np.nan], np.float32), "NaN"),
])
def test_check_waveform_refuses(bad, fragment):
    with pytest.raises(ValueError, match=fragment):
        check_waveform(bad)


def test_parse_name():
    assert parse_name("recordings/0_george_49.wav") == (0, "george", 49)
    with pytest.raises(ValueError, match="digit.*speaker.*index"):
        parse_name("recordings/george_0.wav")


def test_missing_archive_says_where(tmp_path):
    with pytest.raises(FileNotFoundError, match="no FSDD archive"):
        load_recordings(tmp_path / "nope.tar.gz")
