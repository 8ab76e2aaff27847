"""lessons_lib.cliff: the one-unit RNN's loss and gradient (against finite differences and torch), the
cliff itself, and gradient descent with norm clipping."""
import numpy as np
import pytest
import torch

from lessons_lib.cliff import OneUnitRNN, clip_by_norm, gradient_descent


@pytest.mark.parametrize("w,b", [(0.5, 0.1), (1.8, -0.5), (2.0, -0.6), (-1.0, 0.3)])
def test_gradient_matches_finite_differences_and_torch(w, b):
    model = OneUnitRNN(steps=12)
    loss, gw, gb = model.loss_and_gradient(w, b)
    eps = 1e-6
    fd_w = (model.loss_and_gradient(w + eps, b)[0] - model.loss_and_gradient(w - eps, b)[0]) / (2 * eps)
    fd_b = (model.loss_and_gradient(w, b + eps)[0] - model.loss_and_gradient(w, b - eps)[0]) / (2 * eps)
    assert gw == pytest.approx(fd_w, rel=1e-5, abs=1e-9) and gb == pytest.approx(fd_b, rel=1e-5, abs=1e-9)
    wt, bt = torch.tensor(w, dtype=torch.float64, requires_grad=True), torch.tensor(b, dtype=torch.float64, requires_grad=True)
    h = torch.tensor(model.h0, dtype=torch.float64)
    for _ in range(model.steps):
        h = torch.tanh(wt * h + bt)
    torch_loss = (h - model.target) ** 2
    torch_loss.backward()
    assert float(loss) == pytest.approx(torch_loss.item(), rel=1e-12)
    assert float(gw) == pytest.approx(wt.grad.item(), rel=1e-10, abs=1e-14)
    assert float(gb) == pytest.approx(bt.grad.item(), rel=1e-10, abs=1e-14)


def test_grid_evaluation_broadcasts_and_equals_pointwise():
    model = OneUnitRNN()
    w, b = np.meshgrid(np.linspace(-1, 3, 5), np.linspace(-1, 1, 4))
    loss, gw, gb = model.loss_and_gradient(w, b)
    assert loss.shape == gw.shape == gb.shape == (4, 5)
    for i, j in [(0, 0), (2, 3), (3, 4)]:
        single = model.loss_and_gradient(w[i, j], b[i, j])
        assert [float(v) for v in single] == pytest.approx([loss[i, j], gw[i, j], gb[i, j]], rel=1e-12)


def test_there_is_a_cliff():
    """At w = 2 the loss jumps by more than 1 within one step of 6e-4 in b; on the wall's face the gradient is huge."""
    model = OneUnitRNN()
    b = np.linspace(-1.2, 0.0, 2001)
    loss, _, _ = model.loss_and_gradient(np.full_like(b, 2.0), b)
    assert loss.max() - loss.min() > 2.0
    jump = int(np.argmax(np.abs(np.diff(loss))))
    assert abs(loss[jump + 1] - loss[jump]) > 1.0
    low, high = b[jump], b[jump + 1]  # bisect to the middle of the wall: loss = 0.49 there (h_T = 0)
    for _ in range(60):
        middle = 0.5 * (low + high)
        if (model.loss_and_gradient(2.0, middle)[0] > 0.49) == (loss[jump] > 0.49):
            low = middle
        else:
            high = middle
    _, grad_w, grad_b = model.loss_and_gradient(2.0, 0.5 * (low + high))
    assert np.hypot(grad_w, grad_b) > 1e3


def test_clip_by_norm():
    g = np.array([3.0, 4.0])
    np.testing.assert_allclose(clip_by_norm(g, 1.0), [0.6, 0.8])
    np.testing.assert_array_equal(clip_by_norm(g, 10.0), g)
    np.testing.assert_array_equal(clip_by_norm(g, None), g)
    np.testing.assert_array_equal(clip_by_norm(np.zeros(2), 1.0), np.zeros(2))
    torch_g = torch.tensor(g, requires_grad=True)
    torch_g.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_norm_([torch_g], 1.0)
    np.testing.assert_allclose(clip_by_norm(g, 1.0), torch_g.grad.numpy(), rtol=1e-5)


def test_gradient_descent_records_and_clipping_caps_every_step():
    model = OneUnitRNN()
    run = gradient_descent(model, (2.0, -0.6), learning_rate=0.1, steps=40, clip_norm=0.5)
    assert run.points.shape == (41, 2) and run.losses.shape == (41,) and run.gradient_norms.shape == (40,)
    steps = np.linalg.norm(np.diff(run.points, axis=0), axis=1)
    assert np.all(steps <= 0.1 * 0.5 * (1 + 1e-12))
    assert run.losses[-1] < 1e-3 < run.losses[0]
    plain = gradient_descent(model, (2.0, -0.6), learning_rate=0.1, steps=40)
    np.testing.assert_allclose(np.linalg.norm(np.diff(plain.points, axis=0), axis=1), 0.1 * plain.gradient_norms)
    assert plain.losses[0] == run.losses[0]
    assert float(model.loss_and_gradient(*plain.points[-1])[0]) == pytest.approx(plain.losses[-1])


@pytest.mark.parametrize("call,pattern", [
    (lambda: OneUnitRNN(steps=0), "steps must be a positive integer"),
    (lambda: gradient_descent(OneUnitRNN(), (1.0, 0.0), 0.0, 5), "learning_rate must be positive"),
    (lambda: gradient_descent(OneUnitRNN(), (1.0, 0.0), 0.1, 0), "steps must be a positive integer"),
    (lambda: gradient_descent(OneUnitRNN(), (1.0, 0.0), 0.1, 5, clip_norm=-1), "clip_norm must be positive"),
    (lambda: gradient_descent(OneUnitRNN(), (1.0, 0.0, 2.0), 0.1, 5), r"start must be \(w, b\)"),
])
def test_bad_input_raises_clear_value_error(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()
