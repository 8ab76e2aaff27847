"""The numpy character RNN: softmax output layer and its gradient, against finite differences and torch autograd."""
import numpy as np
import pytest
import torch

from lessons_lib.gradcheck import numerical_gradient, relative_error
from lessons_lib.language.numpy_char_rnn import (Adam, CharRNNParams, char_rnn_backward, char_rnn_forward,
                                                 clip_by_global_norm, one_hot, softmax, train_char_rnn)

V, H, T, B = 7, 5, 4, 3


@pytest.fixture
def case():
    rng = np.random.default_rng(0)
    params = CharRNNParams.init(V, H, seed=1)
    return params, rng.integers(0, V, (T, B)), rng.integers(0, V, (T, B)), 0.5 * rng.standard_normal((B, H))


def gradient_by_name(grads: CharRNNParams, name: str) -> np.ndarray:
    return getattr(grads.rnn, name) if name in ("W_xh", "W_hh", "b") else getattr(grads, name)


def test_gradients_match_central_differences(case):
    params, x, y, h0 = case
    loss, _, cache = char_rnn_forward(params, x, y, h0)
    grads, dh0 = char_rnn_backward(cache)
    for name, array in params.arrays().items():
        numeric = numerical_gradient(lambda: char_rnn_forward(params, x, y, h0)[0], array)
        assert relative_error(gradient_by_name(grads, name), numeric) < 1e-7, name
    numeric_h0 = numerical_gradient(lambda: char_rnn_forward(params, x, y, h0)[0], h0)
    assert relative_error(dh0, numeric_h0) < 1e-7


def test_forward_and_gradients_equal_torch(case):
    params, x, y, h0 = case
    loss, h_last, cache = char_rnn_forward(params, x, y, h0)
    grads, _ = char_rnn_backward(cache)
    rnn = params.rnn.to_torch()
    head = torch.nn.Linear(H, V, dtype=torch.float64)
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(params.W_hy))
        head.bias.copy_(torch.from_numpy(params.b_y))
    hs, _ = rnn(torch.from_numpy(one_hot(x, V)), torch.from_numpy(h0)[None])
    torch_loss = torch.nn.functional.cross_entropy(head(hs).reshape(-1, V), torch.from_numpy(y).reshape(-1))
    torch_loss.backward()
    assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    np.testing.assert_allclose(h_last, hs[-1].detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(grads.W_hy, head.weight.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grads.b_y, head.bias.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grads.rnn.W_hh, rnn.weight_hh_l0.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(grads.rnn.W_xh, rnn.weight_ih_l0.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_the_logit_gradient_is_prediction_minus_truth():
    z = np.array([[[1.0, 2.0, 0.5]]])
    target = np.array([[1]])
    p = softmax(z)
    dz = (p - one_hot(target, 3)) / 1
    np.testing.assert_allclose(dz.sum(), 0.0, atol=1e-15)       # the entries of p − onehot sum to zero
    assert dz[0, 0, 1] < 0 < dz[0, 0, 0]
    np.testing.assert_allclose(softmax(np.array([1000.0, 0.0])), [1.0, 0.0])   # no overflow


def test_training_lowers_the_loss_and_clipping_and_adam_behave():
    text = np.array(list(b"abcabcabdabcabcabd" * 20)) - ord("a")
    params, losses = train_char_rnn(text, 4, hidden_size=16, steps=120, batch_size=4, window=8, lr=2e-2)
    assert losses[0] == pytest.approx(np.log(4), abs=0.05) and losses[-10:].mean() < 0.35
    grads = {"a": np.array([3.0, 4.0]), "b": np.array([0.0])}
    assert clip_by_global_norm(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grads["a"], [0.6, 0.8])
    theta = {"w": np.array([1.0])}
    Adam(theta, lr=0.1).step({"w": np.array([5.0])})
    np.testing.assert_allclose(theta["w"], [0.9])                 # Adam's first step has length lr


def test_bad_input(case):
    params, x, y, h0 = case
    with pytest.raises(ValueError, match=r"\(T, B\) id arrays of one shape"):
        char_rnn_forward(params, x, y[:2], h0)
    with pytest.raises(ValueError, match="too short"):
        train_char_rnn(np.arange(10) % 3, 3, steps=2, batch_size=4, window=8)
