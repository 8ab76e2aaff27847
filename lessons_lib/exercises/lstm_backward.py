"""Exercise check for notebook 03's guided derivation: one step of LSTM backpropagation.

The learner writes ``lstm_step_backward(dh, dc, x, h_prev, c_prev, step, params)``: given the gradients
that reach this step's outputs (``dh`` = ∂L/∂h_t, everything that flows into h_t; ``dc`` = ∂L/∂c_t from
later steps only) and the forward values of the step (``step``, an :class:`~lessons_lib.lstm.LSTMStep`),
return ``(dx, dh_prev, dc_prev, dW_ih, dW_hh, db)``. On a one-step sequence, backpropagation through time
*is* that step, so the check compares with :func:`lessons_lib.lstm.lstm_backward` on ``xs = x[None]``.

As in the other checks: sizes all differ (I ≠ H ≠ B, 4H ≠ I), typical slips are recognised by computing
them too, a wrong answer prints feedback and returns ``False``, and an unattempted exercise (the student
version's ``raise NotImplementedError()``) prints "not attempted yet" and returns ``False``.
"""
from __future__ import annotations

import numpy as np

from ..lstm import LSTMParams, lstm_backward, lstm_forward, lstm_step
from ._feedback import NOT_ATTEMPTED, array_problem, report
from ._slips import matching_slip

__all__ = ["check_lstm_step_backward"]

I, H, B = 3, 4, 2
NAMES = ("dx", "dh_prev", "dc_prev", "dW_ih", "dW_hh", "db")
LAYOUTS = (f"(B={B}, I={I})", f"(B={B}, H={H})", f"(B={B}, H={H})", f"(4H={4 * H}, I={I})",
           f"(4H={4 * H}, H={H})", f"(4H={4 * H},)")


def one_step_backward(dh, dc, x, h_prev, c_prev, params: LSTMParams) -> tuple[np.ndarray, ...]:
    """The reference: ``lessons_lib.lstm``'s BPTT on the one-step sequence ``x[None]``, as the six arrays.

    ``lstm_forward(xs, h0, c0, params) -> (hs, cache)``, ``lstm_backward(dhs, cache, dc_T) -> (grads, dxs, dh0, dc0)``.
    """
    hs, cache = lstm_forward(x[None], h_prev, c_prev, params)
    grads, dxs, dh0, dc0 = lstm_backward(dh[None], cache, dc_T=dc)
    return dxs[0], dh0, dc0, grads.W_ih, grads.W_hh, grads.b


def step_backward_variant(dh, dc, x, h_prev, c_prev, step, params: LSTMParams, *, h_path=True, tanh_of_c=True,
                          candidate_tanh=True, forget_reads_c_prev=True, dc_prev_times_f=True,
                          order="ifgo") -> tuple[np.ndarray, ...]:
    """One step backwards with one deliberate slip switched on; every flag at its default is the right answer.

    The derivation, with g the candidate and da the gradient on the pre-activations a = x W_ihᵀ + h W_hhᵀ + b::

        dc_t = dc + dh ⊙ o ⊙ (1 − tanh²(c_t))         c_t reaches the loss through h_t too
        da_i = dc_t ⊙ g ⊙ i(1 − i),   da_f = dc_t ⊙ c_{t−1} ⊙ f(1 − f)
        da_g = dc_t ⊙ i ⊙ (1 − g²),   da_o = dh ⊙ tanh(c_t) ⊙ o(1 − o)
        da = [da_i, da_f, da_g, da_o]                 torch's block order
        dx = da W_ih,  dh_prev = da W_hh,  dc_prev = dc_t ⊙ f
        dW_ih = daᵀ x,  dW_hh = daᵀ h_prev,  db = Σ_batch da
    """
    i, f, g, o, c = step.input_gate, step.forget_gate, step.candidate, step.output_gate, step.cell
    tanh_c = np.tanh(c)
    dc_t = dc + (dh * o * ((1 - tanh_c ** 2) if tanh_of_c else (1 - c ** 2)) if h_path else 0.0)
    blocks = {"i": dc_t * g * i * (1 - i),
              "f": dc_t * (c_prev if forget_reads_c_prev else c) * f * (1 - f),
              "g": dc_t * i * ((1 - g ** 2) if candidate_tanh else g * (1 - g)),
              "o": dh * tanh_c * o * (1 - o)}
    da = np.concatenate([blocks[k] for k in order], axis=-1)                    # (B, 4H)
    dc_prev = dc_t * f if dc_prev_times_f else dc_t
    return da @ params.W_ih, da @ params.W_hh, dc_prev, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def _slips(*case) -> dict[str, tuple[tuple, str]]:
    return {
        "no path through h": (step_backward_variant(*case, h_path=False),
                              "c_t also reaches the loss through h_t = o ⊙ tanh(c_t): before anything else, "
                              "dc_t = dc + dh ⊙ o ⊙ (1 − tanh²(c_t))."),
        "1 − c² instead of 1 − tanh²(c)": (step_backward_variant(*case, tanh_of_c=False),
                                           "the derivative of tanh(c) is 1 − tanh²(c), not 1 − c²: "
                                           "c is not squashed, h is."),
        "sigmoid derivative for the candidate": (step_backward_variant(*case, candidate_tanh=False),
                                                 "the candidate g = tanh(a_g), so da_g uses 1 − g², not g(1 − g)."),
        "c_t in the forget gate": (step_backward_variant(*case, forget_reads_c_prev=False),
                                   "the forget gate multiplies the *previous* cell: da_f = dc_t ⊙ c_{t−1} ⊙ f(1 − f)."),
        "dc_prev without f": (step_backward_variant(*case, dc_prev_times_f=False),
                              "c_t = f ⊙ c_{t−1} + …, so dc_prev = dc_t ⊙ f: the cell path is scaled by the forget gate."),
        "blocks i, f, o, g": (step_backward_variant(*case, order="ifog"),
                              "stack da in torch's (and LSTMParams') block order i, f, g, o: the candidate is the "
                              "third block, the output gate the last."),
    }


HINTS = {
    "dx": "dx = da @ W_ih with da = [da_i, da_f, da_g, da_o], shape (B, 4H).",
    "dh_prev": "dh_prev = da @ W_hh: h_prev entered every gate through W_hh.",
    "dc_prev": "dc_prev = dc_t ⊙ f, where dc_t already includes the path through h_t.",
    "dW_ih": "dW_ih = daᵀ x, shape (4H, I), like W_ih.",
    "dW_hh": "dW_hh = daᵀ h_prev, shape (4H, H), like W_hh.",
    "db": "db = da summed over the batch, shape (4H,).",
}


def _case(seed: int):
    """Random weights, states and incoming gradients; every gate away from saturation, biases distinct."""
    rng = np.random.default_rng(seed)
    params = LSTMParams.init(I, H, seed=seed)
    params.b[:] = rng.uniform(-1, 1, 4 * H)
    x, h_prev, c_prev = rng.standard_normal((B, I)), 0.5 * rng.standard_normal((B, H)), rng.standard_normal((B, H))
    dh, dc = rng.standard_normal((B, H)), rng.standard_normal((B, H))
    return dh, dc, x, h_prev, c_prev, lstm_step(x, h_prev, c_prev, params), params


def _six(answer):
    """Accept a tuple/list of six arrays or an object with the six names; return (arrays, problem)."""
    if all(hasattr(answer, name) for name in NAMES):
        return [getattr(answer, name) for name in NAMES], None
    if isinstance(answer, (tuple, list)) and len(answer) == 6:
        return list(answer), None
    size = f" of length {len(answer)}" if isinstance(answer, (tuple, list)) else ""
    return None, f"expected the six gradients (dx, dh_prev, dc_prev, dW_ih, dW_hh, db); got {type(answer).__name__}{size}"


def check_lstm_step_backward(function) -> bool:
    """Exercise: ``function(dh (B, H), dc (B, H), x (B, I), h_prev (B, H), c_prev (B, H), step: LSTMStep,
    params: LSTMParams) -> (dx (B, I), dh_prev (B, H), dc_prev (B, H), dW_ih (4H, I), dW_hh (4H, H), db (4H,))``.
    """
    name = "lstm_step_backward"
    if not callable(function):
        raise TypeError(f"this check takes your function itself; got a {type(function).__name__}")
    for seed in (0, 1):
        dh, dc, x, h_prev, c_prev, step, params = _case(seed)
        try:
            answer = function(dh.copy(), dc.copy(), x.copy(), h_prev.copy(), c_prev.copy(), step,
                              LSTMParams(params.W_ih.copy(), params.W_hh.copy(), params.b.copy()))
        except NotImplementedError as error:
            if not error.args:     # the student version's stub
                print(f"⏳ {name}: {NOT_ATTEMPTED} — replace `raise NotImplementedError()` with your code "
                      f"and run this cell again.")
                return False
            return report(name, f"your function raised NotImplementedError: {error}")
        except Exception as error:  # the learner's code failed: report it, do not stop the notebook
            return report(name, f"your function raised {type(error).__name__}: {error}",
                          "check the shapes first: da is (B, 4H), W_ih (4H, I), W_hh (4H, H).")
        arrays, problem = _six(answer)
        if problem:
            return report(name, problem, "end with `return dx, dh_prev, dc_prev, dW_ih, dW_hh, db`.")
        expected = one_step_backward(dh, dc, x, h_prev, c_prev, params)
        for what, layout, got, want in zip(NAMES, LAYOUTS, arrays, expected):
            problem = array_problem(got, want, what, layout, rtol=1e-7, atol=1e-10)
            if problem:
                slip = matching_slip(arrays, _slips(dh, dc, x, h_prev, c_prev, step, params), rtol=1e-7, atol=1e-10)
                return report(name, problem, slip or HINTS[what])
    return report(name, None, success="It equals lessons_lib.lstm.lstm_backward on a one-step sequence: "
                                      "you have derived LSTM backpropagation.")
