"""Exercise checks for notebook 01 (the RNN from its equation).

Each check runs the learner's answer on seeded cases and compares it with the tested reference in
:mod:`lessons_lib.rnn`. Sizes differ (B ≠ I ≠ H, T ≠ B) so that a transposed weight or a swapped axis
shows up as a shape error, and one square case (all sizes equal) catches the transposes that shapes
cannot. Typical slips are recognised by computing them too. A wrong answer prints feedback and
returns ``False``; only misuse (a number where a function is expected) raises.
"""
from __future__ import annotations

import numpy as np

from ..rnn import RNNParams, rnn_forward, rnn_step
from ._feedback import array_problem, call_safely, report
from ._slips import matching_slip

__all__ = ["check_rnn_step", "check_rnn_forward", "check_delay_line", "check_last_time_step"]


def _weights(I: int, H: int, seed: int) -> RNNParams:
    """Random weights with a clearly non-zero bias (so a missing bias cannot hide)."""
    params = RNNParams.init(I, H, seed=seed)
    params.b[:] = np.random.default_rng(seed + 100).uniform(-1.0, 1.0, H)
    return params


def _step_slips(x, h_prev, p: RNNParams) -> dict[str, tuple[np.ndarray, str]]:
    a = x @ p.W_xh.T + h_prev @ p.W_hh.T + p.b
    slips = {
        "no tanh": (a, "the pre-activation is right; apply np.tanh to it."),
        "sigmoid": (1 / (1 + np.exp(-a)), "the vanilla RNN (and torch.nn.RNN's default) uses tanh, not the sigmoid."),
        "no bias": (np.tanh(a - p.b), "the bias b is missing: h = tanh(x W_xhᵀ + h_prev W_hhᵀ + b)."),
        "W_hh not transposed": (np.tanh(x @ p.W_xh.T + h_prev @ p.W_hh + p.b),
                                "with row vectors (one row per batch element) the recurrent term is "
                                "h_prev @ W_hh.T, not h_prev @ W_hh (W_hh[i, j] is the weight from unit j to unit i)."),
        "h_prev ignored": (np.tanh(x @ p.W_xh.T + p.b), "the recurrent term h_prev @ W_hh.T is missing."),
        "output transposed": (np.tanh(a).T, "you returned hᵀ: keep one row per batch element, shape (B, H)."),
    }
    if p.input_size == p.hidden_size:
        slips["W_xh not transposed"] = (np.tanh(x @ p.W_xh + h_prev @ p.W_hh.T + p.b),
                                        "x @ W_xh.T, not x @ W_xh: W_xh has shape (H, I), torch's weight_ih_l0.")
    return slips


def check_rnn_step(function) -> bool:
    """Exercise: ``function(x (B, I), h_prev (B, H), W_xh (H, I), W_hh (H, H), b (H,)) -> h (B, H)``."""
    name = "rnn_step"
    for B, I, H, seed in ((4, 4, 4, 1), (2, 3, 4, 0)):  # square first (a slip gets its hint), then rectangular
        rng = np.random.default_rng(seed)
        p = _weights(I, H, seed)
        x, h_prev = rng.standard_normal((B, I)), rng.standard_normal((B, H)) * 0.5
        answer, error = call_safely(function, x.copy(), h_prev.copy(), p.W_xh.copy(), p.W_hh.copy(), p.b.copy())
        if error:
            return report(name, error, f"with B={B}, I={I}, H={H}: x (B, I) @ W_xh.T (I, H) gives (B, H); "
                                       "h_prev (B, H) @ W_hh.T (H, H) gives (B, H).")
        expected = rnn_step(x, h_prev, p)
        problem = array_problem(answer, expected, "h", "(B, H)")
        if problem:
            return report(name, problem, matching_slip(answer, _step_slips(x, h_prev, p))
                          or "write h = np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b) and compare term by term.")
    return report(name, None, success="It equals lessons_lib.rnn.rnn_step.")


def check_rnn_forward(function) -> bool:
    """Exercise: ``function(xs (T, B, I), h0 (B, H), W_xh, W_hh, b) -> hs (T, B, H)`` with hs[t] = h_{t+1}."""
    name = "rnn_forward"
    T, B, I, H = 5, 2, 3, 4
    rng = np.random.default_rng(7)
    p = _weights(I, H, 7)
    xs, h0 = rng.standard_normal((T, B, I)), rng.standard_normal((B, H)) * 0.5
    answer, error = call_safely(function, xs.copy(), h0.copy(), p.W_xh.copy(), p.W_hh.copy(), p.b.copy())
    if error:
        return report(name, error, "loop over t in range(T), compute h from xs[t] and the previous h, and "
                                   "store it in hs[t] of an array of shape (T, B, H).")
    expected, _ = rnn_forward(xs, h0, p)
    problem = array_problem(answer, expected, "hs", "(T, B, H)")
    if problem is None:
        return report(name, None, success="The same weights were used at every step: that is parameter sharing.")
    from_h0 = np.tanh(xs @ p.W_xh.T + h0 @ p.W_hh.T + p.b)
    slips = {
        "last only": (expected[-1], "return every state stacked, shape (T, B, H), not only the last one."),
        "batch first": (expected.transpose(1, 0, 2), "the result is time-major: hs[t] is the whole batch at "
                                                     "step t, shape (T, B, H), not (B, T, H)."),
        "not carried": (from_h0, "every step used h0: the new state must become the previous state of the next "
                                 "step (h = ...; then use h in the next iteration)."),
        "shifted": (np.concatenate([h0[None], expected[:-1]]), "hs[t] should be h_{t+1}, the state *after* "
                                                               "reading xs[t]: store h after computing it."),
        "with h0": (np.concatenate([h0[None], expected]), "leave h0 out: hs has T entries, h_1 .. h_T."),
    }
    return report(name, problem, matching_slip(answer, slips) or "compare your hs[0] with "
                  "np.tanh(xs[0] @ W_xh.T + h0 @ W_hh.T + b).")


def _delay_states(params: RNNParams) -> np.ndarray:
    xs = np.random.default_rng(3).uniform(-1.5, 1.5, size=(9, 2, 1))
    return rnn_forward(xs, np.zeros((2, 3)), params)[0]


DELAY_LINE = RNNParams(W_xh=np.array([[1.0], [0.0], [0.0]]),
                       W_hh=np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), b=np.zeros(3))


def check_delay_line(answer) -> bool:
    """Exercise: ``answer()`` returns the ``RNNParams`` (I=1, H=3) of a delay line: unit k holds the input
    from k steps ago (an ``RNNParams`` itself is accepted too).

    Precisely, with h_0 = 0: h_t[0] = tanh(x_t), h_t[1] = tanh(h_{t−1}[0]), h_t[2] = tanh(h_{t−1}[1]).
    Judged by behaviour on a random input sequence, not by comparing the matrices.
    """
    name = "delay_line"
    params, error = call_safely(answer) if callable(answer) else (answer, None)
    if error:
        return report(name, error, "return RNNParams(W_xh=..., W_hh=..., b=...) built from float arrays.")
    if not isinstance(params, RNNParams):
        return report(name, f"expected an RNNParams; got {type(params).__name__}",
                      "build it with RNNParams(W_xh=..., W_hh=..., b=...) using float arrays, and return it.")
    if (params.input_size, params.hidden_size) != (1, 3):
        return report(name, f"expected input size I=1 and hidden size H=3; got I={params.input_size}, "
                            f"H={params.hidden_size}", "W_xh has shape (H, I) = (3, 1), W_hh (3, 3), b (3,).")
    answer = _delay_states(RNNParams(params.W_xh.astype(np.float64), params.W_hh.astype(np.float64),
                                     params.b.astype(np.float64)))
    expected = _delay_states(DELAY_LINE)
    problem = array_problem(answer, expected, "the hidden states over 9 steps", "(T, B, H)")
    if problem is None:
        return report(name, None, success="Each unit copies its neighbour: after 3 steps an input is gone "
                                          "for good. A memory of fixed length, wired by hand.")
    slips = {
        "shift upwards": (_delay_states(RNNParams(DELAY_LINE.W_xh, DELAY_LINE.W_hh.T, DELAY_LINE.b)),
                          "your shift runs the wrong way: W_hh[i, j] is the weight *from* unit j *to* unit i, "
                          "so unit 1 reads unit 0 through W_hh[1, 0]."),
        "identity": (_delay_states(RNNParams(DELAY_LINE.W_xh, np.eye(3), DELAY_LINE.b)),
                     "with W_hh = I each unit keeps its own value instead of passing it on."),
        "input everywhere": (_delay_states(RNNParams(np.ones((3, 1)), DELAY_LINE.W_hh, DELAY_LINE.b)),
                             "only unit 0 should read the input: W_xh = [[1], [0], [0]]."),
    }
    return report(name, problem, matching_slip(answer, slips)
                  or "unit 0 reads the input (W_xh[0, 0] = 1); unit k reads unit k−1 (W_hh[k, k−1] = 1); no bias.")


def check_last_time_step(function) -> bool:
    """Exercise: ``function(output, batch_first) -> (B, H)``, the output of the last time step, either layout.

    ``output`` is what ``torch.nn.RNN`` returns first: ``(T, B, H)`` or, with ``batch_first=True``, ``(B, T, H)``.
    """
    import torch

    name = "last_time_step"
    for T, B, H in ((5, 3, 2), (4, 4, 4)):  # different sizes, then T = B (where a slip has the right shape)
        generator = torch.Generator().manual_seed(T * 10 + B)
        time_major = torch.randn(T, B, H, generator=generator, dtype=torch.float64)
        for batch_first in (False, True):
            output = time_major.transpose(0, 1).contiguous() if batch_first else time_major
            answer, error = call_safely(function, output.clone(), batch_first)
            layout = "(B, T, H)" if batch_first else "(T, B, H)"
            if error:
                return report(name, error, f"output has layout {layout} when batch_first={batch_first}.")
            expected = time_major[-1].numpy()
            problem = array_problem(answer, expected, f"the result for batch_first={batch_first}", "(B, H)")
            if problem:
                slips = {
                    "output[-1] for batch_first": (output[-1].numpy(),
                                                   "with batch_first=True, output[-1] is the last *sequence* of the "
                                                   "batch (all its T steps); the last time step is output[:, -1]."),
                    "output[:, -1] for time-major": (output[:, -1].numpy(),
                                                     "with batch_first=False the layout is (T, B, H): the last time "
                                                     "step is output[-1]; output[:, -1] is the last batch element."),
                    "first step": (time_major[0].numpy(), "that is the first time step; index -1 is the last."),
                }
                return report(name, problem, matching_slip(answer, slips)
                              or "time-major: output[-1]; batch-first: output[:, -1]. Both equal h_n[0].")
    return report(name, None, success="It equals h_n[0] in both layouts (h_n itself is never batch-first).")
