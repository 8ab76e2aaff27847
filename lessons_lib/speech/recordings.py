"""The Free Spoken Digit Dataset (FSDD), read with the standard library: ``tarfile`` and ``wave``.

3,000 recordings of the digits 0–9, six speakers, 50 of each digit each, mono 16-bit WAV at 8 kHz,
trimmed to the spoken word. File names say what is in them: ``recordings/{digit}_{speaker}_{index}.wav``.
Upstream's split: index 0–4 is the test set, 5–49 the training set.

Credit: Zohar Jackson et al., *Free Spoken Digit Dataset*, github.com/Jakobovski/free-spoken-digit-dataset,
DOI 10.5281/zenodo.1342401, licence CC BY-SA 4.0 (see ``data/README.md``).

A waveform (波形) here is a float32 array ``samples (N,)`` in [−1, 1): the 16-bit integers divided by 2¹⁵.
"""
from __future__ import annotations

import io
import re
import tarfile
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

FSDD_ARCHIVE = Path(__file__).resolve().parents[2] / "data" / "fsdd_recordings.tar.gz"
SAMPLE_RATE = 8000          #: Hz, every FSDD recording
SAMPLE_WIDTH = 2            #: bytes per sample (16-bit PCM)
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
SILENCE_PEAK = 1e-3         #: a waveform whose largest |sample| is below this holds no speech (−60 dBFS)
_NAME = re.compile(r"(?:.*/)?([0-9])_([a-z]+)_([0-9]+)\.wav")


@dataclass(frozen=True)
class Recording:
    """One spoken digit: ``digit`` 0–9, ``speaker``, upstream ``index`` 0–49, ``samples (N,)`` float32."""

    digit: int
    speaker: str
    index: int
    samples: np.ndarray

    @property
    def seconds(self) -> float:
        """Duration in seconds, N / 8000."""
        return len(self.samples) / SAMPLE_RATE

    def __repr__(self) -> str:
        return f"Recording(digit={self.digit}, speaker={self.speaker!r}, index={self.index}, {self.seconds:.2f} s)"


def check_waveform(samples, name: str = "samples") -> np.ndarray:
    """Return ``samples`` as float32 ``(N,)`` if it is a usable waveform; otherwise a clear ``ValueError``.

    Refused: anything but a 1-D floating array, an empty one, NaN/inf, and silence (peak below
    :data:`SILENCE_PEAK`, e.g. all zeros) — a recogniser would be asked to find digits in nothing.
    """
    if hasattr(samples, "detach"):
        samples = samples.detach().cpu().numpy()
    samples = np.asarray(samples)
    if not np.issubdtype(samples.dtype, np.floating):
        raise ValueError(f"{name} must be a floating waveform in [-1, 1) (int16 PCM divided by 32768); "
                         f"got dtype {samples.dtype}")
    if samples.ndim != 1:
        raise ValueError(f"{name} must be 1-D (N,) mono audio; got shape {samples.shape}")
    if samples.size == 0:
        raise ValueError(f"{name} is empty: a waveform needs at least one sample")
    if not np.all(np.isfinite(samples)):
        raise ValueError(f"{name} contains NaN or inf")
    peak = float(np.max(np.abs(samples)))
    if peak < SILENCE_PEAK:
        raise ValueError(f"{name} is silent: its largest |sample| is {peak:.2g}, below {SILENCE_PEAK:g} (-60 dBFS); "
                         "there is no speech to recognise")
    return samples.astype(np.float32, copy=False)


def read_wav(source, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Read a mono 16-bit PCM WAV (a path, bytes or a binary file) into float32 ``samples (N,)`` in [−1, 1).

    ``ValueError`` for another sample rate, sample width or channel count than expected, for an
    empty file and for a silent one (see :func:`check_waveform`).
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    elif isinstance(source, (str, Path)):
        source = open(source, "rb")
    try:
        with wave.open(source, "rb") as wav:
            rate, width, channels, n = wav.getframerate(), wav.getsampwidth(), wav.getnchannels(), wav.getnframes()
            pcm = wav.readframes(n)
    except (wave.Error, EOFError, RuntimeError) as error:     # what the wave module raises for a broken header
        raise ValueError(f"not a readable PCM WAV file: {type(error).__name__} {error}".rstrip()) from error
    finally:
        source.close()
    if rate != sample_rate:
        raise ValueError(f"expected a sample rate of {sample_rate} Hz; the file has {rate} Hz "
                         "(resample it first: the features assume one rate)")
    if width != SAMPLE_WIDTH:
        raise ValueError(f"expected 16-bit PCM (sample width {SAMPLE_WIDTH} bytes); the file has "
                         f"{8 * width}-bit samples ({width} bytes)")
    if channels != 1:
        raise ValueError(f"expected mono audio (1 channel); the file has {channels} channels")
    if n == 0:
        raise ValueError("the WAV file is empty: it has 0 samples")
    pcm = np.frombuffer(pcm, dtype="<i2")
    return check_waveform(pcm.astype(np.float32) / 32768.0, "the recording")


def parse_name(name: str) -> tuple[int, str, int]:
    """``'recordings/7_theo_12.wav'`` → ``(7, 'theo', 12)``: digit, speaker, index."""
    match = _NAME.fullmatch(name)
    if match is None:
        raise ValueError(f"expected a name like 'recordings/7_theo_12.wav' ({{digit}}_{{speaker}}_{{index}}.wav); "
                         f"got {name!r}")
    return int(match[1]), match[2], int(match[3])


@lru_cache(maxsize=2)
def _load(path: str) -> tuple[Recording, ...]:
    recordings = []
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            if member.isfile() and member.name.endswith(".wav"):
                digit, speaker, index = parse_name(member.name)
                samples = read_wav(archive.extractfile(member).read())
                samples.flags.writeable = False               # shared by every caller (cached)
                recordings.append(Recording(digit, speaker, index, samples))
    recordings.sort(key=lambda r: (r.speaker, r.digit, r.index))
    return tuple(recordings)


def load_recordings(path=FSDD_ARCHIVE) -> list[Recording]:
    """Every recording in the archive, sorted by (speaker, digit, index). About 0.5 s; cached.

    The sample arrays are read-only (one copy shared by every caller): ``r.samples.copy()`` to edit one.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no FSDD archive at {path} (expected data/fsdd_recordings.tar.gz)")
    return list(_load(str(path.resolve())))
