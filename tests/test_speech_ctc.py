"""CTC by hand: the collapse rule, α and β in log space against brute force and torch (float64, 1e-10),
the gradient against autograd and finite differences, forced alignment, and the errors for bad input."""
import itertools

import numpy as np
import pytest
import torch

from lessons_lib.gradcheck import numerical_gradient, relative_error
from lessons_lib.speech.ctc import (best_path_alignment, check_alignable, collapse, ctc_alpha, ctc_beta, ctc_gradient,
                                    ctc_log_likelihood, ctc_loss, ctc_occupation, extend_with_blanks, min_frames)


def random_log_probs(T, C, seed, scale=2.0):
    scores = np.random.default_rng(seed).standard_normal((T, C)) * scale
    return scores - np.logaddexp.reduce(scores, axis=1, keepdims=True)


def brute_force(log_probs, labels):
    """Σ over every path that collapses to labels (C^T paths), and the best such path."""
    T, C = log_probs.shape
    total, best, best_path = -np.inf, -np.inf, None
    for path in itertools.product(range(C), repeat=T):
        if collapse(path) == list(labels):
            score = log_probs[np.arange(T), path].sum()
            total = np.logaddexp(total, score)
            if score > best:
                best, best_path = score, path
    return total, best_path


@pytest.mark.parametrize("path, labels", [
    ([0, 3, 3, 0, 3, 0, 0], [3, 3]), ([3, 3, 3, 3], [3]), ([0, 3, 0, 3], [3, 3]), ([0, 0, 0], []),
    ([1, 2, 2, 3], [1, 2, 3]), ([1, 0, 1, 1, 0, 0, 1], [1, 1, 1]), ([], []),
])
def test_collapse(path, labels):
    assert collapse(path) == labels


def test_extended_labels_and_min_frames():
    assert extend_with_blanks([3, 1, 4]).tolist() == [0, 3, 0, 1, 0, 4, 0]
    assert min_frames([3, 1, 4]) == 3 and min_frames([1, 1]) == 3 and min_frames([2, 2, 2, 5]) == 6


@pytest.mark.parametrize("T, labels, seed", [(4, [1], 0), (5, [1, 2], 1), (5, [2, 2], 2), (6, [1, 2, 1], 3),
                                             (5, [1, 1, 1], 4), (3, [2, 1, 2], 5)])
def test_alpha_sums_every_path_and_viterbi_finds_the_best(T, labels, seed):
    log_probs = random_log_probs(T, 3, seed)
    total, best_path = brute_force(log_probs, labels)
    assert ctc_log_likelihood(log_probs, labels) == pytest.approx(total, abs=1e-12)
    extended = extend_with_blanks(labels)
    assert extended[best_path_alignment(log_probs, labels)].tolist() == list(best_path)


def torch_ctc(log_probs_list, labels_list):
    """torch's CTC loss (sum reduction off: one value per utterance), float64, from padded (T, B, C)."""
    T_max = max(len(lp) for lp in log_probs_list)
    C = log_probs_list[0].shape[1]
    padded = np.zeros((T_max, len(log_probs_list), C))
    for b, lp in enumerate(log_probs_list):
        padded[:len(lp), b] = lp
    targets = torch.tensor([k for labels in labels_list for k in labels])
    return torch.nn.functional.ctc_loss(torch.from_numpy(padded), targets,
                                        torch.tensor([len(lp) for lp in log_probs_list]),
                                        torch.tensor([len(labels) for labels in labels_list]),
                                        blank=0, reduction="none").numpy()


def test_loss_equals_torch_in_float64_on_random_inputs_with_repeats():
    rng = np.random.default_rng(7)
    log_probs_list, labels_list = [], []
    for b in range(24):
        C, L = 11, int(rng.integers(1, 8))
        labels = rng.integers(1, C, size=L).tolist()
        if b % 3 == 0 and L > 1:
            labels[1] = labels[0]                                      # force a repeated neighbour
        if b % 4 == 0:
            labels = [labels[0]] * L                                    # all the same label
        T = min_frames(labels) + int(rng.integers(0, 30))
        log_probs_list.append(random_log_probs(T, C, seed=100 + b))
        labels_list.append(labels)
    ours = np.array([ctc_loss(lp, labels) for lp, labels in zip(log_probs_list, labels_list)])
    theirs = torch_ctc(log_probs_list, labels_list)
    assert any(a == b for labels in labels_list for a, b in zip(labels, labels[1:]))
    np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-10)


def test_the_tightest_fit_leaves_one_path():
    log_probs = random_log_probs(3, 4, seed=9)                          # labels [2, 2] need T = 3: "2 _ 2"
    expected = -(log_probs[0, 2] + log_probs[1, 0] + log_probs[2, 2])
    assert ctc_loss(log_probs, [2, 2]) == pytest.approx(expected, abs=1e-12)
    np.testing.assert_allclose(ctc_loss(log_probs, [2, 2]), torch_ctc([log_probs], [[2, 2]])[0], rtol=1e-10)


def test_beta_agrees_with_alpha_at_every_frame():
    log_probs, labels = random_log_probs(12, 5, seed=11), [1, 3, 3, 2]
    alpha, beta = ctc_alpha(log_probs, labels), ctc_beta(log_probs, labels)
    emit = log_probs[:, extend_with_blanks(labels)]
    log_p = ctc_log_likelihood(log_probs, labels)
    through_each_frame = np.logaddexp.reduce(alpha + beta - emit, axis=1)
    np.testing.assert_allclose(through_each_frame, log_p, atol=1e-10)
    assert np.logaddexp(beta[0, 0], beta[0, 1]) == pytest.approx(log_p, abs=1e-10)   # β from the start = p too
    np.testing.assert_allclose(ctc_occupation(log_probs, labels).sum(axis=1), 1.0, atol=1e-10)


@pytest.mark.parametrize("labels", [[1, 2, 3], [2, 2], [4, 4, 4, 1]])
def test_gradient_equals_autograd_through_log_softmax(labels):
    T, C = 14, 6
    scores = torch.randn(T, 1, C, dtype=torch.float64, generator=torch.Generator().manual_seed(len(labels)),
                         requires_grad=True)
    log_probs = torch.log_softmax(scores, dim=-1)
    loss = torch.nn.functional.ctc_loss(log_probs, torch.tensor([labels]), torch.tensor([T]),
                                        torch.tensor([len(labels)]), reduction="sum")
    loss.backward()
    ours = ctc_gradient(log_probs.detach()[:, 0].numpy(), labels)
    assert relative_error(ours, scores.grad[:, 0].numpy()) < 1e-10


def test_gradient_equals_finite_differences():
    scores = np.random.default_rng(3).standard_normal((8, 4))
    labels = [2, 2, 1]

    def loss():
        return ctc_loss(scores - np.logaddexp.reduce(scores, axis=1, keepdims=True), labels)

    numeric = numerical_gradient(loss, scores)
    analytic = ctc_gradient(scores - np.logaddexp.reduce(scores, axis=1, keepdims=True), labels)
    assert relative_error(analytic, numeric) < 1e-7


@pytest.mark.parametrize("log_probs, labels, fragment", [
    (random_log_probs(2, 4, 0), [1, 1], "needs at least T=3 frames"),
    (random_log_probs(2, 4, 0), [1, 2, 3], "got T=2"),
    (random_log_probs(5, 4, 0), [0, 1], "other than the blank"),
    (random_log_probs(5, 4, 0), [1, 4], "class ids in 0 … 3"),
    (random_log_probs(5, 4, 0), [], "non-empty"),
    (random_log_probs(5, 4, 0)[None], [1], "2-D with shape (T, C)"),
    (np.zeros((5, 4)), [1], "log-probabilities"),
    (np.zeros((5, 4), dtype=np.int64), [1], "floating dtype"),
])
def test_bad_input_is_refused_clearly(log_probs, labels, fragment):
    with pytest.raises(ValueError) as error:
        check_alignable(log_probs, labels)
    assert fragment in str(error.value)
    with pytest.raises(ValueError):
        ctc_loss(log_probs, labels)


def test_torch_returns_inf_where_we_raise():
    log_probs = random_log_probs(2, 4, 0)
    assert np.isinf(torch_ctc([log_probs], [[1, 1]])[0])               # silently impossible in torch
