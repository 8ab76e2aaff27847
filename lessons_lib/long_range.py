"""Training recurrent nets on the long-lag tasks (notebook 05): fresh data each step, one recipe, honest timing.

One run = build a :class:`~lessons_lib.models.SequenceRegressor`, train it with
:func:`~lessons_lib.training.fit` on a *fresh* batch at every step (the tasks are generators, so there
is no fixed training set to over-fit), stop as soon as the validation loss is below the target, then
score it once on a separate test set::

    step s:  (X_s, Y_s) = task(batch_size, T, seed=hash(seed, s))     never the same batch twice
    every eval_every steps: val loss on 1000 held-out sequences        stop when < target_loss
    at the end: test loss on 2000 other sequences                      the number we report

All models trained with the same ``seed`` see the same batches in the same order and are scored
on the same validation and test sequences, so differences between them come from the cells.
Shapes are time-major: ``X (T, B, I)``; adding targets ``(B, 1)``; copy targets ``(T + 20, B)``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import torch

from .models import SequenceRegressor
from .synthetic_tasks import COPY_LENGTH, COPY_VOCAB_SIZE, adding_problem, copy_task
from .training import History, evaluate, fit, set_seed

TASKS = ("adding", "copy")


@dataclass(frozen=True)
class Recipe:
    """The training settings shared by every model in a comparison.

    ``target_loss`` is the validation loss at which a run counts as solved and stops:
    MSE 0.01 for the adding problem (the baseline is 0.167), for the copy task a cross-entropy
    (set it per length, e.g. a fraction of :func:`~lessons_lib.synthetic_tasks.copy_baseline_cross_entropy`).
    """

    hidden_size: int = 32
    batch_size: int = 64
    lr: float = 1e-2
    clip_norm: float | None = 1.0
    eval_every: int = 50
    target_loss: float | None = 0.01
    val_size: int = 1000
    test_size: int = 2000


ADDING_RECIPE = Recipe()
"""Adam, lr 1e-2, hidden 32, batch 64, clip 1: the LSTM solves adding T = 100 in a median of 800 steps (benchmarks/adding_problem.py)."""


def _data_seed(seed: int, *stream: int) -> int:
    """An independent 32-bit seed for each (run seed, stream) pair: streams never share sequences by accident."""
    return int(np.random.SeedSequence([int(seed), *stream]).generate_state(1)[0])


def copy_task_one_hot(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """:func:`copy_task` with one-hot inputs: ``X (T + 20, n, 10)`` float32, targets ``(T + 20, n)`` int64."""
    tokens, targets = copy_task(n, T, seed)
    return np.eye(COPY_VOCAB_SIZE, dtype=np.float32)[tokens], targets


def make_task(task: str) -> Callable[[int, int, int], tuple[np.ndarray, np.ndarray]]:
    """``task`` name -> generator ``(n, T, seed) -> (X, Y)`` with float inputs ready for a model."""
    if task == "adding":
        return adding_problem
    if task == "copy":
        return copy_task_one_hot
    raise ValueError(f"task must be one of {list(TASKS)}; got {task!r}")


def online_batches(task: str, T: int, batch_size: int, seed: int = 0) -> Callable[[int], tuple]:
    """A function ``step -> (X_batch, Y_batch)`` giving a fresh batch for every step (``fit``'s online mode).

    The batch of step ``s`` is ``task(batch_size, T, seed=hash(seed, 0, s))``: reproducible, and
    different from every other step's batch and from the validation and test sets.
    """
    generate = make_task(task)

    def batch(step: int):
        return generate(batch_size, T, _data_seed(seed, 0, step))

    return batch


def held_out(task: str, T: int, n: int, seed: int = 0, which: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """The validation (``which="val"``) or test (``"test"``) sequences for a run seed: fixed, never trained on."""
    streams = {"val": 1, "test": 2}
    if which not in streams:
        raise ValueError(f"which must be 'val' or 'test'; got {which!r}")
    return make_task(task)(n, T, _data_seed(seed, streams[which]))


@dataclass
class RunResult:
    """One training run: its settings, the :class:`History`, the test loss and the time it took.

    ``solved_step`` is the first evaluation step whose validation loss was below the target
    (``None`` if it never was). ``cpu_seconds`` is the process CPU time of the training (every
    thread of this process), ``wall_seconds`` the elapsed time: on a shared machine the wall time
    is inflated by other processes, the CPU time much less.
    """

    task: str
    cell: str
    T: int
    forget_bias: float | None
    seed: int
    recipe: Recipe
    history: History
    test_loss: float
    solved_step: int | None
    cpu_seconds: float
    wall_seconds: float
    model: SequenceRegressor
    test_accuracy: float | None = None

    @property
    def label(self) -> str:
        """A short name for legends: ``"LSTM (forget bias 1)"``, ``"GRU"``, ``"tanh RNN"``."""
        names = {"lstm": "LSTM", "gru": "GRU", "rnn": "tanh RNN"}
        if self.cell == "lstm" and self.forget_bias is not None:
            return f"LSTM (forget bias {self.forget_bias:g})"
        return names[self.cell]

    @property
    def sequences_seen(self) -> int:
        """Training sequences used: steps × batch size."""
        return self.history.steps[-1] * self.recipe.batch_size if self.history.steps else 0


def train_long_range(task: str, cell: str, T: int, *, forget_bias: float | None = None, max_steps: int = 2000,
                     seed: int = 0, recipe: Recipe = ADDING_RECIPE, **changes) -> RunResult:
    """Train one model on the adding (``task="adding"``) or copy (``"copy"``) problem with length ``T``.

    Args:
        cell: ``"lstm"``, ``"gru"`` or ``"rnn"`` (tanh).
        forget_bias: LSTM only: the effective forget-gate bias at initialisation (``None``: torch's default).
        max_steps: the step budget; the run stops earlier once the validation loss < ``recipe.target_loss``.
        seed: seeds the initial weights (:func:`set_seed`) and every batch, validation and test sequence.
        changes: override fields of ``recipe``, e.g. ``lr=3e-3``.

    Returns a :class:`RunResult`; its ``history.grad_norm`` holds the gradient norm of every step
    (before clipping).
    """
    recipe = replace(recipe, **changes) if changes else recipe
    make_task(task)  # refuses an unknown task name before anything is built
    set_seed(seed)
    if task == "adding":
        model = SequenceRegressor(2, recipe.hidden_size, 1, cell=cell, forget_bias=forget_bias)
        loss = "mse"
    else:
        model = SequenceRegressor(COPY_VOCAB_SIZE, recipe.hidden_size, COPY_VOCAB_SIZE, cell=cell,
                                  forget_bias=forget_bias, per_step=True)
        loss = "cross_entropy"
    val = held_out(task, T, recipe.val_size, seed, "val")
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    history = fit(model, online_batches(task, T, recipe.batch_size, seed), val, loss=loss, lr=recipe.lr,
                  max_steps=max_steps, eval_every=recipe.eval_every, clip_norm=recipe.clip_norm,
                  target_val_loss=recipe.target_loss, progress=False, seed=seed)
    cpu_seconds, wall_seconds = time.process_time() - cpu_start, time.perf_counter() - wall_start
    X_test, Y_test = held_out(task, T, recipe.test_size, seed, "test")
    X_test, Y_test = torch.from_numpy(X_test), torch.from_numpy(Y_test)
    test_loss = evaluate(model, X_test, Y_test, loss, y_batch_dim=1 if task == "copy" else 0)
    accuracy = copy_recall_accuracy(model, X_test, Y_test) if task == "copy" else None
    return RunResult(task, cell, T, forget_bias, seed, recipe, history, test_loss, history.solved_step,
                     cpu_seconds, wall_seconds, model, accuracy)


@torch.no_grad()
def copy_recall_accuracy(model: torch.nn.Module, X: torch.Tensor, Y: torch.Tensor) -> float:
    """Fraction of the 10 recalled symbols that the model gets right (argmax of its last 10 outputs).

    ``X (T + 20, n, 10)`` one-hot inputs, ``Y (T + 20, n)`` targets. Guessing gives 1/8 = 0.125.
    """
    was_training = model.training
    model.eval()
    predicted = model(X)[-COPY_LENGTH:].argmax(dim=-1)     # (10, n)
    model.train(was_training)
    return float((predicted == Y[-COPY_LENGTH:]).float().mean())


def input_gradient_profile(model: torch.nn.Module, X, Y, loss: str = "mse") -> np.ndarray:
    """How strongly the loss at the end reacts to each input: ``‖∂L/∂x_t‖`` per time step, shape ``(T,)``.

    ``X (T, B, I)``, ``Y`` the matching targets. For every sequence b we take the norm over the
    features of ``∂L/∂x_t[b]`` and average over the batch. A vanishing gradient (notebook 02) shows
    up as a profile that falls by orders of magnitude as t moves away from the end.
    """
    X = torch.as_tensor(X).detach().clone().requires_grad_(True)
    Y = torch.as_tensor(Y)
    was_training = model.training
    model.eval()
    prediction = model(X)
    if loss == "mse":
        value = torch.nn.functional.mse_loss(prediction, Y, reduction="sum")
    elif loss == "cross_entropy":
        value = torch.nn.functional.cross_entropy(prediction.reshape(-1, prediction.shape[-1]), Y.reshape(-1),
                                                  reduction="sum")
    else:
        raise ValueError(f"loss must be 'mse' or 'cross_entropy'; got {loss!r}")
    (gradient,) = torch.autograd.grad(value, X)             # (T, B, I); summed loss: per-sequence gradients
    model.train(was_training)
    return gradient.norm(dim=-1).mean(dim=1).numpy()         # ‖∂L_b/∂x_t[b]‖ averaged over b, (T,)
