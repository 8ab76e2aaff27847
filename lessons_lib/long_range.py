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
Each task is described once, in :data:`TASKS` (generator, sizes, loss, where its targets are).
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
from .training import History, evaluate, evaluating, fit, set_seed
from .training.losses import LOSSES


def copy_task_one_hot(n: int, T: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """:func:`copy_task` with one-hot inputs: ``X (T + 20, n, 10)`` float32, targets ``(T + 20, n)`` int64."""
    tokens, targets = copy_task(n, T, seed)
    return np.eye(COPY_VOCAB_SIZE, dtype=np.float32)[tokens], targets


@torch.no_grad()
def copy_recall_accuracy(model: torch.nn.Module, X: torch.Tensor, Y: torch.Tensor) -> float:
    """Fraction of the 10 recalled symbols that the model gets right (argmax of its last 10 outputs).

    ``X (T + 20, n, 10)`` one-hot inputs, ``Y (T + 20, n)`` targets. Guessing gives 1/8 = 0.125.
    """
    device = next((p.device for p in model.parameters()), torch.device("cpu"))   # inputs go where the model is
    X, Y = torch.as_tensor(X).to(device), torch.as_tensor(Y).to(device)
    with evaluating(model):
        predicted = model(X)[-COPY_LENGTH:].argmax(dim=-1)     # (10, n)
    return float((predicted == Y[-COPY_LENGTH:]).float().mean())


@dataclass(frozen=True)
class Task:
    """A long-lag task, everything a run needs to know about it.

    ``generate(n, T, seed) -> (X (T', n, input_size), Y)``; ``loss`` is ``"mse"`` or ``"cross_entropy"``;
    ``per_step``: a target at every step (the model reads out every ``h_t``) instead of one at the end;
    ``accuracy(model, X, Y)``: an extra score reported with the test loss, or ``None``.
    """

    name: str
    generate: Callable[[int, int, int], tuple[np.ndarray, np.ndarray]]
    input_size: int
    output_size: int
    loss: str
    per_step: bool
    accuracy: Callable | None = None


TASKS = {
    "adding": Task("adding", adding_problem, 2, 1, "mse", per_step=False),
    "copy": Task("copy", copy_task_one_hot, COPY_VOCAB_SIZE, COPY_VOCAB_SIZE, "cross_entropy", per_step=True,
                 accuracy=copy_recall_accuracy),
}


def task_named(name: str) -> Task:
    """The :class:`Task` called ``name`` (``"adding"`` or ``"copy"``)."""
    if name not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}; got {name!r}")
    return TASKS[name]


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


def online_batches(task: str, T: int, batch_size: int, seed: int = 0) -> Callable[[int], tuple]:
    """A function ``step -> (X_batch, Y_batch)`` (torch tensors) giving a fresh batch for every step.

    The batch of step ``s`` is ``task(batch_size, T, seed=hash(seed, 0, s))``: reproducible, and
    different from every other step's batch and from the validation and test sets.
    """
    generate = task_named(task).generate

    def batch(step: int):
        return tuple(map(torch.from_numpy, generate(batch_size, T, _data_seed(seed, 0, step))))

    return batch


def held_out(task: str, T: int, n: int, seed: int = 0, which: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """The validation (``which="val"``) or test (``"test"``) sequences for a run seed: fixed, never trained on."""
    streams = {"val": 1, "test": 2}
    if which not in streams:
        raise ValueError(f"which must be 'val' or 'test'; got {which!r}")
    return task_named(task).generate(n, T, _data_seed(seed, streams[which]))


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
                     seed: int = 0, recipe: Recipe = ADDING_RECIPE, progress: bool = False, **changes) -> RunResult:
    """Train one model on the adding (``task="adding"``) or copy (``"copy"``) problem with length ``T``.

    Args:
        cell: ``"lstm"``, ``"gru"`` or ``"rnn"`` (tanh).
        forget_bias: LSTM only: the effective forget-gate bias at initialisation (``None``: torch's default).
        max_steps: the step budget; the run stops earlier once the validation loss < ``recipe.target_loss``.
        seed: seeds the initial weights (:func:`set_seed`) and every batch, validation and test sequence.
        progress: show a progress bar while training.
        changes: override fields of ``recipe``, e.g. ``lr=3e-3``.

    Returns a :class:`RunResult`; its ``history.grad_norm`` holds the gradient norm of every step
    (before clipping).
    """
    spec = task_named(task)
    recipe = replace(recipe, **changes) if changes else recipe
    set_seed(seed)
    model = SequenceRegressor(spec.input_size, recipe.hidden_size, spec.output_size, cell=cell,
                              forget_bias=forget_bias, per_step=spec.per_step)
    val = held_out(task, T, recipe.val_size, seed, "val")
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    history = fit(model, online_batches(task, T, recipe.batch_size, seed), val, loss=spec.loss, lr=recipe.lr,
                  max_steps=max_steps, eval_every=recipe.eval_every, clip_norm=recipe.clip_norm,
                  target_val_loss=recipe.target_loss, progress=progress)
    cpu_seconds, wall_seconds = time.process_time() - cpu_start, time.perf_counter() - wall_start
    X_test, Y_test = map(torch.from_numpy, held_out(task, T, recipe.test_size, seed, "test"))
    test_loss = evaluate(model, X_test, Y_test, spec.loss)
    accuracy = spec.accuracy(model, X_test, Y_test) if spec.accuracy else None
    return RunResult(task, cell, T, forget_bias, seed, recipe, history, test_loss, history.solved_step,
                     cpu_seconds, wall_seconds, model, accuracy)


def input_gradient_profile(model: torch.nn.Module, X, Y, loss: str = "mse") -> np.ndarray:
    """How strongly the loss at the end reacts to each input: ``‖∂L/∂x_t‖`` per time step, shape ``(T,)``.

    ``X (T, B, I)``, ``Y`` the matching targets. For every sequence b we take the norm over the
    features of ``∂L_b/∂x_t[b]`` (``L_b``: the loss of sequence b, so the loss is summed, not averaged)
    and average over the batch. A vanishing gradient (notebook 02) shows up as a profile that falls by
    orders of magnitude as t moves away from the end.
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be 'mse' or 'cross_entropy'; got {loss!r}")
    X = torch.as_tensor(X).detach().clone().requires_grad_(True)
    with evaluating(model), torch.enable_grad():               # eval mode, but with gradients
        value = LOSSES[loss](model(X), torch.as_tensor(Y), reduction="sum")
        (gradient,) = torch.autograd.grad(value, X)             # (T, B, I): per-sequence gradients
    return gradient.norm(dim=-1).mean(dim=1).cpu().numpy()    # ‖∂L_b/∂x_t[b]‖ averaged over b, (T,)
