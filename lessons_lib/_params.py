"""What ``RNNParams``, ``LSTMParams`` and ``GRUParams`` share, written once: checks, torch's initialisation,
and copying to and from torch.

Each of the three is a dataclass with explicit fields, in this order: the input weights ``(kH, I)``, the
recurrent weights ``(kH, H)``, the bias ``(kH,)``, then any per-unit vector ``(H,)`` (the GRU's ``b_hn``),
where k is the number of row blocks stacked in the weights (RNN 1, LSTM 4: i, f, g, o, GRU 3: r, z, n).
A subclass states its torch module (``kind``), ``blocks`` = k, and the two conversions between its fields
and torch's four tensors ``weight_ih, weight_hh, bias_ih, bias_hh``; everything else is here.
"""
from __future__ import annotations

from dataclasses import fields
from typing import ClassVar

import numpy as np

from . import _torch_interop as interop
from ._torch_interop import TorchWeights
from ._validate import as_float_array, check_int, check_params_block


class CellParams:
    """Base class of the cells' parameter dataclasses; see the module docstring for what a subclass provides."""

    kind: ClassVar[str]    # the torch module: nn.<kind> (layer) and nn.<kind>Cell
    blocks: ClassVar[int]  # row blocks stacked in the weights

    def __post_init__(self):
        name = type(self).__name__
        arrays = {f.name: as_float_array(f"{name}.{f.name}", getattr(self, f.name)) for f in fields(self)}
        for field, array in arrays.items():
            setattr(self, field, array)
        first, weights = next(iter(arrays.items()))
        k = "" if self.blocks == 1 else str(self.blocks)
        if weights.ndim != 2 or weights.shape[0] % self.blocks != 0:
            raise ValueError(f"{name}.{first} must be 2-D with shape ({k}H, I); got {weights.shape}")
        rows, I = weights.shape
        H = rows // self.blocks
        expected = [(rows, I), (rows, H), (rows,)] + [(H,)] * (len(arrays) - 3)
        check_params_block(name, arrays, dict(zip(arrays, expected)))

    @property
    def input_size(self) -> int:
        """I, the number of input features."""
        return getattr(self, fields(self)[0].name).shape[1]

    @property
    def hidden_size(self) -> int:
        """H, the number of hidden units."""
        return getattr(self, fields(self)[0].name).shape[0] // self.blocks

    @property
    def dtype(self) -> np.dtype:
        """The one floating dtype of every array (float64 for the gradient checks, float32 like torch's default)."""
        return getattr(self, fields(self)[0].name).dtype

    @classmethod
    def init(cls, input_size: int, hidden_size: int, seed: int = 0, dtype=np.float64):
        """torch's default initialisation: each of torch's four tensors drawn from U(−1/√H, 1/√H).

        Where torch adds its two bias vectors, the bias kept here is their sum, so it has torch's
        distribution: the sum of two independent U(−1/√H, 1/√H) draws (a triangle on ±2/√H), not one draw.
        Seeded with numpy (``seed``), so the numbers differ from torch's own draws.
        """
        input_size = check_int("input_size", input_size)
        hidden_size = check_int("hidden_size", hidden_size)
        rng = np.random.default_rng(check_int("seed", seed, minimum=0))
        bound = 1.0 / np.sqrt(hidden_size)
        draw = lambda *shape: rng.uniform(-bound, bound, size=shape).astype(dtype)
        rows = cls.blocks * hidden_size
        return cls.from_torch_weights(TorchWeights(weight_ih=draw(rows, input_size), weight_hh=draw(rows, hidden_size),
                                                   bias_ih=draw(rows), bias_hh=draw(rows)))

    @classmethod
    def from_torch(cls, module):
        """Copy a single-layer ``torch.nn.<kind>`` or ``torch.nn.<kind>Cell`` (float32 stays float32)."""
        return cls.from_torch_weights(interop.read_weights(module, cls.kind))

    def to_torch(self, batch_first: bool = False):
        """A fresh ``torch.nn.<kind>`` (one layer, this dtype) computing the same function.

        ``batch_first`` changes only the layout of its input and output, never the weights.
        """
        import torch.nn as nn

        module = getattr(nn, self.kind)(self.input_size, self.hidden_size, batch_first=batch_first,
                                        dtype=interop.torch_dtype(self.dtype))
        interop.write_weights(module, self.to_torch_weights())
        return module

    @classmethod
    def from_torch_weights(cls, weights: TorchWeights):
        """This cell's parameters from torch's four tensors (numpy arrays); defined by each subclass."""
        raise NotImplementedError

    def to_torch_weights(self) -> TorchWeights:
        """Torch's four tensors (numpy arrays) for this cell's parameters; defined by each subclass."""
        raise NotImplementedError
