"""The exercise checks of notebooks 01 and 02: they accept the reference solution, reject the typical
slips with the specific hint, print feedback instead of raising on any wrong answer, and raise on misuse."""
import numpy as np
import pytest
import torch

from lessons_lib import exercises
from lessons_lib.exercises import bptt, rnn_basics
from lessons_lib.rnn import RNNParams
from exercise_asserts import assert_accepted, assert_rejected, verdict


def test_every_check_is_exported():
    for module in (rnn_basics, bptt):
        assert module.__all__, module.__name__
        for name in module.__all__:
            assert name.startswith("check_") and callable(getattr(exercises, name)), name


# ---------------------------------------------------------------- notebook 01: rnn_step
def step_reference(x, h_prev, W_xh, W_hh, b):
    return np.tanh(x @ W_xh.T + h_prev @ W_hh.T + b)


STEP_SLIPS = {
    "no tanh": (lambda x, h, Wx, Wh, b: x @ Wx.T + h @ Wh.T + b, "apply np.tanh"),
    "sigmoid": (lambda x, h, Wx, Wh, b: 1 / (1 + np.exp(-(x @ Wx.T + h @ Wh.T + b))), "not the sigmoid"),
    "no bias": (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh.T), "bias b is missing"),
    "W_hh not transposed": (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + h @ Wh + b), "h_prev @ W_hh.T"),
    "h_prev ignored": (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx.T + b), "recurrent term"),
    "W_xh not transposed": (lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + h @ Wh.T + b), "x @ W_xh.T, not x @ W_xh"),
    "output transposed": (lambda x, h, Wx, Wh, b: step_reference(x, h, Wx, Wh, b).T, "one row per batch element"),
    "returns None": (lambda x, h, Wx, Wh, b: None, "None"),
}


def test_rnn_step_accepts_reference(capsys):
    assert_accepted(capsys, exercises.check_rnn_step, step_reference)


@pytest.mark.parametrize("slip", STEP_SLIPS)
def test_rnn_step_rejects_slips(capsys, slip):
    function, fragment = STEP_SLIPS[slip]
    assert_rejected(capsys, exercises.check_rnn_step, function, fragment)


# ---------------------------------------------------------------- notebook 01: rnn_forward
def forward_reference(xs, h0, W_xh, W_hh, b):
    hs, h = np.empty((xs.shape[0], h0.shape[0], W_hh.shape[0])), h0
    for t in range(xs.shape[0]):
        h = step_reference(xs[t], h, W_xh, W_hh, b)
        hs[t] = h
    return hs


def forward_not_carried(xs, h0, W_xh, W_hh, b):
    return np.stack([step_reference(x, h0, W_xh, W_hh, b) for x in xs])


FORWARD_SLIPS = {
    "last only": (lambda *a: forward_reference(*a)[-1], "not only the last one"),
    "batch first": (lambda *a: forward_reference(*a).transpose(1, 0, 2), "time-major"),
    "not carried": (forward_not_carried, "every step used h0"),
    "shifted": (lambda xs, h0, *w: np.concatenate([h0[None], forward_reference(xs, h0, *w)[:-1]]), "store h after"),
    "with h0": (lambda xs, h0, *w: np.concatenate([h0[None], forward_reference(xs, h0, *w)]), "leave h0 out"),
    "raises": (lambda *a: 1 / 0, "ZeroDivisionError"),
}


def test_rnn_forward_accepts_reference(capsys):
    assert_accepted(capsys, exercises.check_rnn_forward, forward_reference)


@pytest.mark.parametrize("slip", FORWARD_SLIPS)
def test_rnn_forward_rejects_slips(capsys, slip):
    function, fragment = FORWARD_SLIPS[slip]
    assert_rejected(capsys, exercises.check_rnn_forward, function, fragment)


# ---------------------------------------------------------------- notebook 01: delay line
def delay_params(W_xh=((1.0,), (0.0,), (0.0,)), W_hh=((0, 0, 0), (1, 0, 0), (0, 1, 0)), b=(0.0, 0.0, 0.0)):
    return RNNParams(W_xh=np.array(W_xh, float), W_hh=np.array(W_hh, float), b=np.array(b, float))


def test_delay_line_accepts_reference_and_float32(capsys):
    assert_accepted(capsys, exercises.check_delay_line, delay_params)    # the function, as in the notebook
    assert_accepted(capsys, exercises.check_delay_line, delay_params())  # or the parameters themselves
    p = delay_params()
    assert_accepted(capsys, exercises.check_delay_line,
                    RNNParams(p.W_xh.astype(np.float32), p.W_hh.astype(np.float32), p.b.astype(np.float32)))


@pytest.mark.parametrize("answer,fragment", [
    (delay_params(W_hh=((0, 1, 0), (0, 0, 1), (0, 0, 0))), "wrong way"),
    (delay_params(W_hh=np.eye(3)), "keeps its own value"),
    (delay_params(W_xh=((1.0,), (1.0,), (1.0,))), "only unit 0"),
    (delay_params(b=(0.1, 0.0, 0.0)), "no bias"),
    (RNNParams.init(1, 4), "H=3"),
    ((np.ones((3, 1)), np.eye(3), np.zeros(3)), "expected an RNNParams"),
    (lambda: (np.ones((3, 1)), np.eye(3), np.zeros(3)), "expected an RNNParams"),
    (lambda: delay_params(W_hh=np.eye(3)), "keeps its own value"),
    (lambda: RNNParams(np.zeros((3, 1)), np.zeros((3, 3)), np.zeros(2)), "raised ValueError"),
])
def test_delay_line_rejects_slips(capsys, answer, fragment):
    assert_rejected(capsys, exercises.check_delay_line, answer, fragment)


# ---------------------------------------------------------------- notebook 01: last time step
@pytest.mark.parametrize("function,fragment", [
    (lambda out, batch_first: out[-1], "last *sequence*"),
    (lambda out, batch_first: out[:, -1], "last batch element"),
    (lambda out, batch_first: out[0] if not batch_first else out[:, 0], "first time step"),
    (lambda out, batch_first: out.sum(), "shape"),
])
def test_last_time_step_rejects_slips(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_last_time_step, function, fragment)


def test_last_time_step_accepts_reference_in_torch_and_numpy(capsys):
    assert_accepted(capsys, exercises.check_last_time_step, lambda out, bf: out[:, -1] if bf else out[-1])
    assert_accepted(capsys, exercises.check_last_time_step,
                    lambda out, bf: (out[:, -1] if bf else out[-1]).numpy())


def test_last_time_step_equals_torch_h_n():
    """The reference rule really is torch's h_n[0], for both layouts."""
    torch.manual_seed(0)
    for batch_first in (False, True):
        rnn = torch.nn.RNN(3, 4, batch_first=batch_first)
        x = torch.randn(2, 5, 3) if batch_first else torch.randn(5, 2, 3)
        out, h_n = rnn(x)
        last = out[:, -1] if batch_first else out[-1]
        torch.testing.assert_close(last, h_n[0])


# ---------------------------------------------------------------- notebook 02: rnn_backward
def backward_reference(dhs, xs, h0, hs, W_hh):
    h_prevs = np.concatenate([h0[None], hs[:-1]])
    dW_xh, dW_hh, db = np.zeros((hs.shape[2], xs.shape[2])), np.zeros_like(W_hh), np.zeros(hs.shape[2])
    dh_next = np.zeros_like(h0)
    for t in reversed(range(xs.shape[0])):
        da = (dhs[t] + dh_next) * (1 - hs[t] ** 2)
        dW_xh += da.T @ xs[t]
        dW_hh += da.T @ h_prevs[t]
        db += da.sum(0)
        dh_next = da @ W_hh
    return dW_xh, dW_hh, db, dh_next


def backward_with(**slip):
    return lambda *args: bptt._bptt_variant(*args, **slip)


def test_rnn_backward_accepts_reference(capsys):
    assert_accepted(capsys, exercises.check_rnn_backward, backward_reference)
    assert_accepted(capsys, exercises.check_rnn_backward, backward_with())


@pytest.mark.parametrize("function,fragment", [
    (backward_with(future=False), "plus* dh_next"),
    (backward_with(through_tanh=False), "1 − h_t²"),
    (backward_with(transpose_recurrence=True), "da_t @ W_hh (no .T)"),
    (backward_with(current_state=True), "h_{t−1}"),
    (lambda *a: backward_reference(*a)[:3], "length 3"),
    (lambda *a: tuple(g.T for g in backward_reference(*a)), "transpose"),
    (lambda *a: [][0], "IndexError"),
])
def test_rnn_backward_rejects_slips(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_rnn_backward, function, fragment)


def test_bptt_variant_default_is_lessons_lib_rnn_backward():
    from lessons_lib.rnn import rnn_backward, rnn_forward
    rng = np.random.default_rng(0)
    params = RNNParams.init(3, 5, seed=1)
    xs, h0, dhs = rng.standard_normal((4, 2, 3)), rng.standard_normal((2, 5)), rng.standard_normal((4, 2, 5))
    hs, cache = rnn_forward(xs, h0, params)
    grads, _, dh0 = rnn_backward(dhs, cache)
    ours = bptt._bptt_variant(dhs, xs, h0, hs, params.W_hh)
    for got, want in zip(ours, (grads.W_xh, grads.W_hh, grads.b, dh0)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- notebook 02: jacobian norm
def jacobian_norm_reference(W_hh, lag):
    return np.linalg.norm(np.linalg.matrix_power(W_hh, lag), ord=2)


def jacobian_norm_by_library(W_hh, lag):
    from lessons_lib.jacobians import rnn_jacobian_norms
    params = RNNParams(W_xh=np.zeros((len(W_hh), 1)), W_hh=W_hh, b=np.zeros(len(W_hh)))
    return rnn_jacobian_norms(np.zeros((lag, 1, 1)), np.zeros((1, len(W_hh))), params).hidden[0, 0]


def test_jacobian_norm_accepts_functions(capsys):
    assert_accepted(capsys, exercises.check_jacobian_norm, jacobian_norm_reference)
    assert_accepted(capsys, exercises.check_jacobian_norm, jacobian_norm_by_library)


@pytest.mark.parametrize("function,fragment", [
    (lambda W, lag: 0.5 ** lag, "and lag 8 expected 0.0627"),                        # ρ^lag of the first case
    (lambda W, lag: jacobian_norm_reference(bptt.JACOBIAN_W_HH, 8), "and lag 5 expected"),  # first answer, hard-coded
    (lambda W, lag: np.linalg.norm(np.linalg.matrix_power(W, lag)), "Frobenius"),
    (lambda W, lag: np.linalg.norm(W, 2) ** lag, "upper bound"),
    (lambda W, lag: np.linalg.matrix_power(W, lag), "expected one number"),
])
def test_jacobian_norm_rejects_wrong_functions(capsys, function, fragment):
    assert_rejected(capsys, exercises.check_jacobian_norm, function, fragment)


def test_jacobian_norm_accepts_numbers_for_the_first_case(capsys):
    from lessons_lib.jacobians import rnn_jacobian_norms
    W = bptt.JACOBIAN_W_HH
    assert_accepted(capsys, exercises.check_jacobian_norm, np.linalg.norm(np.linalg.matrix_power(W, 8), ord=2))
    params = RNNParams(W_xh=np.zeros((2, 1)), W_hh=W.copy(), b=np.zeros(2))
    norms = rnn_jacobian_norms(np.zeros((8, 1, 1)), np.zeros((1, 2)), params).hidden
    assert_accepted(capsys, exercises.check_jacobian_norm, norms[0, 0])  # a numpy float
    assert_accepted(capsys, exercises.check_jacobian_norm, norms[:1, 0])  # a one-element array


@pytest.mark.parametrize("answer,fragment", [
    (0.5 ** 8, "normal matrix"),
    (np.linalg.norm(bptt.JACOBIAN_W_HH, 2) ** 8, "upper bound"),
    (np.linalg.norm(bptt.JACOBIAN_W_HH ** 8, 2), "matrix product"),
    (1.0, "expected 0.0627"),
    ("0.06", "expected one number"),
    (None, "NoneType"),
    (np.ones(2), "ndarray"),
])
def test_jacobian_norm_rejects_slips(capsys, answer, fragment):
    assert_rejected(capsys, exercises.check_jacobian_norm, answer, fragment)


# ---------------------------------------------------------------- notebook 02: clip_grad_norm
def clip_reference(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * min(1.0, max_norm / total) if total > 0 else g for g in grads]


def clip_in_place(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    for g in grads:
        g *= min(1.0, max_norm / total) if total > 0 else 1.0


def clip_with_torch(grads, max_norm):
    tensors = [torch.tensor(g) for g in grads]
    for t in tensors:
        t.grad = t.clone()
    torch.nn.utils.clip_grad_norm_(tensors, max_norm)
    return [t.grad.numpy() for t in tensors]


@pytest.mark.parametrize("function", [clip_reference, clip_in_place, clip_with_torch])
def test_clip_grad_norm_accepts_reference_in_place_and_torch(capsys, function):
    assert_accepted(capsys, exercises.check_clip_grad_norm, function)


def clip_always(grads, max_norm):
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    return [g * max_norm / total for g in grads]  # divides by zero on the all-zero case


@pytest.mark.parametrize("function,fragment", [
    (lambda grads, c: [g * min(1, c / np.linalg.norm(g)) for g in grads], "*global* norm"),
    (lambda grads, c: [np.clip(g, -c, c) for g in grads], "np.clip"),
    (clip_always, "only shrink"),
    (lambda grads, c: [g * min(1, c / sum(np.linalg.norm(h) for h in grads)) for g in grads], "not Σ_k"),
    (lambda grads, c: grads[0], "expected a list of 3 arrays"),
    (lambda grads, c: None, "array 0"),  # neither clipped in place nor returned
])
def test_clip_grad_norm_rejects_slips(capsys, function, fragment):
    with np.errstate(divide="ignore", invalid="ignore"):
        assert_rejected(capsys, exercises.check_clip_grad_norm, function, fragment)


# ---------------------------------------------------------------- not attempted yet (the student versions)
def not_attempted(*args):
    raise NotImplementedError()


@pytest.mark.parametrize("check", [exercises.check_rnn_step, exercises.check_rnn_forward, exercises.check_delay_line,
                                   exercises.check_last_time_step, exercises.check_rnn_backward,
                                   exercises.check_jacobian_norm, exercises.check_clip_grad_norm])
def test_not_attempted_yet_is_said_kindly(capsys, check):
    result, out = verdict(capsys, check, not_attempted)
    assert result is False
    assert out.startswith("⏳") and "not attempted yet" in out and "Hint" not in out, out


# ---------------------------------------------------------------- misuse raises, wrong answers never do
@pytest.mark.parametrize("check", [exercises.check_rnn_step, exercises.check_rnn_forward,
                                   exercises.check_last_time_step, exercises.check_rnn_backward,
                                   exercises.check_clip_grad_norm])
def test_function_checks_raise_on_misuse(check):
    with pytest.raises(TypeError, match="takes your function itself"):
        check(np.zeros(3))


@pytest.mark.parametrize("check", [exercises.check_rnn_step, exercises.check_rnn_forward,
                                   exercises.check_last_time_step, exercises.check_rnn_backward,
                                   exercises.check_clip_grad_norm])
@pytest.mark.parametrize("bad", [lambda *a: None, lambda *a: "text", lambda *a: np.full((2, 2), np.nan),
                                 lambda *a: exec("raise RuntimeError('boom')")])
def test_function_checks_print_instead_of_raising(capsys, check, bad):
    result, out = verdict(capsys, check, bad)
    assert result is False and out.startswith("❌"), out
