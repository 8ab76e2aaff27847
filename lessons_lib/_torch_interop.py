"""Copying weights between the numpy cells and torch's recurrent modules (used by :mod:`lessons_lib._params`).

Both the layer (``nn.RNN``, ``nn.LSTM``, ``nn.GRU``: names ending in ``_l0``) and the cell
(``nn.RNNCell``, ``nn.LSTMCell``, ``nn.GRUCell``: no suffix) are accepted. torch is imported
lazily, so the numpy cells import fast and work without it.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


class TorchWeights(NamedTuple):
    """The four tensors of one torch recurrent layer, as numpy arrays."""

    weight_ih: np.ndarray
    weight_hh: np.ndarray
    bias_ih: np.ndarray
    bias_hh: np.ndarray


def read_weights(module, kind: str) -> TorchWeights:
    """Read ``weight_ih, weight_hh, bias_ih, bias_hh`` from ``nn.<kind>`` or ``nn.<kind>Cell``.

    Refuses what one numpy cell cannot represent: several layers, two directions, no bias,
    an LSTM projection, an RNN whose nonlinearity is not tanh. ``batch_first`` is fine: it changes the layout of inputs and outputs,
    never the weights.
    """
    import torch.nn as nn

    layer_cls, cell_cls = getattr(nn, kind), getattr(nn, kind + "Cell")
    if isinstance(module, cell_cls):
        if not module.bias:
            raise ValueError(f"from_torch needs a torch.nn.{kind}Cell with bias=True; got bias=False")
        suffix = ""
    elif isinstance(module, layer_cls):
        problems = []
        if module.num_layers != 1:
            problems.append(f"num_layers=1 (got {module.num_layers}); copy one layer at a time")
        if module.bidirectional:
            problems.append("bidirectional=False (got True)")
        if not module.bias:
            problems.append("bias=True (got False)")
        if getattr(module, "proj_size", 0):
            problems.append(f"proj_size=0 (got {module.proj_size})")
        if problems:
            raise ValueError(f"from_torch supports a plain torch.nn.{kind}; expected " + "; ".join(problems))
        suffix = "_l0"
    else:
        raise ValueError(f"expected a torch.nn.{kind} or torch.nn.{kind}Cell; got {type(module).__name__}")
    if getattr(module, "nonlinearity", "tanh") != "tanh":  # only nn.RNN and nn.RNNCell have one
        raise ValueError(f"from_torch needs nonlinearity='tanh'; got {module.nonlinearity!r}")
    get = lambda name: to_numpy(getattr(module, name + suffix))
    return TorchWeights(get("weight_ih"), get("weight_hh"), get("bias_ih"), get("bias_hh"))


def write_weights(module, weights: TorchWeights) -> None:
    """Overwrite a fresh layer module's ``*_l0`` parameters in place."""
    import torch

    with torch.no_grad():
        for name, array in weights._asdict().items():
            getattr(module, name + "_l0").copy_(torch.from_numpy(np.ascontiguousarray(array)))


def to_numpy(tensor) -> np.ndarray:
    """A detached numpy copy of a tensor, keeping its float32/float64 dtype."""
    return tensor.detach().cpu().numpy().copy()


def torch_dtype(dtype):
    """The torch dtype matching a numpy float dtype (float32 or float64)."""
    import torch

    return {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}[np.dtype(dtype)]
