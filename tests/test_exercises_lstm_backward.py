"""The check of notebook 03's guided LSTM-backpropagation exercise: right answer, typical slips, not attempted.

The reference it compares with (``one_step_backward``, an adapter over ``lessons_lib.lstm``) is itself
checked against torch autograd, through both contracts of the cells (today's and the refactored one).
"""
from __future__ import annotations

import types

import numpy as np
import pytest
import torch

from exercise_asserts import assert_accepted, assert_rejected, verdict
from lessons_lib.exercises import lstm_backward as module
from lessons_lib.exercises.lstm_backward import check_lstm_step_backward


def reference(dh, dc, x, h_prev, c_prev, step, params):
    """What the notebook's solution cell contains, written out independently of the module."""
    i, f, g, o = step.input_gate, step.forget_gate, step.candidate, step.output_gate
    tanh_c = np.tanh(step.cell)
    dc = dc + dh * o * (1 - tanh_c ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                         dh * tanh_c * o * (1 - o)], axis=1)
    return da @ params.W_ih, da @ params.W_hh, dc * f, da.T @ x, da.T @ h_prev, da.sum(axis=0)


def test_the_reference_solution_is_accepted(capsys):
    assert_accepted(capsys, check_lstm_step_backward, reference)


def test_an_object_with_the_six_names_is_accepted(capsys):
    def as_object(*args):
        return types.SimpleNamespace(**dict(zip(module.NAMES, reference(*args))))
    assert_accepted(capsys, check_lstm_step_backward, as_object)


@pytest.mark.parametrize("flag,value,fragment", [
    ("h_path", False, "dc_t = dc + dh ⊙ o ⊙ (1 − tanh²(c_t))"),
    ("tanh_of_c", False, "not 1 − c²"),
    ("candidate_tanh", False, "uses 1 − g², not g(1 − g)"),
    ("forget_reads_c_prev", False, "da_f = dc_t ⊙ c_{t−1}"),
    ("dc_prev_times_f", False, "dc_prev = dc_t ⊙ f"),
    ("order", "ifog", "block order i, f, g, o"),
])
def test_each_typical_slip_gets_its_hint(capsys, flag, value, fragment):
    slip = lambda *args: module.step_backward_variant(*args, **{flag: value})  # noqa: E731
    assert_rejected(capsys, check_lstm_step_backward, slip, "wrong values", fragment)


def test_a_transposed_weight_gradient_is_named(capsys):
    def transposed(*args):
        dx, dh_prev, dc_prev, dW_ih, dW_hh, db = reference(*args)
        return dx, dh_prev, dc_prev, dW_ih.T, dW_hh, db
    assert_rejected(capsys, check_lstm_step_backward, transposed, "dW_ih has shape (3, 16)", "transpose")


def test_an_unrecognised_wrong_array_gets_the_hint_for_that_array(capsys):
    def no_bias_sum(*args):
        *rest, db = reference(*args)
        return (*rest, 2 * db)
    assert_rejected(capsys, check_lstm_step_backward, no_bias_sum, "db has the right shape", "summed over the batch")


@pytest.mark.parametrize("answer,fragment", [
    (lambda *args: reference(*args)[:5], "got tuple of length 5"),
    (lambda *args: None, "got NoneType"),
    (lambda *args: 1 / 0, "your function raised ZeroDivisionError"),
    (lambda *args: (_ for _ in ()).throw(NotImplementedError("dW_hh")), "raised NotImplementedError: dW_hh"),
])
def test_malformed_answers_and_errors_are_feedback_not_exceptions(capsys, answer, fragment):
    assert_rejected(capsys, check_lstm_step_backward, answer, fragment)


def test_the_student_versions_stub_says_not_attempted_yet(capsys):
    def stub(dh, dc, x, h_prev, c_prev, step, params):
        # YOUR CODE HERE
        raise NotImplementedError()
    result, out = verdict(capsys, check_lstm_step_backward, stub)
    assert result is False
    assert "not attempted yet" in out and "❌" not in out and "Traceback" not in out, out


def test_misuse_raises():
    with pytest.raises(TypeError, match="takes your function itself"):
        check_lstm_step_backward(np.zeros(3))


def test_the_answer_cannot_change_the_checks_data(capsys):
    def vandal(dh, dc, x, h_prev, c_prev, step, params):
        result = reference(dh, dc, x, h_prev, c_prev, step, params)
        for array in (dh, dc, x, h_prev, c_prev, params.W_ih, params.W_hh, params.b):
            array[...] = 0.0
        return result
    assert_accepted(capsys, check_lstm_step_backward, vandal)


# ------------------------------------------------------------------ the reference itself
def autograd_step(dh, dc, x, h_prev, c_prev, params):
    """The six gradients of L = Σ dh ⊙ h_t + Σ dc ⊙ c_t for one step of torch.nn.LSTM (float64)."""
    lstm = params.to_torch()                       # bias_ih_l0 = b, bias_hh_l0 = 0
    x, h_prev, c_prev = (torch.tensor(a, requires_grad=True) for a in (x, h_prev, c_prev))
    _, (h, c) = lstm(x[None], (h_prev[None], c_prev[None]))
    ((h[0] * torch.from_numpy(dh)).sum() + (c[0] * torch.from_numpy(dc)).sum()).backward()
    return (x.grad.numpy(), h_prev.grad.numpy(), c_prev.grad.numpy(), lstm.weight_ih_l0.grad.numpy(),
            lstm.weight_hh_l0.grad.numpy(), lstm.bias_ih_l0.grad.numpy())


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_reference_equals_torch_autograd(seed):
    dh, dc, x, h_prev, c_prev, _, params = module._case(seed)
    for ours, torchs in zip(module.one_step_backward(dh, dc, x, h_prev, c_prev, params),
                            autograd_step(dh, dc, x, h_prev, c_prev, params)):
        np.testing.assert_allclose(ours, torchs, rtol=1e-10, atol=1e-12)


def test_the_slip_free_variant_is_the_reference():
    case = module._case(3)
    for a, b in zip(module.step_backward_variant(*case), module.one_step_backward(*case[:5], case[6])):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
