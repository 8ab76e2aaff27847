"""One description per recurrent cell, so the same tests run against RNN, LSTM and GRU.

Each ``Cell`` knows how to build numpy params, run forward/backward in numpy with a fixed
scalar loss, and run the same loss through the matching torch module.
The loss is L = Σ G ⊙ hs (+ Σ G_c ⊙ c_T for the LSTM), with fixed random G, so that every
time step and every hidden unit carries gradient.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from lessons_lib import gru, lstm, rnn


@dataclass
class Cell:
    name: str
    params_cls: type
    torch_cls: Callable
    has_cell_state: bool
    param_fields: tuple

    def init(self, I, H, seed=0, dtype=np.float64):
        return self.params_cls.init(I, H, seed=seed, dtype=dtype)

    def states(self, B, H, rng, dtype=np.float64):
        n = 2 if self.has_cell_state else 1
        return [rng.standard_normal((B, H)).astype(dtype) * 0.5 for _ in range(n)]

    def forward(self, xs, states, params):
        """numpy forward -> (hs, c_T or None)."""
        if self.name == "rnn":
            return rnn.rnn_forward(xs, states[0], params)[0], None
        if self.name == "lstm":
            hs, (_, c_T), _ = lstm.lstm_forward(xs, states[0], states[1], params)
            return hs, c_T
        return gru.gru_forward(xs, states[0], params)[0], None

    def loss(self, xs, states, params, G, Gc):
        hs, c_T = self.forward(xs, states, params)
        value = np.sum(G * hs)
        if c_T is not None:
            value += np.sum(Gc * c_T)
        return value

    def backward(self, xs, states, params, G, Gc):
        """numpy gradients of the loss: dict name -> array (param fields, 'xs', 'h0', 'c0')."""
        if self.name == "rnn":
            _, cache = rnn.rnn_forward(xs, states[0], params)
            grads, dxs, dh0 = rnn.rnn_backward(G, cache)
            extra = {"h0": dh0}
        elif self.name == "lstm":
            _, _, trace = lstm.lstm_forward(xs, states[0], states[1], params)
            grads, dxs, dh0, dc0 = lstm.lstm_backward(G, trace, xs, states[0], states[1], params, dc_T=Gc)
            extra = {"h0": dh0, "c0": dc0}
        else:
            _, trace = gru.gru_forward(xs, states[0], params)
            grads, dxs, dh0 = gru.gru_backward(G, trace, xs, states[0], params)
            extra = {"h0": dh0}
        out = {f: getattr(grads, f) for f in self.param_fields}
        out.update(xs=dxs, **extra)
        return out

    def torch_run(self, module, xs, states, G=None, Gc=None):
        """Run the torch module; if G is given, also return autograd gradients keyed like ``backward``."""
        xs_t = torch.tensor(xs, requires_grad=True)
        st = [torch.tensor(s[None], requires_grad=True) for s in states]
        if self.has_cell_state:
            hs, (h_n, c_n) = module(xs_t, (st[0], st[1]))
        else:
            hs, h_n = module(xs_t, st[0])
        if G is None:
            return hs.detach().numpy(), h_n.detach().numpy()[0]
        loss = (hs * torch.tensor(G)).sum()
        if self.has_cell_state:
            loss = loss + (c_n * torch.tensor(Gc)).sum()
        loss.backward()
        grad = lambda name: getattr(module, name).grad.numpy()
        H = module.hidden_size
        if self.name == "gru":
            b_ih, b_hh = grad("bias_ih_l0"), grad("bias_hh_l0")
            out = {"W_ih": grad("weight_ih_l0"), "W_hh": grad("weight_hh_l0"),
                   "b": b_ih, "b_hn": b_hh[2 * H:]}
            # for r and z the two biases enter as a sum, so their gradients agree
            np.testing.assert_allclose(b_ih[: 2 * H], b_hh[: 2 * H], atol=1e-12)
        else:
            wi, wh = self.param_fields[0], self.param_fields[1]
            out = {wi: grad("weight_ih_l0"), wh: grad("weight_hh_l0"), "b": grad("bias_ih_l0")}
            np.testing.assert_allclose(grad("bias_ih_l0"), grad("bias_hh_l0"), atol=1e-12)
        out["xs"] = xs_t.grad.numpy()
        out["h0"] = st[0].grad.numpy()[0]
        if self.has_cell_state:
            out["c0"] = st[1].grad.numpy()[0]
        return out


RNN = Cell("rnn", rnn.RNNParams, torch.nn.RNN, False, ("W_xh", "W_hh", "b"))
LSTM = Cell("lstm", lstm.LSTMParams, torch.nn.LSTM, True, ("W_ih", "W_hh", "b"))
GRU = Cell("gru", gru.GRUParams, torch.nn.GRU, False, ("W_ih", "W_hh", "b", "b_hn"))
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
