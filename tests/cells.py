"""One description per recurrent cell, so the same tests run against RNN, LSTM and GRU.

The three cells share one contract, which the harness calls the same way for each:
``forward(xs, *states, params) -> (hs, cache)`` and ``backward(dhs, cache[, dc_T]) -> (grads, dxs, *dstates)``,
with ``states = (h0,)`` or ``(h0, c0)``. The loss is L = Σ G ⊙ hs (+ Σ G_c ⊙ c_T for the LSTM), with fixed
random G, so that every time step and every hidden unit carries gradient. Only the mapping of torch's
gradients to the numpy parameters differs per cell, and each ``Cell`` carries its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from lessons_lib import gru, lstm, rnn


def summed_bias_grads(module) -> dict:
    """RNN and LSTM: b = bias_ih + bias_hh, so ∂L/∂b equals the gradient of either torch bias."""
    grad = lambda name: getattr(module, name).grad.numpy()
    np.testing.assert_allclose(grad("bias_ih_l0"), grad("bias_hh_l0"), atol=1e-12)
    return {"b": grad("bias_ih_l0")}


def gru_bias_grads(module) -> dict:
    """GRU: b holds bias_ih (+ bias_hh for r and z, whose gradients agree); b_hn is bias_hh's n block."""
    H = module.hidden_size
    b_ih, b_hh = module.bias_ih_l0.grad.numpy(), module.bias_hh_l0.grad.numpy()
    np.testing.assert_allclose(b_ih[: 2 * H], b_hh[: 2 * H], atol=1e-12)
    return {"b": b_ih, "b_hn": b_hh[2 * H:]}


@dataclass
class Cell:
    name: str
    params_cls: type
    forward_fn: Callable        # (xs, *states, params) -> (hs, cache)
    backward_fn: Callable       # (dhs, cache[, dc_T]) -> (grads, dxs, *dstates)
    torch_cls: Callable
    state_names: tuple          # ("h0",) or ("h0", "c0")
    param_fields: tuple         # (input weights, recurrent weights, biases ...)
    torch_bias_grads: Callable  # module after backward -> {bias field: gradient}

    @property
    def has_cell_state(self) -> bool:
        return len(self.state_names) == 2

    def init(self, I, H, seed=0, dtype=np.float64):
        return self.params_cls.init(I, H, seed=seed, dtype=dtype)

    def states(self, B, H, rng, dtype=np.float64):
        return [rng.standard_normal((B, H)).astype(dtype) * 0.5 for _ in self.state_names]

    def forward(self, xs, states, params):
        """numpy forward -> (hs, cache)."""
        return self.forward_fn(xs, *states, params)

    def loss(self, xs, states, params, G, Gc):
        hs, cache = self.forward(xs, states, params)
        value = np.sum(G * hs)
        if self.has_cell_state:
            value += np.sum(Gc * cache.c_T)
        return value

    def backward(self, xs, states, params, G, Gc):
        """numpy gradients of the loss: dict name -> array (param fields, 'xs', 'h0', 'c0')."""
        _, cache = self.forward(xs, states, params)
        grads, dxs, *dstates = self.backward_fn(G, cache, *([Gc] if self.has_cell_state else []))
        out = {f: getattr(grads, f) for f in self.param_fields}
        out.update(xs=dxs, **dict(zip(self.state_names, dstates, strict=True)))
        return out

    def torch_run(self, module, xs, states, G=None, Gc=None):
        """Run the torch module -> ``(hs, [h_n[0], c_n[0]] or [h_n[0]])``; if G is given, instead return the
        autograd gradients keyed like ``backward``."""
        xs_t = torch.tensor(xs, requires_grad=True)
        st = [torch.tensor(s[None], requires_grad=True) for s in states]
        hs, final = module(xs_t, tuple(st) if self.has_cell_state else st[0])
        finals = list(final) if self.has_cell_state else [final]
        if G is None:
            return hs.detach().numpy(), [f.detach().numpy()[0] for f in finals]
        loss = (hs * torch.tensor(G)).sum()
        if self.has_cell_state:
            loss = loss + (finals[1] * torch.tensor(Gc)).sum()
        loss.backward()
        out = {self.param_fields[0]: module.weight_ih_l0.grad.numpy(), "W_hh": module.weight_hh_l0.grad.numpy()}
        out.update(self.torch_bias_grads(module))
        out["xs"] = xs_t.grad.numpy()
        out.update({name: s.grad.numpy()[0] for name, s in zip(self.state_names, st)})
        return out


RNN = Cell("rnn", rnn.RNNParams, rnn.rnn_forward, rnn.rnn_backward, torch.nn.RNN, ("h0",),
           ("W_xh", "W_hh", "b"), summed_bias_grads)
LSTM = Cell("lstm", lstm.LSTMParams, lstm.lstm_forward, lstm.lstm_backward, torch.nn.LSTM, ("h0", "c0"),
            ("W_ih", "W_hh", "b"), summed_bias_grads)
GRU = Cell("gru", gru.GRUParams, gru.gru_forward, gru.gru_backward, torch.nn.GRU, ("h0",),
           ("W_ih", "W_hh", "b", "b_hn"), gru_bias_grads)
CELLS = [RNN, LSTM, GRU]

# (T, B, I, H): the edges T=1, B=1, I=1, H=1 and some ordinary sizes
SIZES = [(1, 1, 1, 1), (1, 3, 2, 4), (6, 1, 1, 3), (4, 2, 3, 1), (7, 3, 4, 5), (12, 4, 2, 6)]


def random_torch_module(cell: Cell, I, H, seed, dtype=torch.float64):
    """A torch module with random weights *and* distinct random biases in both bias vectors."""
    torch.manual_seed(seed)
    module = cell.torch_cls(I, H, dtype=dtype)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-0.8, 0.8)
    return module
