"""The blog lesson's model done right: a recurrent backbone (LSTM, GRU or tanh RNN) plus a linear head.

What the seed's example got wrong, and what this module does instead:

- its ``forward`` built ``h0``/``c0`` from a *global* ``hidden_size``; here every size is stored on
  the module (``self.hidden_size``) and the zero initial state is made from the input itself
  (``x.new_zeros``: same dtype and device as ``x``);
- it left ``batch_first`` implicit; here it is an explicit argument. ``batch_first=True`` changes
  the layout of the input ``x`` and of per-step outputs only, never that of ``h_0``/``h_n``,
  which stay ``(num_layers, B, H)``;
- forget-gate bias initialisation is done for torch's *two* bias vectors (``bias_ih_l0`` and
  ``bias_hh_l0`` enter the gates as a sum, so setting both to 1 would give an effective bias of 2).

Shapes (time-major, the collection's convention): input ``x (T, B, I)``; the head reads the last
hidden state ``h_T (B, H)`` and returns ``ŷ = h_T W_outᵀ + b_out`` of shape ``(B, O)``; with
``per_step=True`` it reads every ``h_t`` and returns ``(T, B, O)`` (e.g. logits for the copy task).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._validate import check_int

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}
"""Backbones by name; ``"rnn"`` is torch's Elman RNN with tanh, h_t = tanh(x_t W_ihᵀ + h_{t−1} W_hhᵀ + b)."""


class SequenceRegressor(nn.Module):
    """A recurrent backbone (``cell`` in ``"lstm"``, ``"gru"``, ``"rnn"``) and a linear read-out.

    Args:
        input_size: ``I``, features per time step.
        hidden_size: ``H``, size of the hidden state (stored as ``self.hidden_size``).
        output_size: ``O``, outputs per prediction.
        cell: which backbone; an unknown name raises ``ValueError`` listing the valid ones.
        forget_bias: ``None`` keeps torch's default initialisation; a float sets the forget-gate
            block of the *effective* bias ``bias_ih + bias_hh`` to that value (LSTM only).
        per_step: read out every hidden state (``(T, B, O)``) instead of the last one (``(B, O)``).
        batch_first: inputs (and per-step outputs) are ``(B, T, ·)`` instead of ``(T, B, ·)``.
        num_layers: stacked recurrent layers (default 1).
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int = 1, cell: str = "lstm",
                 forget_bias: float | None = None, per_step: bool = False, batch_first: bool = False,
                 num_layers: int = 1):
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}; got {cell!r}")
        self.input_size = check_int("input_size", input_size)
        self.hidden_size = check_int("hidden_size", hidden_size)
        self.output_size = check_int("output_size", output_size)
        self.num_layers = check_int("num_layers", num_layers)
        self.cell = cell
        self.per_step = bool(per_step)
        self.batch_first = bool(batch_first)
        self.recurrent = CELLS[cell](self.input_size, self.hidden_size, num_layers=self.num_layers,
                                     batch_first=self.batch_first)
        self.head = nn.Linear(self.hidden_size, self.output_size)
        if forget_bias is not None:
            if cell != "lstm":
                raise ValueError(f"forget_bias applies to cell='lstm' only (the GRU and RNN have no forget "
                                 f"gate); got cell={cell!r} with forget_bias={forget_bias!r}")
            set_forget_bias(self.recurrent, float(forget_bias))

    def initial_state(self, x: torch.Tensor):
        """Zero initial state from the module's own sizes: ``h_0 (num_layers, B, H)`` (and ``c_0`` for the LSTM).

        Made with ``x.new_zeros`` so that it follows ``x``'s dtype and device. Note the layout is
        ``(num_layers, B, H)`` whether or not ``batch_first`` is set.
        """
        batch = x.shape[0] if self.batch_first else x.shape[1]
        h0 = x.new_zeros(self.num_layers, batch, self.hidden_size)
        return (h0, x.new_zeros(self.num_layers, batch, self.hidden_size)) if self.cell == "lstm" else h0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x (T, B, I)`` (``(B, T, I)`` if ``batch_first``) -> ``(B, O)``; per step ``(T, B, O)`` (``(B, T, O)``)."""
        layout = "(B, T, I)" if self.batch_first else "(T, B, I)"
        if x.ndim != 3 or x.shape[-1] != self.input_size:
            raise ValueError(f"x must be 3-D with shape {layout} and I={self.input_size}; got shape "
                             f"{tuple(x.shape)}" + (" -- add a feature axis, e.g. x[..., None]" if x.ndim == 2 else ""))
        hs, state = self.recurrent(x, self.initial_state(x))  # hs: every h_t of the top layer
        if self.per_step:
            return self.head(hs)                              # ŷ_t = h_t W_outᵀ + b_out
        h_n = state[0] if self.cell == "lstm" else state      # (num_layers, B, H), never batch-first
        return self.head(h_n[-1])                             # ŷ = h_T W_outᵀ + b_out, (B, O)


def _lstm_of(model) -> nn.LSTM:
    if isinstance(model, nn.LSTM):
        return model
    if isinstance(model, SequenceRegressor) and model.cell == "lstm":
        return model.recurrent
    detail = f" with cell={model.cell!r}" if isinstance(model, SequenceRegressor) else ""
    raise ValueError(f"expected an nn.LSTM or a SequenceRegressor with cell='lstm'; got {type(model).__name__}{detail}")


def set_forget_bias(lstm: nn.LSTM, value: float) -> None:
    """Make the effective forget-gate bias ``b_f = bias_ih[f] + bias_hh[f]`` equal ``value`` in every layer.

    torch adds its two bias vectors, so we put ``value`` in ``bias_ih``'s forget block and 0 in
    ``bias_hh``'s. Blocks are ordered i, f, g, o: the forget block is rows ``H:2H``.
    """
    lstm = _lstm_of(lstm)
    H = lstm.hidden_size
    with torch.no_grad():
        for layer in range(lstm.num_layers):
            getattr(lstm, f"bias_ih_l{layer}")[H:2 * H].fill_(value)
            getattr(lstm, f"bias_hh_l{layer}")[H:2 * H].zero_()


def forget_bias_of(model, layer: int = 0) -> np.ndarray:
    """The effective forget-gate bias ``bias_ih[H:2H] + bias_hh[H:2H]`` of one layer, shape ``(H,)``."""
    lstm = _lstm_of(model)
    H = lstm.hidden_size
    total = getattr(lstm, f"bias_ih_l{layer}") + getattr(lstm, f"bias_hh_l{layer}")
    return total[H:2 * H].detach().cpu().numpy().copy()
