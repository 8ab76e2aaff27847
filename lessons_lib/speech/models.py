"""Three recognisers with one contract: ``model(features (T, B, F), lengths (B,)) → log_probs (T, B, C)``.

    FrameClassifier      y_t = softmax(MLP(x_t))                 each step on its own: no memory (the baseline)
    RecurrentRecognizer  h_t = LSTM(x_t, h_{t−1});  y_t = softmax(W h_t + b)          unidirectional
                         h_t = [LSTM→(x_1…x_t); LSTM←(x_t…x_T)]                       bidirectional

The bidirectional LSTM (双向 LSTM; Schuster & Paliwal 1997, Graves, Mohamed & Hinton 2013) runs a second
LSTM from the end of the utterance backwards, so each frame's output sees the whole utterance.
Padded steps are skipped with ``pack_padded_sequence``: otherwise the backward LSTM would start
in the padding of every shorter utterance.
"""
from __future__ import annotations

import torch
from torch import nn

from .._validate import check_int
from .batches import NUM_CLASSES


class FrameClassifier(nn.Module):
    """A two-hidden-layer MLP applied to every step independently: ``(T, B, F) → (T, B, C)`` log-probabilities."""

    def __init__(self, input_size: int, hidden_size: int = 256, num_classes: int = NUM_CLASSES):
        super().__init__()
        self.sizes = dict(input_size=check_int("input_size", input_size), hidden_size=check_int("hidden_size", hidden_size))
        self.net = nn.Sequential(nn.Linear(input_size, hidden_size), nn.ReLU(),
                                 nn.Linear(hidden_size, hidden_size), nn.ReLU(),
                                 nn.Linear(hidden_size, num_classes))

    def forward(self, features: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        return torch.log_softmax(self.net(features), dim=-1)


class RecurrentRecognizer(nn.Module):
    """LSTM layers (uni- or bidirectional) and a linear read-out per step: ``(T, B, F) → (T, B, C)`` log-probabilities."""

    def __init__(self, input_size: int, hidden_size: int = 128, num_layers: int = 2, bidirectional: bool = True,
                 dropout: float = 0.0, num_classes: int = NUM_CLASSES):
        super().__init__()
        self.sizes = dict(input_size=check_int("input_size", input_size), hidden_size=check_int("hidden_size", hidden_size),
                          num_layers=check_int("num_layers", num_layers), bidirectional=bool(bidirectional))
        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, bidirectional=bidirectional,
                            dropout=dropout if num_layers > 1 else 0.0)
        self.readout = nn.Linear(hidden_size * (2 if bidirectional else 1), num_classes)

    def forward(self, features: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        T, B, F = features.shape
        if lengths is None:
            lengths = torch.full((B,), T, dtype=torch.int64)
        packed = nn.utils.rnn.pack_padded_sequence(features, lengths.cpu(), enforce_sorted=False)
        hidden, _ = self.lstm(packed)
        hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, total_length=T)   # (T, B, H·directions), zeros after the end
        return torch.log_softmax(self.readout(hidden), dim=-1)


def count_parameters(model: nn.Module) -> int:
    """The number of trainable numbers in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
