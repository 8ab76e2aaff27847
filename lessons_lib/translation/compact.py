"""Checkpoints small enough to commit: weight matrices as int8 with one scale per row.

A float32 weight takes 4 bytes, float16 2, int8 1. Each row w of a matrix (an embedding, a gate's
weights, the output layer) is stored as round(w / s) with s = max|w| / 127, so the error of a weight is
at most s / 2, below 0.4 % of the largest weight in its row. Vectors (biases) stay float16.
Loading multiplies back: w ≈ s · q. :func:`round_trip` gives a model exactly the weights its
checkpoint will hold, so that every score measured before saving is the checkpoint's score.
"""
from __future__ import annotations

import os
from pathlib import Path

import torch
from torch import nn

from ..training.checkpoints import CheckpointError, _check_metadata

FORMAT = "lessons_lib-checkpoint-int8-1"


def quantize_state(state: dict) -> dict:
    """``{name: tensor}`` → ``{name.int8: (R, C) int8, name.scale: (R, 1) float16}`` for matrices, float16 vectors."""
    stored = {}
    for name, tensor in state.items():
        tensor = tensor.detach().float().cpu()
        if tensor.dim() >= 2:
            rows = tensor.reshape(tensor.shape[0], -1)
            scale = (rows.abs().amax(dim=1, keepdim=True) / 127).clamp_min(1e-7).half()   # s per row
            quantized = torch.round(rows / scale.float()).clamp(-127, 127).to(torch.int8)
            stored[name + ".int8"] = quantized.reshape(tensor.shape)
            stored[name + ".scale"] = scale
        else:
            stored[name] = tensor.half()
    return stored


def dequantize_state(stored: dict) -> dict:
    """Inverse of :func:`quantize_state` (up to the rounding): float32 tensors by parameter name."""
    state = {}
    for name, tensor in stored.items():
        if name.endswith(".scale"):
            continue
        if name.endswith(".int8"):
            base = name[: -len(".int8")]
            rows = tensor.reshape(tensor.shape[0], -1).float() * stored[base + ".scale"].float()
            state[base] = rows.reshape(tensor.shape)
        else:
            state[name] = tensor.float()
    return state


def round_trip(model: nn.Module) -> nn.Module:
    """Replace ``model``'s weights by what an int8 checkpoint of it holds; return the model."""
    model.load_state_dict(dequantize_state(quantize_state(model.state_dict())))
    return model


def save_int8_checkpoint(model: nn.Module, path, **metadata) -> Path:
    """Save ``model`` with int8 matrices and ``metadata`` (plain python values), atomically; return the path."""
    _check_metadata(metadata)
    path = Path(path)
    temporary = path.with_name(path.name + ".partial")
    torch.save({"format": FORMAT, "state_dict": quantize_state(model.state_dict()), "metadata": metadata}, temporary)
    os.replace(temporary, path)
    return path


def load_int8_checkpoint(model: nn.Module, path) -> dict:
    """Load a checkpoint written by :func:`save_int8_checkpoint` into ``model``; return its metadata.

    Uses ``torch.load(..., weights_only=True)``. Raises ``FileNotFoundError`` for a missing file and
    :class:`~lessons_lib.training.checkpoints.CheckpointError` (a ``ValueError``) for another format or
    parameters that do not fit ``model``.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint file at {path}")
    content = torch.load(path, map_location="cpu", weights_only=True)
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        found = content.get("format") if isinstance(content, dict) else type(content).__name__
        raise CheckpointError(f"{path} is not an int8 checkpoint (expected format {FORMAT!r}, found {found!r})")
    try:
        model.load_state_dict(dequantize_state(content["state_dict"]))
    except RuntimeError as error:
        raise CheckpointError(f"{path} does not fit the model: {str(error).splitlines()[0]}") from error
    return dict(content["metadata"])


def read_metadata(path) -> dict:
    """The metadata of an int8 checkpoint, without building a model (e.g. to read its config first)."""
    return dict(torch.load(Path(path), map_location="cpu", weights_only=True)["metadata"])
