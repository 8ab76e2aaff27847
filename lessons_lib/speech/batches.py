"""Padding utterances of different lengths into one time-major batch, and the class ids CTC needs.

Class ids: 0 is the blank, digit d is class d + 1 (``VOCABULARY[k]`` names class k).

A :class:`Batch` holds ``features (T, B, F)`` padded with zeros after each utterance's end,
``lengths (B,)`` (frames), ``targets (B, L_max)`` padded with −1 (never read past
``target_lengths (B,)``) and the digit strings. ``torch.nn.functional.ctc_loss`` takes exactly these.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import torch

from .ctc import BLANK, min_frames

VOCABULARY = ("_",) + tuple(str(d) for d in range(10))   #: class k → its name; "_" is the blank
NUM_CLASSES = len(VOCABULARY)                           #: C = 11


def digits_to_classes(digits: Sequence[int]) -> list[int]:
    """Digits → class ids: d ↦ d + 1 (class 0 is the blank)."""
    bad = [d for d in digits if not (isinstance(d, (int, np.integer)) and 0 <= d <= 9)]
    if bad:
        raise ValueError(f"digits must be integers 0-9; got {bad}")
    return [int(d) + 1 for d in digits]


def classes_to_text(classes: Sequence[int]) -> str:
    """Class ids → a readable string, blanks as ``_``: ``[0, 4, 4, 0, 2] → '_33_1'``."""
    return "".join(VOCABULARY[int(k)] for k in classes)


class Batch(NamedTuple):
    """One padded batch (see the module docstring)."""

    features: torch.Tensor        # (T, B, F) float32
    lengths: torch.Tensor         # (B,) int64, frames per utterance
    targets: torch.Tensor         # (B, L_max) int64 class ids, −1 after the end
    target_lengths: torch.Tensor  # (B,) int64
    texts: tuple[str, ...]        # the digit strings, e.g. "314"

    def to(self, device) -> "Batch":
        """The tensors on ``device`` (lengths stay on the CPU, as packing requires)."""
        return self._replace(features=self.features.to(device), targets=self.targets.to(device))


def make_batch(features: Sequence[np.ndarray], digit_strings: Sequence[Sequence[int]]) -> Batch:
    """Pad ``features`` (each ``(T_b, F)``) to ``(T_max, B, F)``; digit strings → padded class ids.

    ``ValueError`` if an utterance has fewer frames than its label needs (see :func:`ctc.min_frames`).
    """
    if len(features) != len(digit_strings) or not features:
        raise ValueError(f"need one digit string per feature array (and at least one); got {len(features)} "
                         f"feature arrays and {len(digit_strings)} digit strings")
    sizes = {f.shape[1] for f in features}
    if len(sizes) != 1:
        raise ValueError(f"every utterance must have the same feature size F; got {sorted(sizes)}")
    classes = [digits_to_classes(d) for d in digit_strings]
    lengths = [len(f) for f in features]
    for b, (T, label) in enumerate(zip(lengths, classes)):
        if T < min_frames(label):
            raise ValueError(f"utterance {b} has {T} frames but its label {digit_strings[b]} needs at least "
                             f"{min_frames(label)}: the audio is too short for the digits it claims")
    padded = np.zeros((max(lengths), len(features), sizes.pop()), dtype=np.float32)
    for b, f in enumerate(features):
        padded[:len(f), b] = f
    targets = np.full((len(classes), max(len(c) for c in classes)), -1, dtype=np.int64)
    for b, c in enumerate(classes):
        targets[b, :len(c)] = c
    return Batch(torch.from_numpy(padded), torch.tensor(lengths), torch.from_numpy(targets),
                 torch.tensor([len(c) for c in classes]), tuple("".join(map(str, d)) for d in digit_strings))


def batch_ctc_loss(log_probs: torch.Tensor, batch: Batch) -> torch.Tensor:
    """Mean over the batch of −log p(l_b | x_b) / L_b (torch's ``reduction='mean'``): ``log_probs (T, B, C)``."""
    return torch.nn.functional.ctc_loss(log_probs, batch.targets.clamp(min=0), batch.lengths, batch.target_lengths,
                                        blank=BLANK, reduction="mean", zero_infinity=False)
