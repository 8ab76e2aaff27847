"""A trained :class:`~lessons_lib.language.char_lm.CharLM` copied into numpy, for sampling one character at a time.

Sampling feeds one character per step, batch 1. At that size a call of the torch module costs about
0.35–0.6 ms, most of it the module's own overhead; the arithmetic (one 4H × H matrix-vector product)
takes about 0.03 ms. :class:`NumpyStepper` writes the cell's equations out in numpy, on a frozen
copy of the weights (evaluation mode: no dropout), and is about five times faster — what an
interactive explorer needs to redraw 240 characters at every slider step.

The equations, for one layer (torch's gate order; ``x`` is the layer's input, the embedding ``E[w]``
for the first layer)::

    LSTM   [i; f; g; o] = W_ih x + b_ih + W_hh h + b_hh          (4H,)
           c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g),   h' = σ(o) ⊙ tanh(c')
    GRU    [r; z] = σ(W_i[rz] x + b_i[rz] + W_h[rz] h + b_h[rz]),   n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
           h' = (1 − z) ⊙ n + z ⊙ h
    logits = W_out h'_top + b_out                                  (V,)

The first layer's input projection ``W_ih E[w] + b_ih`` depends only on the character ``w``, so it is
computed once for the whole vocabulary, a ``(V, 4H)`` table (``(V, 3H)`` for the GRU).

It implements the sampling interface of :mod:`lessons_lib.language.sampling` and gives the module's
logits to float32 rounding (tests compare them). It is a snapshot: train the model further and make a
new one.
"""
from __future__ import annotations

import numpy as np
import torch

from .char_lm import CharLM


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)         # = 1 / (1 + e^{−x}), without overflow for large −x


class NumpyStepper:
    """``NumpyStepper(model)``: a numpy snapshot of ``model`` (a :class:`CharLM`) with ``start`` / ``next_logits`` /
    ``advance``. The state is ``(h, c, logits)`` for the LSTM and ``(h, None, logits)`` for the GRU; ``h`` and
    ``c`` are ``(num_layers, B, H)`` float32, ``logits`` ``(B, V)``. States are never changed in place, so
    ``start`` keeps the state after the last prompt it read and returns it again for the same prompt.
    """

    def __init__(self, model: CharLM):
        if not isinstance(model, CharLM):
            raise ValueError(f"model must be a CharLM (lessons_lib.language.char_lm); got {type(model).__name__}")
        self.cell, self.num_layers, self.hidden_size = model.cell, model.num_layers, model.hidden_size
        self.vocab_size = model.vocab_size
        recurrent = model.recurrent

        def weight(name: str) -> np.ndarray:
            return getattr(recurrent, name).detach().to("cpu", torch.float32).numpy().copy()

        self._input_weights = [weight(f"weight_ih_l{k}").T.copy() for k in range(self.num_layers)]   # (in, GH)
        self._input_biases = [weight(f"bias_ih_l{k}") for k in range(self.num_layers)]
        self._hidden_weights = [weight(f"weight_hh_l{k}").T.copy() for k in range(self.num_layers)]  # (H, GH)
        self._hidden_biases = [weight(f"bias_hh_l{k}") for k in range(self.num_layers)]
        if self.cell == "lstm":     # the LSTM's two biases only ever appear summed: add b_hh to the input side once
            self._input_biases = [b_ih + b_hh for b_ih, b_hh in zip(self._input_biases, self._hidden_biases)]
            self._hidden_biases = [None] * self.num_layers
        embedding = model.embedding.weight.detach().to("cpu", torch.float32).numpy()
        self._first_inputs = embedding @ self._input_weights[0] + self._input_biases[0]          # (V, GH)
        self._head_weight = model.head.weight.detach().to("cpu", torch.float32).numpy().T.copy()  # (H, V)
        self._head_bias = model.head.bias.detach().to("cpu", torch.float32).numpy().copy()
        self._started = (None, None)      # the last prompt read and the state after it (states are never changed in place)

    # ------------------------------------------------------------------ one step of the stacked cells
    def _step(self, ids: np.ndarray, h: np.ndarray, c: np.ndarray | None):
        """Feed ``ids (B,)``; return the new ``h``, ``c`` (``(L, B, H)``) and the logits ``(B, V)``."""
        H = self.hidden_size
        h_new, c_new = np.empty_like(h), (None if c is None else np.empty_like(c))
        below = None
        for k in range(self.num_layers):
            projected = self._first_inputs[ids] if k == 0 else below @ self._input_weights[k] + self._input_biases[k]
            recurrent = h[k] @ self._hidden_weights[k]
            if self.cell == "lstm":
                gates = projected + recurrent                        # biases folded into ``projected``
                sigmoids = _sigmoid(gates)                           # i, f and o in one call (g's part unused)
                c_new[k] = sigmoids[:, H:2 * H] * c[k] + sigmoids[:, :H] * np.tanh(gates[:, 2 * H:3 * H])
                h_new[k] = sigmoids[:, 3 * H:] * np.tanh(c_new[k])
            else:
                recurrent += self._hidden_biases[k]
                r = _sigmoid(projected[:, :H] + recurrent[:, :H])
                z = _sigmoid(projected[:, H:2 * H] + recurrent[:, H:2 * H])
                n = np.tanh(projected[:, 2 * H:] + r * recurrent[:, 2 * H:])
                h_new[k] = (1.0 - z) * n + z * h[k]
            below = h_new[k]
        return h_new, c_new, below @ self._head_weight + self._head_bias

    # ------------------------------------------------------------------ the sampling interface
    def start(self, prompt_ids):
        """Read ``prompt_ids (B, P)`` from a zero state."""
        prompt = np.asarray(prompt_ids)
        if prompt.ndim != 2 or prompt.shape[1] == 0 or not np.issubdtype(prompt.dtype, np.integer):
            raise ValueError(f"prompt_ids must be 2-D integer ids (B, P) with P >= 1; got shape {prompt.shape}, "
                             f"dtype {prompt.dtype}")
        if prompt.min() < 0 or prompt.max() >= self.vocab_size:
            raise ValueError(f"prompt_ids must lie in [0, {self.vocab_size}); got values in "
                             f"[{prompt.min()}, {prompt.max()}]")
        key = (prompt.shape, prompt.astype(np.int64).tobytes())
        if self._started[0] != key:            # the explorer reads the same prompt for its bars and its sample
            h = np.zeros((self.num_layers, prompt.shape[0], self.hidden_size), dtype=np.float32)
            state = (h, h.copy() if self.cell == "lstm" else None, None)
            for t in range(prompt.shape[1]):
                state = self.advance(state, prompt[:, t])
            self._started = (key, state)
        return self._started[1]

    def next_logits(self, state) -> np.ndarray:
        """The logits for the next character, ``(B, V)`` float64."""
        return state[2].astype(np.float64)

    def advance(self, state, ids):
        """Feed one character per stream, ``ids (B,)``."""
        h, c, _ = state
        return self._step(np.asarray(ids, dtype=np.int64), h, c)
