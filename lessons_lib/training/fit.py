"""One training loop for every notebook: ``fit(model, train, val, ...) -> History``.

The loop, one optimisation step at a time::

    ŷ = model(X_batch)                      forward pass
    L = loss(ŷ, Y_batch)                    "mse", "cross_entropy" or your own function
    g = ∇_θ L                               backward pass (loss.backward())
    ‖g‖ = sqrt(Σ_p ‖g_p‖²)                  recorded every step, before any clipping
    g ← g · min(1, clip_norm / ‖g‖)         only if clip_norm is set (clip_grad_norm_)
    θ ← optimizer step(θ, g)

What it adds around that loop: a validation loss every ``eval_every`` steps, early stopping
(``patience``) that restores the best weights, stopping once ``target_val_loss`` is reached, a
divergence guard (a non-finite loss raises :class:`TrainingDiverged` saying what happened and what
to try), a progress bar and an optional live loss plot. Checkpoints are saved and
loaded with :mod:`lessons_lib.training.checkpoints` (``torch.load(weights_only=True)``).

Data layout (time-major, the collection's convention): ``X (T, N, I)`` — the batch axis is axis 1;
targets ``Y (N, ...)`` with the batch axis first — except per-step class targets ``(T, N)`` (see
``y_batch_dim`` in :func:`fit`). With ``time_major=False`` the inputs are ``(N, T, I)``.
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .._validate import check_int
from .guards import TrainingDiverged
from .history import LossHistory
from .progress import ProgressBar

OPTIMIZERS = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD,
              "rmsprop": torch.optim.RMSprop}
LOSSES = ("mse", "cross_entropy")


@dataclass
class History(LossHistory):
    """What :func:`fit` recorded.

    Per evaluation (every ``eval_every`` steps, and once at the end): ``steps`` (optimisation steps
    done so far), ``train_loss`` (mean training loss of the steps since the previous evaluation),
    ``val_loss`` (empty without validation data), ``eval_wall_time`` (seconds since the start).
    Per optimisation step: ``step_train_loss`` and ``grad_norm`` (total gradient norm before clipping).
    """

    eval_wall_time: list[float] = field(default_factory=list)
    step_train_loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    wall_time: float = 0.0
    best_step: int | None = None
    best_val_loss: float | None = None
    solved_step: int | None = None
    stopped_because: str = ""
    restored_best: bool = False
    steps_per_epoch: int | None = None

    @property
    def epochs(self) -> list[float]:
        """``steps`` expressed in epochs (only for a fixed training set)."""
        if not self.steps_per_epoch:
            raise ValueError("epochs are defined only for a fixed training set (train given as (X, Y))")
        return [s / self.steps_per_epoch for s in self.steps]

    def summary(self) -> str:
        """One line: steps, last losses, best validation loss, why it stopped."""
        if not self.steps:
            return f"no steps; stopped: {self.stopped_because}"
        text = f"{self.steps[-1]} steps, train loss {self.train_loss[-1]:.4g}"
        if self.val_loss:
            text += f", val loss {self.val_loss[-1]:.4g} (best {self.best_val_loss:.4g} at step {self.best_step})"
        text += f"; stopped: {self.stopped_because}"
        if self.restored_best:
            text += f"; weights restored from step {self.best_step}"
        return text


# --------------------------------------------------------------------------- data handling
def _as_tensor(name: str, value) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(np.ascontiguousarray(value))
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch tensor or a numpy array; got {type(value).__name__}")
    return value


def _model_dtype(model: nn.Module) -> torch.dtype:
    for parameter in model.parameters():
        return parameter.dtype
    return torch.get_default_dtype()


def _prepare(name: str, data, model: nn.Module, x_batch_dim: int, y_batch_dim: int | None, loss) -> tuple:
    """Check and convert one ``(X, Y)`` pair; return ``(X, Y, y_batch_dim)``."""
    if not (isinstance(data, (tuple, list)) and len(data) == 2):
        raise ValueError(f"{name} must be a pair (X, Y); got {type(data).__name__}"
                         + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""))
    X, Y = _as_tensor(f"{name} X", data[0]), _as_tensor(f"{name} Y", data[1])
    layout = "(T, N, I)" if x_batch_dim == 1 else "(N, T, I)"
    if X.ndim != 3:
        raise ValueError(f"{name} X must be 3-D {layout} (time_major={x_batch_dim == 1}); got shape {tuple(X.shape)}")
    if not torch.is_floating_point(X):
        raise ValueError(f"{name} X must hold floats; got dtype {X.dtype}")
    X = X.to(_model_dtype(model))
    if torch.is_floating_point(Y):
        Y = Y.to(_model_dtype(model))
    elif loss == "cross_entropy":
        Y = Y.long()
    if y_batch_dim is None:  # per-step class targets (T, N) share X's layout; everything else is (N, ...)
        y_batch_dim = x_batch_dim if (loss == "cross_entropy" and Y.ndim == 2) else 0
    if Y.ndim <= y_batch_dim:
        raise ValueError(f"{name} Y has shape {tuple(Y.shape)}: it has no batch axis {y_batch_dim}")
    n = X.shape[x_batch_dim]
    if Y.shape[y_batch_dim] != n:
        raise ValueError(f"{name}: X has {n} sequences (axis {x_batch_dim} of {tuple(X.shape)}) but Y has "
                         f"{Y.shape[y_batch_dim]} along its batch axis {y_batch_dim} (shape {tuple(Y.shape)}); "
                         "per-step targets (T, N) need y_batch_dim=1")
    if n == 0:
        raise ValueError(f"{name} has no sequences (shape {tuple(X.shape)})")
    return X, Y, y_batch_dim


def _loss_function(loss) -> Callable:
    if callable(loss):
        return loss
    if loss == "mse":
        def mse(prediction, target):
            if prediction.shape != target.shape:  # broadcasting (B, 1) against (B,) would silently give nonsense
                raise ValueError(f"mse: prediction shape {tuple(prediction.shape)} differs from target shape "
                                 f"{tuple(target.shape)}; reshape Y to match the model's output")
            return F.mse_loss(prediction, target)
        return mse
    if loss == "cross_entropy":
        def cross_entropy(logits, target):  # logits (..., C) vs int targets (...), mean over all positions
            if logits.shape[:-1] != target.shape:
                raise ValueError(f"cross_entropy: logits {tuple(logits.shape)} must be target shape "
                                 f"{tuple(target.shape)} plus a class axis")
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))
        return cross_entropy
    raise ValueError(f"loss must be one of {list(LOSSES)} or a callable (prediction, target) -> scalar; got {loss!r}")


def _make_optimizer(optimizer, model: nn.Module, lr: float) -> torch.optim.Optimizer:
    if isinstance(optimizer, torch.optim.Optimizer):
        return optimizer
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)} or a torch.optim.Optimizer; got {optimizer!r}")
    return OPTIMIZERS[optimizer](model.parameters(), lr=lr)


def _gradient_norm(model: nn.Module) -> float:
    """‖g‖ = sqrt(Σ_p ‖∂L/∂p‖²) over every parameter that has a gradient."""
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    return float(torch.nn.utils.get_total_norm(grads)) if grads else 0.0


@torch.no_grad()
def evaluate(model: nn.Module, X: torch.Tensor, Y: torch.Tensor, loss="mse", *, x_batch_dim: int = 1,
             y_batch_dim: int = 0, batch_size: int = 2048) -> float:
    """Mean loss of ``model`` on ``(X, Y)`` in eval mode, in chunks of ``batch_size`` sequences.

    ``X``/``Y`` may be tensors or numpy arrays; floating data are converted to the model's dtype.
    Per-step class targets ``(T, N)`` need ``y_batch_dim=1``.
    """
    loss_fn = _loss_function(loss)
    X, Y = _as_tensor("X", X), _as_tensor("Y", Y)
    X = X.to(_model_dtype(model)) if torch.is_floating_point(X) else X
    Y = Y.to(_model_dtype(model)) if torch.is_floating_point(Y) else Y
    was_training = model.training
    model.eval()
    n, total = X.shape[x_batch_dim], 0.0
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        prediction = model(X.narrow(x_batch_dim, start, size))
        total += float(loss_fn(prediction, Y.narrow(y_batch_dim, start, size))) * size
    model.train(was_training)
    return total / n


@torch.no_grad()
def predict(model: nn.Module, X, batch_size: int = 2048, time_major: bool = True) -> np.ndarray:
    """``model``'s outputs for inputs ``X`` (numpy or torch, ``(T, N, I)``) as a float64 numpy array, in eval mode."""
    X = _as_tensor("X", X)
    if X.ndim != 3:
        raise ValueError(f"X must be 3-D {'(T, N, I)' if time_major else '(N, T, I)'}; got shape {tuple(X.shape)}")
    X = X.to(_model_dtype(model))
    axis = 1 if time_major else 0
    was_training = model.training
    model.eval()
    outputs = [model(X.narrow(axis, start, min(batch_size, X.shape[axis] - start)))
               for start in range(0, X.shape[axis], batch_size)]
    model.train(was_training)
    per_step = outputs[0].ndim == 3
    return torch.cat(outputs, dim=axis if per_step else 0).double().numpy()


# --------------------------------------------------------------------------- the loop
def fit(model: nn.Module, train, val=None, *, loss="mse", lr: float = 1e-3, optimizer="adam",
        batch_size: int = 32, epochs: int | None = None, max_steps: int | None = None,
        eval_every: int | None = None, clip_norm: float | None = None, patience: int | None = None,
        target_val_loss: float | None = None, progress: bool = True, live_plot: bool = False,
        seed: int = 0, time_major: bool = True, y_batch_dim: int | None = None,
        restore_best: bool | None = None, eval_batch_size: int = 2048) -> History:
    """Train ``model`` and return its :class:`History`.

    Args:
        train: ``(X, Y)`` tensors or numpy arrays — ``X (T, N, I)`` (``(N, T, I)`` if not
            ``time_major``), ``Y (N, ...)`` — shuffled each epoch with a generator seeded by ``seed``;
            or a callable ``step -> (X_batch, Y_batch)`` that makes a fresh batch for step
            ``0, 1, 2, ...`` (online data; needs ``max_steps``; ``batch_size`` is then unused).
        val: ``(X, Y)`` for the validation loss, or ``None``.
        optimizer: ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"`` (built with ``lr``), or a
            ``torch.optim.Optimizer`` already built on ``model.parameters()`` (``lr`` is then ignored).
        loss: ``"mse"`` (prediction and target must have the same shape), ``"cross_entropy"``
            (logits ``(..., C)`` vs int targets ``(...)``, mean over every position, e.g. ``(T, B, C)``
            vs ``(T, B)``), or a callable ``(prediction, target) -> scalar tensor``.
        epochs / max_steps: exactly one of them.
        eval_every: evaluate every this many steps. Default: once per epoch for a fixed training
            set, ``max(1, max_steps // 50)`` for a callable.
        clip_norm: rescale the gradient to at most this total norm before each step.
        patience: stop when the validation loss has not improved for this many evaluations;
            the best weights are restored at the end (``History.restored_best``).
        target_val_loss: stop as soon as the validation loss is below it (``History.solved_step``).
        progress: show a :class:`~lessons_lib.training.progress.ProgressBar`. live_plot: show a loss plot updated in place.
        y_batch_dim: the batch axis of the targets. Default ``None``: axis 0, except for
            ``loss="cross_entropy"`` with 2-D targets, which are per-step ``(T, N)`` in X's layout
            (axis 1 when ``time_major``).
        restore_best: load the weights of the best validation loss at the end; default: when
            ``patience`` is set.

    Raises:
        TrainingDiverged: the training loss became inf/NaN (the message says when and what to try).
        ValueError: inconsistent arguments or data shapes.
    """
    if (epochs is None) == (max_steps is None):
        raise ValueError(f"give exactly one of epochs and max_steps; got epochs={epochs!r}, max_steps={max_steps!r}")
    for name, value in (("epochs", epochs), ("max_steps", max_steps), ("eval_every", eval_every),
                        ("patience", patience), ("batch_size", batch_size)):
        if value is not None:
            check_int(name, value)
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"lr must be a positive number; got {lr!r}")
    if clip_norm is not None and not clip_norm > 0:
        raise ValueError(f"clip_norm must be positive (or None for no clipping); got {clip_norm!r}")
    if val is None and (patience is not None or target_val_loss is not None or restore_best):
        raise ValueError("patience, target_val_loss and restore_best need validation data: pass val=(X_val, Y_val)")
    loss_fn = _loss_function(loss)
    x_batch_dim = 1 if time_major else 0
    online = callable(train)
    if online:
        if epochs is not None:
            raise ValueError("train is a callable (fresh batches each step): use max_steps, not epochs")
        steps_per_epoch, total_steps = None, int(max_steps)
        eval_every = eval_every or max(1, total_steps // 50)
    else:
        X_train, Y_train, y_dim = _prepare("train", train, model, x_batch_dim, y_batch_dim, loss)
        n_train = X_train.shape[x_batch_dim]
        steps_per_epoch = math.ceil(n_train / batch_size)
        total_steps = int(max_steps) if max_steps is not None else int(epochs) * steps_per_epoch
        eval_every = eval_every or steps_per_epoch
        generator = torch.Generator().manual_seed(int(seed))
    if val is not None:
        X_val, Y_val, y_dim_val = _prepare("val", val, model, x_batch_dim, y_batch_dim, loss)
    restore_best = (patience is not None) if restore_best is None else bool(restore_best)
    opt = _make_optimizer(optimizer, model, lr)

    history = History(steps_per_epoch=steps_per_epoch)
    best_state, evals_without_improvement = None, 0
    bar = _progress_bar(total_steps) if progress else None
    plot = None
    if live_plot:
        from .live_plot import LiveLossPlot
        plot = LiveLossPlot()
    start_time = time.perf_counter()
    losses_since_eval: list[float] = []
    batches = None if online else _shuffled_batches(n_train, batch_size, generator)
    model.train()
    step = 0
    stopped = "max_steps" if max_steps is not None else "epochs"
    try:
        while step < total_steps:
            # ---- one optimisation step
            if online:
                X_batch, Y_batch, y_dim = _prepare("train(step)", train(step), model, x_batch_dim, y_batch_dim, loss)
            else:
                index = next(batches)
                X_batch, Y_batch = X_train.index_select(x_batch_dim, index), Y_train.index_select(y_dim, index)
            opt.zero_grad(set_to_none=True)
            value = loss_fn(model(X_batch), Y_batch)
            if not torch.isfinite(value):
                raise _diverged(value.item(), step, steps_per_epoch, history, lr, clip_norm)
            value.backward()
            norm = _gradient_norm(model)
            if clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
            opt.step()
            step += 1
            value = value.item()
            history.step_train_loss.append(value)
            history.grad_norm.append(norm)
            losses_since_eval.append(value)
            if bar is not None:
                bar.update(1)
            # ---- evaluation
            if step % eval_every == 0 or step == total_steps:
                history.steps.append(step)
                history.train_loss.append(float(np.mean(losses_since_eval)))
                losses_since_eval = []
                if val is not None:
                    val_loss = evaluate(model, X_val, Y_val, loss, x_batch_dim=x_batch_dim, y_batch_dim=y_dim_val,
                                        batch_size=eval_batch_size)
                    if not math.isfinite(val_loss):
                        raise _diverged(val_loss, step - 1, steps_per_epoch, history, lr, clip_norm, "validation")
                    history.val_loss.append(val_loss)
                    if history.best_val_loss is None or val_loss < history.best_val_loss:
                        history.best_val_loss, history.best_step = val_loss, step
                        evals_without_improvement = 0
                        if restore_best:
                            best_state = copy.deepcopy(model.state_dict())
                    else:
                        evals_without_improvement += 1
                history.eval_wall_time.append(time.perf_counter() - start_time)
                if bar is not None:
                    bar.set_postfix(**_postfix(history))
                if plot is not None:
                    plot.update(history)
                if target_val_loss is not None and history.val_loss[-1] < target_val_loss:
                    history.solved_step, stopped = step, "target_val_loss"
                    break
                if patience is not None and evals_without_improvement >= patience:
                    stopped = "early_stopping"
                    break
    finally:  # also when TrainingDiverged is raised: close the bar, record the time
        if bar is not None:
            bar.close(note="" if step >= total_steps else ("diverged" if history.stopped_because == "diverged"
                                                            else stopped.replace("_", " ")))
        history.wall_time = time.perf_counter() - start_time
    if restore_best and best_state is not None:
        model.load_state_dict(best_state)
        history.restored_best = True
    history.stopped_because = stopped
    if plot is not None:
        plot.update(history, force=True)
    return history


def _shuffled_batches(n: int, batch_size: int, generator: torch.Generator):
    """Index tensors of one batch each, a new random permutation every epoch (last batch may be smaller)."""
    while True:
        order = torch.randperm(n, generator=generator)
        for start in range(0, n, batch_size):
            yield order[start:start + batch_size]


def _diverged(value: float, step: int, steps_per_epoch, history: History, lr: float, clip_norm,
              which: str = "training") -> TrainingDiverged:
    """The error for a non-finite loss at (0-based) ``step``: when, the last finite values, what to try."""
    where = f"step {step + 1}" + (f" (epoch {step // steps_per_epoch + 1})" if steps_per_epoch else "")
    finite = [v for v in history.step_train_loss if math.isfinite(v)]
    last_loss = f"{finite[-1]:.4g}" if finite else "none (it was not finite from the first step)"
    last_norm = f"{history.grad_norm[-1]:.4g}" if history.grad_norm else "none (no step was taken)"
    advice = ("try gradient clipping (fit(..., clip_norm=1.0))" if clip_norm is None
              else f"gradient clipping was on (clip_norm={clip_norm}); try a smaller clip_norm")
    data = "the validation data" if which == "validation" else "the inputs"
    history.stopped_because = "diverged"
    return TrainingDiverged(
        f"training diverged at {where}: the {which} loss became {value} (not finite). "
        f"Last finite training loss: {last_loss}; last gradient norm (before clipping): {last_norm}. "
        f"The step size was too large for this loss surface: {advice} or a lower learning rate "
        f"(lr={lr:g} now, e.g. lr={lr / 10:g}). Check {data} for inf/NaN too.", history)


def _postfix(history: History) -> dict:
    postfix = {"train": f"{history.train_loss[-1]:.4g}"}
    if history.val_loss:
        postfix["val"] = f"{history.val_loss[-1]:.4g}"
    return postfix


def _progress_bar(total: int) -> ProgressBar:
    return ProgressBar(total, desc="training", unit="step")
