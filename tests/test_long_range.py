"""lessons_lib.long_range: fresh batches, held-out sets, one training run, recall accuracy, input-gradient profile."""
import numpy as np
import pytest
import torch
from torch import nn

from lessons_lib.long_range import (ADDING_RECIPE, TASKS, Recipe, copy_recall_accuracy, copy_task_one_hot, held_out,
                                    input_gradient_profile, online_batches, task_named, train_long_range)
from lessons_lib.models import SequenceRegressor
from lessons_lib.synthetic_tasks import copy_task
from lessons_lib.training import evaluate, fit, set_seed

TINY = Recipe(hidden_size=8, batch_size=16, eval_every=20, val_size=64, test_size=64)


def test_online_batches_are_reproducible_and_fresh():
    batches = online_batches("adding", 12, 16, seed=3)
    x0, y0 = batches(0)
    assert isinstance(x0, torch.Tensor) and x0.dtype == torch.float32
    assert x0.shape == (12, 16, 2) and y0.shape == (16, 1)
    np.testing.assert_array_equal(batches(0)[0], x0)                       # same step -> same batch
    assert not np.array_equal(batches(1)[0], x0)                           # next step -> new batch
    assert not np.array_equal(online_batches("adding", 12, 16, seed=4)(0)[0], x0)  # other seed -> other data


def test_held_out_sets_differ_from_each_other_and_from_training_batches():
    val, test = held_out("adding", 10, 16, seed=0, which="val"), held_out("adding", 10, 16, seed=0, which="test")
    train = online_batches("adding", 10, 16, seed=0)(0)
    assert not np.array_equal(val[0], test[0])
    assert not np.array_equal(val[0], train[0]) and not np.array_equal(test[0], train[0])
    np.testing.assert_array_equal(held_out("adding", 10, 16, seed=0, which="val")[0], val[0])


def test_copy_task_one_hot_encodes_the_tokens():
    X, Y = copy_task_one_hot(5, 7, seed=2)
    tokens, targets = copy_task(5, 7, seed=2)
    assert X.shape == (27, 5, 10) and X.dtype == np.float32 and Y.shape == (27, 5)
    np.testing.assert_array_equal(X.argmax(axis=-1), tokens)
    np.testing.assert_array_equal(X.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(Y, targets)


@pytest.mark.parametrize("call, pattern", [
    (lambda: task_named("adder"), r"task must be one of \['adding', 'copy'\]; got 'adder'"),
    (lambda: online_batches("sum", 5, 2), r"task must be one of .*got 'sum'"),
    (lambda: held_out("adding", 10, 4, which="train"), r"which must be 'val' or 'test'; got 'train'"),
    (lambda: train_long_range("sum", "lstm", 10), r"task must be one of .*got 'sum'"),
    (lambda: input_gradient_profile(nn.Identity(), torch.zeros(3, 2, 1), torch.zeros(3, 2, 1), loss="l1"),
     r"loss must be 'mse' or 'cross_entropy'; got 'l1'"),
])
def test_bad_arguments(call, pattern):
    with pytest.raises(ValueError, match=pattern):
        call()


def test_train_long_range_records_a_consistent_run():
    result = train_long_range("adding", "lstm", 6, forget_bias=1.0, max_steps=60, seed=1, recipe=TINY)
    history = result.history
    assert history.steps == [20, 40, 60] and len(history.grad_norm) == 60
    assert result.sequences_seen == 60 * TINY.batch_size
    assert result.label == "LSTM (forget bias 1)"
    assert result.cpu_seconds > 0 and result.wall_seconds > 0 and result.test_accuracy is None
    assert result.solved_step is None or result.solved_step in history.steps
    x_test, y_test = held_out("adding", 6, TINY.test_size, seed=1, which="test")
    with torch.no_grad():
        expected = torch.nn.functional.mse_loss(result.model(torch.from_numpy(x_test)), torch.from_numpy(y_test))
    assert result.test_loss == pytest.approx(float(expected), rel=1e-5)


def test_train_long_range_is_the_plain_fit_recipe_and_deterministic():
    """It does exactly what the notebook shows by hand: SequenceRegressor + fit on online batches."""
    result = train_long_range("adding", "rnn", 8, max_steps=40, seed=2, recipe=TINY)
    again = train_long_range("adding", "rnn", 8, max_steps=40, seed=2, recipe=TINY)
    assert result.history.val_loss == again.history.val_loss and result.test_loss == again.test_loss
    set_seed(2)
    model = SequenceRegressor(2, TINY.hidden_size, 1, cell="rnn")
    history = fit(model, online_batches("adding", 8, TINY.batch_size, seed=2),
                  held_out("adding", 8, TINY.val_size, seed=2, which="val"), loss="mse", lr=TINY.lr, max_steps=40,
                  eval_every=TINY.eval_every, clip_norm=TINY.clip_norm, target_val_loss=TINY.target_loss,
                  progress=False)
    assert history.val_loss == result.history.val_loss
    assert history.grad_norm == result.history.grad_norm


def test_recipe_changes_are_applied():
    result = train_long_range("adding", "gru", 5, max_steps=20, seed=0, recipe=TINY, hidden_size=4, lr=1e-3)
    assert result.recipe.hidden_size == 4 and result.recipe.lr == 1e-3
    assert result.model.hidden_size == 4 and result.label == "GRU"
    assert ADDING_RECIPE.hidden_size == 32  # the shared default is untouched


def test_the_recipe_learns_a_short_adding_problem():
    """A real (small) learning check: at T = 5 an LSTM gets well below the 0.167 baseline in 300 steps."""
    result = train_long_range("adding", "lstm", 5, forget_bias=1.0, max_steps=300, seed=0,
                              recipe=Recipe(hidden_size=16, batch_size=32, eval_every=50, val_size=256, test_size=256))
    assert result.test_loss < 0.05, result.test_loss


def test_each_task_is_described_once():
    for name, task in TASKS.items():
        X, Y = task.generate(3, 4, 0)
        assert task.name == name and X.shape[1:] == (3, task.input_size)
        model = SequenceRegressor(task.input_size, 2, task.output_size, per_step=task.per_step)
        assert task_named(name) is task and np.isfinite(evaluate(model, X, Y, task.loss))
    assert TASKS["adding"].accuracy is None and TASKS["copy"].accuracy is copy_recall_accuracy


def test_copy_run_has_per_step_outputs_and_an_accuracy():
    recipe = Recipe(hidden_size=8, batch_size=8, eval_every=10, target_loss=None, val_size=16, test_size=16)
    result = train_long_range("copy", "lstm", 3, forget_bias=1.0, max_steps=10, seed=0, recipe=recipe)
    assert result.model.per_step and result.history.steps == [10]
    X_test, Y_test = map(torch.from_numpy, held_out("copy", 3, 16, seed=0, which="test"))
    assert result.test_accuracy == copy_recall_accuracy(result.model, X_test, Y_test)
    assert result.test_loss == pytest.approx(evaluate(result.model, X_test, Y_test, "cross_entropy"))


class CopyOracle(nn.Module):
    """Answers the copy task perfectly by reading the symbols back from its input: logits (T + 20, B, 10)."""

    def forward(self, x):
        logits = torch.zeros_like(x)
        logits[:-10, :, 0] = 10.0                 # blank while waiting
        logits[-10:] = 10.0 * x[:10]              # then the 10 symbols, one-hot
        return logits


def test_copy_recall_accuracy_of_an_oracle_and_of_a_guesser():
    X, Y = map(torch.from_numpy, copy_task_one_hot(200, 6, seed=1))
    assert copy_recall_accuracy(CopyOracle(), X, Y) == 1.0

    class AlwaysSymbolOne(nn.Module):
        def forward(self, x):
            logits = torch.zeros(*x.shape[:2], 10)
            logits[..., 1] = 1.0
            return logits

    accuracy = copy_recall_accuracy(AlwaysSymbolOne(), X, Y)
    assert abs(accuracy - 1 / 8) < 0.03, accuracy       # 2000 recall steps, one symbol in 8 matches


def test_input_gradient_profile_matches_finite_differences():
    torch.manual_seed(0)
    model = SequenceRegressor(2, 3, 1, cell="rnn").double()
    x, y = (torch.from_numpy(a).double() for a in adding_problem_pair(T=5, n=4))
    profile = input_gradient_profile(model, x, y)
    assert profile.shape == (5,)
    eps = 1e-6
    expected = np.zeros(5)
    for t in range(5):
        norms = []
        for b in range(4):
            grad = np.zeros(2)
            for i in range(2):
                plus, minus = x.clone(), x.clone()
                plus[t, b, i] += eps
                minus[t, b, i] -= eps
                with torch.no_grad():
                    lp = torch.nn.functional.mse_loss(model(plus), y, reduction="sum")
                    lm = torch.nn.functional.mse_loss(model(minus), y, reduction="sum")
                grad[i] = (lp - lm).item() / (2 * eps)
            norms.append(np.linalg.norm(grad))
        expected[t] = np.mean(norms)
    np.testing.assert_allclose(profile, expected, rtol=1e-5, atol=1e-9)


def test_input_gradient_profile_is_zero_where_the_model_does_not_look():
    class LastStepOnly(nn.Module):
        def __init__(self):
            super().__init__()
            self.head = nn.Linear(2, 1)

        def forward(self, x):
            return self.head(x[-1])

    x, y = (torch.from_numpy(a) for a in adding_problem_pair(T=6, n=3))
    profile = input_gradient_profile(LastStepOnly(), x, y)
    np.testing.assert_array_equal(profile[:-1], 0.0)
    assert profile[-1] > 0
    logits_profile = input_gradient_profile(CopyOracle(), *map(torch.from_numpy, copy_task_one_hot(4, 3, seed=0)),
                                            loss="cross_entropy")
    assert logits_profile.shape == (23,)


def adding_problem_pair(T, n):
    from lessons_lib.synthetic_tasks import adding_problem
    return adding_problem(n, T, seed=5)


def test_recall_accuracy_and_gradient_profile_restore_the_mode():
    model = SequenceRegressor(10, 4, 10, per_step=True)
    X, Y = map(torch.from_numpy, copy_task_one_hot(4, 3, seed=0))
    model.train()
    copy_recall_accuracy(model, X, Y)
    input_gradient_profile(model, X, Y, loss="cross_entropy")
    assert model.training
    model.eval()
    input_gradient_profile(model, X, Y, loss="cross_entropy")
    assert not model.training and torch.is_grad_enabled()
