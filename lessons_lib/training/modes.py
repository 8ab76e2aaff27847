"""Switching a model to evaluation and back, safely."""
from __future__ import annotations

from contextlib import contextmanager

import torch
from torch import nn


@contextmanager
def evaluating(model: nn.Module):
    """Run the block with ``model.eval()`` and ``torch.no_grad()``; restore the previous mode afterwards.

    The previous train/eval mode comes back even if the block raises, so an error while evaluating
    never leaves dropout switched off for the rest of training.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield model
    finally:
        model.train(was_training)
