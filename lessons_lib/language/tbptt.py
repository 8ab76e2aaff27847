"""Batches for stateful truncated backpropagation through time (截断的随时间反向传播, TBPTT).

A text of N characters is one long sequence. Backpropagating through all of it at once is
impossible (memory grows with N), so it is cut in two ways:

1. **B parallel streams.** The text is split into B equal, contiguous pieces, stacked as the columns
   of ``streams (L, B)``: column b holds characters ``[b·L, (b+1)·L)``. One batch row reads B places of
   the text at once.
2. **Windows of length T.** The streams are read T steps at a time: window k is rows ``[kT, (k+1)T)``.
   Inputs are characters, targets the characters one step later (``y_t = x_{t+1}``).

**Stateful**: the hidden state at the end of window k is the initial state of window k+1, because
window k+1 of stream b *continues* the text of window k of stream b. The model sees arbitrarily
long context in the forward pass. But the state is **detached** (``.detach()``) before it is carried
over: the gradient stops at the window's start, so backpropagation covers at most T steps and the
graph of the previous window can be freed. Without the detach the second ``backward()`` would
have to go through the previous window's graph, which was freed by the first one (torch raises
"Trying to backward through the graph a second time"); keeping the graphs instead would make each
step cost grow with the whole text read so far.

**Stateless**: every window starts from zeros: the model never sees more than T characters of
context, in training or (if evaluated the same way) in use.

Shapes (time-major): ``x, y (T, B)`` int64; the last window may be shorter than T.
"""
from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np
import torch

from .._validate import check_int


class Window(NamedTuple):
    """One TBPTT batch: ``x, y (T, B)`` int64 tensors (``y[t] = x[t+1]`` within each stream), and its index."""

    x: torch.Tensor
    y: torch.Tensor
    index: int


def streams(ids, batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and targets of B parallel streams: ``(L, B)`` each, ``L = (N − 1) // B``.

    Column b of the inputs is ``ids[b·L : (b+1)·L]`` and of the targets ``ids[b·L + 1 : (b+1)·L + 1]``.
    The last ``(N − 1) − B·L < B`` targets are dropped (fewer than one per stream).
    """
    ids = _as_ids(ids)
    batch_size = check_int("batch_size", batch_size)
    L = (len(ids) - 1) // batch_size
    if L < 1:
        raise ValueError(f"a text of {len(ids)} characters is too short for {batch_size} streams "
                         f"(each needs at least 2 characters)")
    inputs = ids[:L * batch_size].view(batch_size, L).t()          # (L, B): column b is the b-th piece of the text
    targets = ids[1:L * batch_size + 1].view(batch_size, L).t()    # the same, one character later
    return inputs, targets


def tbptt_windows(ids, batch_size: int, window: int) -> list[Window]:
    """The windows of one pass over the text: ``ceil(L / T)`` of them, each ``x, y (≤T, B)``, in reading order.

    Read in order, every target position of :func:`streams` is visited exactly once.
    """
    window = check_int("window", window)
    inputs, targets = streams(ids, batch_size)
    return [Window(inputs[s:s + window], targets[s:s + window], k)
            for k, s in enumerate(range(0, inputs.shape[0], window))]


def epochs_of_windows(ids, batch_size: int, window: int) -> Iterator[Window]:
    """Windows in reading order, epoch after epoch, forever (``Window.index`` restarts at 0 each epoch)."""
    windows = tbptt_windows(ids, batch_size, window)
    while True:
        yield from windows


def detach_state(state):
    """The same state values, cut from the graph that produced them: ``h.detach()`` for a tensor or each tensor
    of a tuple (the LSTM's ``(h, c)``). ``None`` stays ``None``."""
    if state is None:
        return None
    if isinstance(state, torch.Tensor):
        return state.detach()
    return tuple(s.detach() for s in state)


def _as_ids(ids) -> torch.Tensor:
    if isinstance(ids, np.ndarray):
        ids = torch.from_numpy(ids)
    if not isinstance(ids, torch.Tensor) or ids.ndim != 1 or ids.dtype not in (torch.int64, torch.int32):
        raise ValueError("ids must be a 1-D integer array or tensor of character ids (N,); got "
                         + (f"shape {tuple(ids.shape)}, dtype {ids.dtype}" if hasattr(ids, "shape") else type(ids).__name__))
    return ids.long()
