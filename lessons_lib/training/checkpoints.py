"""Checkpoints (检查点): a model's weights and plain metadata, saved atomically, loaded with ``weights_only=True``.

``torch.load(..., weights_only=True)`` unpickles only tensors and plain python values, never arbitrary
objects, so loading a checkpoint cannot run code hidden in the file.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import torch
from torch import nn


class CheckpointError(ValueError):
    """A checkpoint file that cannot be read, or whose parameters do not fit the model."""


def _check_metadata(value, where: str = "metadata") -> None:
    """Metadata must load under ``weights_only=True``: str, int, float, bool, None, lists/tuples/dicts of them."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            _check_metadata(item, f"{where}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where} keys must be strings; got {key!r}")
            _check_metadata(item, f"{where}[{key!r}]")
        return
    hint = " -- convert numpy values with .tolist() or float()" if isinstance(value, (np.ndarray, np.generic)) else ""
    raise ValueError(f"{where} must be made of str, int, float, bool, None, lists and dicts (so that it loads "
                     f"with weights_only=True); got {type(value).__name__}{hint}")


def save_checkpoint(model: nn.Module, path, **metadata) -> Path:
    """Save ``model.state_dict()`` and ``metadata`` (plain python values) to ``path``; return the path.

    Written to a temporary file first and then renamed, so an interrupted save never leaves a
    half-written checkpoint under the final name.
    """
    _check_metadata(metadata)
    path = Path(path)
    temporary = path.with_name(path.name + ".partial")
    torch.save({"format": "lessons_lib-checkpoint-1", "state_dict": model.state_dict(), "metadata": metadata},
               temporary)
    os.replace(temporary, path)
    return path


def load_checkpoint(model: nn.Module, path) -> dict:
    """Load a checkpoint saved by :func:`save_checkpoint` (or a bare state dict) into ``model``; return its metadata.

    Uses ``torch.load(..., weights_only=True)``: only tensors and plain python values are
    unpickled, never arbitrary objects. Raises ``FileNotFoundError`` for a missing file and
    :class:`CheckpointError` (a ``ValueError``) for a corrupt file or one whose parameter names or
    shapes do not match ``model`` (listing the missing and unexpected keys and the shapes that differ).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no checkpoint file at {path}")
    try:
        content = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many types here (UnpicklingError, RuntimeError, EOFError, IndexError ...)
        raise CheckpointError(f"{path} is not a readable checkpoint (corrupt, truncated, or not written by "
                              f"torch.save with tensors and plain values only): {type(error).__name__}: "
                              f"{str(error).splitlines()[0] if str(error) else ''}") from error
    if isinstance(content, dict) and "state_dict" in content:
        state, metadata = content["state_dict"], dict(content.get("metadata", {}))
    elif isinstance(content, dict) and all(isinstance(v, torch.Tensor) for v in content.values()):
        state, metadata = content, {}
    else:
        raise CheckpointError(f"{path} holds a {type(content).__name__}, not a checkpoint (a dict with a "
                              "'state_dict', or a state dict of tensors)")
    _check_fits(model, state, path)
    model.load_state_dict(state)
    return metadata


def _check_fits(model: nn.Module, state: dict, path) -> None:
    expected = model.state_dict()
    missing = [k for k in expected if k not in state]
    unexpected = [k for k in state if k not in expected]
    shapes = [f"{k}: checkpoint {tuple(state[k].shape)}, model {tuple(expected[k].shape)}"
              for k in expected if k in state and tuple(state[k].shape) != tuple(expected[k].shape)]
    if missing or unexpected or shapes:
        parts = []
        if missing:
            parts.append(f"missing keys (in the model, not in the checkpoint): {missing}")
        if unexpected:
            parts.append(f"unexpected keys (in the checkpoint, not in the model): {unexpected}")
        if shapes:
            parts.append("shapes that differ: " + "; ".join(shapes))
        raise CheckpointError(f"checkpoint {path} does not fit {type(model).__name__}: " + ". ".join(parts)
                              + ". Was it saved from a model built with other sizes or another cell?")
