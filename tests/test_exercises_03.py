"""The checks of notebook 03 accept the reference solutions and reject the typical slips with specific feedback.

Every wrong answer must *print* feedback and return False, never raise (a learner's notebook keeps
running); only misuse of a check raises.
"""
import math

import numpy as np
import pytest
import torch

from lessons_lib.exercises import (check_forget_bias_for_half_life, check_forget_gate_block, check_gru_step,
                                   check_lstm_step, check_set_forget_bias)
from lessons_lib.activations import sigmoid


# ----- references (what the notebook's solution cells contain) -----------------------------------

def lstm_step_reference(x, h_prev, c_prev, params):
    a = x @ params.W_ih.T + h_prev @ params.W_hh.T + params.b
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=-1)
    i, f, g, o = sigmoid(a_i), sigmoid(a_f), np.tanh(a_g), sigmoid(a_o)
    c = f * c_prev + i * g
    return o * np.tanh(c), c


def forget_block_reference(state_dict):
    H = state_dict["weight_hh_l0"].shape[1]
    rows = slice(H, 2 * H)
    return (state_dict["weight_ih_l0"][rows], state_dict["weight_hh_l0"][rows],
            state_dict["bias_ih_l0"][rows] + state_dict["bias_hh_l0"][rows])


def set_forget_bias_reference(lstm, value):
    H = lstm.hidden_size
    with torch.no_grad():
        lstm.bias_ih_l0[H:2 * H].fill_(value)
        lstm.bias_hh_l0[H:2 * H].fill_(0.0)


def gru_step_reference(x, h_prev, params):
    W_ir, W_iz, W_in = np.split(params.W_ih, 3)
    W_hr, W_hz, W_hn = np.split(params.W_hh, 3)
    b_r, b_z, b_in = np.split(params.b, 3)
    r = sigmoid(x @ W_ir.T + h_prev @ W_hr.T + b_r)
    z = sigmoid(x @ W_iz.T + h_prev @ W_hz.T + b_z)
    n = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T + params.b_hn))
    return (1 - z) * n + z * h_prev


def forget_bias_reference(half_life):
    f = 0.5 ** (1 / half_life)
    return math.log(f / (1 - f))


def expect(check, answer, capsys, ok, *fragments):
    """Run a check; it must return ``ok`` and print every fragment."""
    assert check(answer) is ok
    out = capsys.readouterr().out
    assert ("✅" if ok else "❌") in out, out
    for fragment in fragments:
        assert fragment in out, f"{fragment!r} not in feedback:\n{out}"


# ----- lstm_step ---------------------------------------------------------------------------------

def test_lstm_step_accepts_reference_and_the_library(capsys):
    from lessons_lib.lstm import lstm_step
    expect(check_lstm_step, lstm_step_reference, capsys, True)
    expect(check_lstm_step, lstm_step, capsys, True)   # returns an LSTMStep: accepted too


def _lstm_variant(**change):
    def step(x, h_prev, c_prev, params):
        a = x @ params.W_ih.T + h_prev @ params.W_hh.T + params.b
        blocks = dict(zip("ifgo", np.split(a, 4, axis=-1)))
        order = change.get("order", "ifgo")
        a_i, a_f, a_g, a_o = (blocks[k] for k in order)
        i, f, o = sigmoid(a_i), sigmoid(a_f), sigmoid(a_o)
        g = change.get("candidate", np.tanh)(a_g)
        c = f * c_prev + (i * g if change.get("input_gate", True) else g)
        h = o * (np.tanh(c) if change.get("squash", True) else c)
        return (c, h) if change.get("swap_return") else (h, c)
    return step


@pytest.mark.parametrize("variant,fragments", [
    (_lstm_variant(candidate=sigmoid), ["sigmoid candidate", "tanh, not σ"]),
    (_lstm_variant(candidate=lambda a: a), ["linear candidate"]),
    (_lstm_variant(order="figo"), ["i and f swapped", "i, f, g, o"]),
    (_lstm_variant(order="ifog"), ["order i, f, o, g"]),
    (_lstm_variant(squash=False), ["no tanh on the cell"]),
    (_lstm_variant(input_gate=False), ["no input gate"]),
    (_lstm_variant(swap_return=True), ["(c, h)"]),
    (lambda x, h, c, p: (h, c), ["wrong values"]),
    (lambda x, h, c, p: h, ["should return the pair (h, c)"]),
    (lambda x, h, c, p: lstm_step_reference(x, h, c, type(p)(p.W_ih.T.copy().reshape(p.W_ih.shape), p.W_hh, p.b)),
     ["wrong values"]),
])
def test_lstm_step_rejects_slips(variant, fragments, capsys):
    expect(check_lstm_step, variant, capsys, False, *fragments)


def test_lstm_step_reports_a_crash_instead_of_raising(capsys):
    transposed = lambda x, h, c, p: lstm_step_reference(x, h, c, p)[0] @ p.W_ih   # shape error inside
    expect(check_lstm_step, transposed, capsys, False, "raised ValueError")
    expect(check_lstm_step, lambda x, h, c, p: x @ p.W_ih, capsys, False, "raised")


def test_check_raises_only_on_misuse():
    with pytest.raises(TypeError, match="takes your function itself"):
        check_lstm_step(np.zeros(3))


# ----- forget-gate block -------------------------------------------------------------------------

def test_forget_block_accepts_reference(capsys):
    expect(check_forget_gate_block, forget_block_reference, capsys, True)
    as_numpy = lambda sd: tuple(t.numpy() for t in forget_block_reference(sd))
    expect(check_forget_gate_block, as_numpy, capsys, True)


@pytest.mark.parametrize("variant,fragments", [
    (lambda sd: (sd["weight_ih_l0"][:5], sd["weight_hh_l0"][:5], sd["bias_ih_l0"][:5] + sd["bias_hh_l0"][:5]),
     ["input gate's rows", "forget gate is rows H:2H"]),
    (lambda sd: (sd["weight_ih_l0"][10:15], sd["weight_hh_l0"][10:15], sd["bias_ih_l0"][10:15]),
     ["candidate gate's rows"]),
    (lambda sd: (sd["weight_ih_l0"][5:10], sd["weight_hh_l0"][5:10], sd["bias_ih_l0"][5:10]),
     ["only one of torch's two bias vectors"]),
    (lambda sd: (sd["weight_ih_l0"][5:10].T, sd["weight_hh_l0"][5:10], sd["bias_ih_l0"][5:10] + sd["bias_hh_l0"][5:10]),
     ["transpose"]),
    (lambda sd: (sd["weight_ih_l0"][:, 5:10], sd["weight_hh_l0"][5:10], sd["bias_ih_l0"][5:10] + sd["bias_hh_l0"][5:10]),
     ["shape"]),
    (lambda sd: sd["weight_ih_l0"][5:10], ["return the three arrays"]),
    (lambda sd: sd["weight_ih_l1"], ["raised KeyError"]),
])
def test_forget_block_rejects_slips(variant, fragments, capsys):
    expect(check_forget_gate_block, variant, capsys, False, *fragments)


# ----- set the forget bias -----------------------------------------------------------------------

def test_set_forget_bias_accepts_reference_and_alternatives(capsys):
    expect(check_set_forget_bias, set_forget_bias_reference, capsys, True)

    def split_between_both(lstm, value):   # bias_ih = value − bias_hh is also exactly right
        H = lstm.hidden_size
        with torch.no_grad():
            lstm.bias_ih_l0[H:2 * H] = value - lstm.bias_hh_l0[H:2 * H]
    expect(check_set_forget_bias, split_between_both, capsys, True)


def _set(both=False, only_ih=False, rows=None, grad=False, replace=False, touch_weight=False, constant=None):
    def setter(lstm, value):
        value = constant if constant is not None else value
        H = lstm.hidden_size
        sl = rows or slice(H, 2 * H)
        if grad:
            lstm.bias_ih_l0[sl] = value   # no torch.no_grad(): torch refuses
            return
        if replace:
            lstm.bias_ih_l0 = torch.nn.Parameter(lstm.bias_ih_l0.detach().clone(), requires_grad=False)
        with torch.no_grad():
            lstm.bias_ih_l0[sl] = value
            if both:
                lstm.bias_hh_l0[sl] = value
            elif not only_ih:
                lstm.bias_hh_l0[sl] = 0.0
            if touch_weight:
                lstm.weight_hh_l0.mul_(1.0001)
    return setter


@pytest.mark.parametrize("variant,fragments", [
    (_set(both=True), ["effective forget bias is 2", "torch adds them", "set one forget block"]),
    (_set(only_ih=True), ["random initial values", "zero the other forget block"]),
    (_set(rows=slice(0, 5)), ["outside the forget rows", "input block"]),
    (_set(rows=slice(None)), ["outside the forget rows"]),
    (_set(grad=True), ["raised RuntimeError", "torch.no_grad()"]),
    (_set(replace=True), ["replaced by a plain tensor"]),
    (_set(touch_weight=True), ["weight_hh_l0 changed"]),
    (_set(constant=1.0), ["wrong values", "2.5"]),   # hard-coded 1: fails on the second value
    (lambda lstm, value: None, ["wrong values"]),
])
def test_set_forget_bias_rejects_slips(variant, fragments, capsys):
    expect(check_set_forget_bias, variant, capsys, False, *fragments)


# ----- GRU step ----------------------------------------------------------------------------------

def test_gru_step_accepts_reference_and_library(capsys):
    from lessons_lib.gru import gru_step
    expect(check_gru_step, gru_step_reference, capsys, True)
    expect(check_gru_step, gru_step, capsys, True)


def _gru_variant(kind):
    def step(x, h_prev, params):
        W_ir, W_iz, W_in = np.split(params.W_ih, 3)
        W_hr, W_hz, W_hn = np.split(params.W_hh, 3)
        b_r, b_z, b_in = np.split(params.b, 3)
        r = sigmoid(x @ W_ir.T + h_prev @ W_hr.T + b_r)
        z = sigmoid(x @ W_iz.T + h_prev @ W_hz.T + b_z)
        if kind == "cho":
            n = np.tanh(x @ W_in.T + b_in + (r * h_prev) @ W_hn.T + params.b_hn)
        elif kind == "bias outside":
            n = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T) + params.b_hn)
        else:
            n = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T + params.b_hn))
        if kind == "swap z":
            return z * n + (1 - z) * h_prev
        if kind == "no b_hn":
            n = np.tanh(x @ W_in.T + b_in + r * (h_prev @ W_hn.T))
        return (1 - z) * n + z * h_prev
    return step


@pytest.mark.parametrize("kind,fragments", [
    ("cho", ["reset before the matrix product", "Cho et al. (2014)"]),
    ("swap z", ["z convention swapped", "keeps"]),
    ("bias outside", ["b_hn outside the reset gate"]),
    ("no b_hn", ["wrong values", "b_hn inside r"]),
])
def test_gru_step_rejects_slips(kind, fragments, capsys):
    expect(check_gru_step, _gru_variant(kind), capsys, False, *fragments)


def test_gru_step_reports_shape_errors(capsys):
    expect(check_gru_step, lambda x, h, p: x @ p.W_hh, capsys, False, "raised ValueError")
    expect(check_gru_step, lambda x, h, p: gru_step_reference(x, h, p).T, capsys, False, "transpose")


# ----- forget bias for a half-life ---------------------------------------------------------------

def test_half_life_accepts_reference(capsys):
    expect(check_forget_bias_for_half_life, forget_bias_reference, capsys, True, "3.35")
    # the reference really gives the half-life: σ(b)^n = ½
    for n in (3, 20, 100):
        assert sigmoid(forget_bias_reference(n)) ** n == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize("variant,fragments", [
    (lambda n: 0.5 ** (1 / n), ["forget gate f itself"]),
    (lambda n: math.log(math.exp(-1 / n) / (1 - math.exp(-1 / n))), ["1/e"]),
    (lambda n: 1.0, ["expected b ≈ 3.3"]),
    (lambda n: "three", ["return one number"]),
    (lambda n: 1 / 0, ["raised ZeroDivisionError"]),
])
def test_half_life_rejects_slips(variant, fragments, capsys):
    expect(check_forget_bias_for_half_life, variant, capsys, False, *fragments)


# ----- not attempted yet (the student versions) ------------------------------------------------

def not_attempted(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("check", [check_lstm_step, check_forget_gate_block, check_set_forget_bias, check_gru_step,
                                   check_forget_bias_for_half_life])
def test_not_attempted_yet_is_said_kindly(check, capsys):
    assert check(not_attempted) is False
    out = capsys.readouterr().out
    assert out.startswith("⏳") and "not attempted yet" in out and "Hint" not in out, out
