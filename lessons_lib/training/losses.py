"""The collection's two losses, with the shape checks that torch leaves out (broadcasting hides mistakes)."""
from __future__ import annotations

from typing import Callable

import torch
from torch.nn import functional as F


def mse(prediction: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """Mean squared error L = mean((ŷ − y)²) over every element; ``prediction`` and ``target`` share one shape.

    (Torch would broadcast ``(B, 1)`` against ``(B,)`` to ``(B, B)`` and return a meaningless number.)
    """
    if prediction.shape != target.shape:
        raise ValueError(f"mse: prediction shape {tuple(prediction.shape)} differs from target shape "
                         f"{tuple(target.shape)}; reshape the targets to match the model's output")
    return F.mse_loss(prediction, target, reduction=reduction)


def cross_entropy(logits: torch.Tensor, target: torch.Tensor, reduction: str = "mean") -> torch.Tensor:
    """L = −mean log softmax(logits)[target] over every position: logits ``(..., C)``, int targets ``(...)``.

    Per-step targets ``(T, B)`` with logits ``(T, B, C)`` average over all T·B positions.
    """
    if logits.shape[:-1] != target.shape:
        raise ValueError(f"cross_entropy: logits {tuple(logits.shape)} must be the target shape "
                         f"{tuple(target.shape)} plus a class axis")
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1).long(), reduction=reduction)


LOSSES = {"mse": mse, "cross_entropy": cross_entropy}


def loss_function(loss) -> Callable:
    """``"mse"``, ``"cross_entropy"`` or your own ``(prediction, target) -> scalar tensor``, as a function."""
    if callable(loss):
        return loss
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {list(LOSSES)} or a callable (prediction, target) -> scalar; "
                         f"got {loss!r}")
    return LOSSES[loss]
