"""Stateful TBPTT batches: they tile the text exactly once, in reading order; detaching really cuts the graph."""
import numpy as np
import pytest
import torch

from lessons_lib.language import detach_state, streams, tbptt_windows
from lessons_lib.language.tbptt import epochs_of_windows


def test_streams_are_contiguous_pieces_of_the_text():
    ids = np.arange(103)
    inputs, targets = streams(ids, 4)                # L = 102 // 4 = 25
    assert inputs.shape == targets.shape == (25, 4) and inputs.dtype == torch.int64
    for b in range(4):
        np.testing.assert_array_equal(inputs[:, b], ids[25 * b:25 * (b + 1)])
        np.testing.assert_array_equal(targets[:, b], ids[25 * b + 1:25 * (b + 1) + 1])


@pytest.mark.parametrize("N,B,T", [(103, 4, 7), (1000, 8, 25), (50, 1, 49), (31, 3, 100)])
def test_windows_tile_the_text_exactly_once(N, B, T):
    ids = np.random.default_rng(N).permutation(N)   # distinct ids: every position recognisable
    windows = tbptt_windows(ids, B, T)
    L = (N - 1) // B
    assert len(windows) == -(-L // T) and [w.index for w in windows] == list(range(len(windows)))
    assert all(w.x.shape == (min(T, L - k * T), B) for k, w in enumerate(windows))
    x = torch.cat([w.x for w in windows]).t().reshape(-1).numpy()   # stream 0, stream 1, ... = text order
    y = torch.cat([w.y for w in windows]).t().reshape(-1).numpy()
    np.testing.assert_array_equal(x, ids[:L * B])                  # every input position once, in order
    np.testing.assert_array_equal(y, ids[1:L * B + 1])             # targets: the next character
    assert (N - 1) - L * B < B                                     # fewer than one per stream left out


def test_epochs_repeat_the_same_windows():
    ids = np.arange(41)
    first = tbptt_windows(ids, 2, 6)
    stream = epochs_of_windows(ids, 2, 6)
    again = [next(stream) for _ in range(2 * len(first))]
    assert [w.index for w in again] == 2 * list(range(len(first)))
    assert all(torch.equal(a.x, b.x) for a, b in zip(again, 2 * first))


def test_detach_cuts_the_graph_but_keeps_the_values():
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 5)
    x1 = torch.randn(4, 2, 3, requires_grad=True)   # the first window's input, a leaf we can watch
    x2 = torch.randn(4, 2, 3)
    _, state = lstm(x1)
    carried = detach_state(state)
    assert all(s.grad_fn is None and not s.requires_grad for s in carried)
    assert all(torch.equal(a, b) for a, b in zip(carried, state))
    out, _ = lstm(x2, carried)
    out.sum().backward()
    assert x1.grad is None, "with the detach, no gradient reaches the previous window"

    _, state = lstm(x1)                              # the same without detach: the gradient flows back
    out, _ = lstm(x2, state)
    out.sum().backward()
    assert x1.grad is not None and x1.grad.abs().sum() > 0


def test_without_detach_the_second_backward_fails():
    """The reason for the detach, as torch reports it: window 1's graph was freed by its own backward."""
    torch.manual_seed(0)
    lstm = torch.nn.LSTM(3, 5)
    out, state = lstm(torch.randn(4, 2, 3))
    out.sum().backward()
    out, state = lstm(torch.randn(4, 2, 3), state)
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.sum().backward()


def test_detach_state_accepts_none_a_tensor_and_a_pair():
    h = torch.ones(1, 2, 3, requires_grad=True) * 2
    assert detach_state(None) is None
    assert detach_state(h).grad_fn is None
    assert len(detach_state((h, h))) == 2


@pytest.mark.parametrize("call,fragment", [
    (lambda: streams(np.arange(4), 4), "too short for 4 streams"),
    (lambda: streams(np.arange(6.0), 2), "1-D integer array"),
    (lambda: streams(np.zeros((2, 3), dtype=int), 2), "1-D integer array"),
    (lambda: streams(np.arange(9), 0), "batch_size must be a positive integer"),
    (lambda: tbptt_windows(np.arange(9), 2, 0), "window must be a positive integer"),
])
def test_bad_input(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call()
