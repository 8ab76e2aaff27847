"""``fit``: the loop of ``lessons_lib.training`` in one call, for when the loop is not the lesson.

It runs exactly the loop the notebooks write out, with the same helpers::

    for step in range(max_steps):
        X, Y = batches(step)                                     a batch: X (T, B, I), Y (B, ...)
        L = loss(model(X), Y)                                    forward; check_finite(L) guards divergence
        L.backward()                                             backward (BPTT)
        ‖g‖ = clip_grad_norm_(θ, clip_norm)                      the norm before clipping, recorded every step
        optimizer.step()                                         θ ← θ − lr · update(g)
        every eval_every steps: val loss (in evaluating(model)), History, EarlyStopping, progress bar

``batches`` is any function ``step -> (X, Y)``: fresh data per step (the tasks of notebook 05), or a fixed
training set reshuffled every epoch (:class:`~lessons_lib.training.batches.EpochBatches`).
"""
from __future__ import annotations

import math
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from .._validate import check_int
from .batches import as_tensor
from .early_stopping import EarlyStopping
from .guards import TrainingDiverged, check_finite
from .history import LossHistory
from .losses import loss_function
from .modes import evaluating
from .progress import ProgressBar

OPTIMIZERS = {"adam": torch.optim.Adam, "sgd": torch.optim.SGD}


@dataclass
class History(LossHistory):
    """What :func:`fit` recorded.

    Per evaluation (every ``eval_every`` steps, and after the last step): ``steps``, ``train_loss`` (mean
    training loss of the steps since the previous evaluation), ``val_loss`` (empty without validation data).
    Per optimisation step: ``step_train_loss`` and ``grad_norm`` (the total norm before clipping, as
    returned by ``clip_grad_norm_``). ``steps_per_epoch`` comes from the batch source, if it has one.
    """

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
        """``steps`` in epochs (only for a batch source with ``steps_per_epoch``, e.g. ``EpochBatches``)."""
        if not self.steps_per_epoch:
            raise ValueError("epochs are defined only for a fixed training set (batches with steps_per_epoch)")
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


def _model_dtype(model: nn.Module) -> torch.dtype:
    return next((p.dtype for p in model.parameters()), torch.get_default_dtype())


def _model_device(model: nn.Module) -> torch.device:
    return next((p.device for p in model.parameters()), torch.device("cpu"))


def _as_model_input(model: nn.Module, name: str, value) -> torch.Tensor:
    """A tensor (from numpy or torch) on the model's device; floating data in the model's dtype."""
    value = as_tensor(name, value).to(_model_device(model))
    return value.to(_model_dtype(model)) if torch.is_floating_point(value) else value


def evaluate(model: nn.Module, X, Y, loss="mse") -> float:
    """The loss of ``model`` on ``(X, Y)`` in eval mode without gradients (mode restored afterwards).

    ``X (T, N, I)``, ``Y`` as the loss expects (``(N, O)`` for ``"mse"``, ``(T, N)`` per-step classes for
    ``"cross_entropy"``); tensors or numpy arrays.
    """
    loss_fn = loss_function(loss)
    with evaluating(model):
        return float(loss_fn(model(_as_model_input(model, "X", X)), _as_model_input(model, "Y", Y)))


def predict(model: nn.Module, X) -> np.ndarray:
    """``model``'s outputs for inputs ``X (T, N, I)`` (numpy or torch) as a float64 numpy array, in eval mode."""
    X = _as_model_input(model, "X", X)
    if X.ndim != 3:
        raise ValueError(f"X must be 3-D (T, N, I); got shape {tuple(X.shape)}")
    with evaluating(model):
        return model(X).double().cpu().numpy()


def fit(model: nn.Module, batches, val=None, *, max_steps: int, loss="mse", lr: float = 1e-3,
        optimizer: str = "adam", clip_norm: float | None = None, eval_every: int | None = None,
        patience: int | None = None, target_val_loss: float | None = None, progress: bool = True) -> History:
    """Train ``model`` for at most ``max_steps`` optimisation steps; return its :class:`History`.

    Args:
        batches: a function ``step -> (X, Y)`` for ``step = 0, 1, 2, ...``: ``X (T, B, I)``, ``Y`` as the
            loss expects. For a fixed set use ``EpochBatches(X, Y, batch_size, seed)``.
        val: ``(X_val, Y_val)`` for the validation loss, or ``None``.
        loss: ``"mse"``, ``"cross_entropy"`` (logits ``(..., C)`` against int targets ``(...)``) or a
            callable ``(prediction, target) -> scalar tensor``.
        optimizer: ``"adam"`` or ``"sgd"``, built with ``lr``.
        clip_norm: rescale the gradient to at most this total norm before each step (``None``: never).
        eval_every: evaluate every this many steps (default ``max(1, max_steps // 50)``) and after the last.
        patience: stop after this many evaluations without a lower validation loss, and restore the
            weights of the best one (``History.restored_best``).
        target_val_loss: stop as soon as the validation loss is below it (``History.solved_step``).
        progress: show a :class:`ProgressBar` (saved in its finished state, with why it stopped).

    Raises:
        TrainingDiverged: a loss became inf/NaN (the message says when and what to try).
        ValueError: inconsistent arguments.
    """
    max_steps = check_int("max_steps", max_steps)
    eval_every = max(1, max_steps // 50) if eval_every is None else check_int("eval_every", eval_every)
    if not callable(batches):
        raise ValueError(f"batches must be a function step -> (X, Y), e.g. EpochBatches(X, Y, batch_size); "
                         f"got {type(batches).__name__}")
    if not (isinstance(lr, (int, float)) and lr > 0):
        raise ValueError(f"lr must be a positive number; got {lr!r}")
    if clip_norm is not None and not clip_norm > 0:
        raise ValueError(f"clip_norm must be positive (or None for no clipping); got {clip_norm!r}")
    if optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}; got {optimizer!r}")
    if val is None and (patience is not None or target_val_loss is not None):
        raise ValueError("patience and target_val_loss need validation data: pass val=(X_val, Y_val)")
    if val is not None and not (isinstance(val, (tuple, list)) and len(val) == 2):
        raise ValueError(f"val must be a pair (X_val, Y_val); got {type(val).__name__}")
    loss_fn = loss_function(loss)
    stopper = EarlyStopping(model, patience) if val is not None else None
    if val is not None:
        X_val, Y_val = _as_model_input(model, "val X", val[0]), _as_model_input(model, "val Y", val[1])
    opt = OPTIMIZERS[optimizer](model.parameters(), lr=lr)
    history = History(steps_per_epoch=getattr(batches, "steps_per_epoch", None))
    losses_since_eval: list[float] = []
    stopped, start = "max_steps", time.perf_counter()
    model.train()
    with (ProgressBar(max_steps, desc="training") if progress else nullcontext()) as bar:
        try:
            for step in range(max_steps):
                X, Y = batches(step)
                X, Y = _as_model_input(model, "batch X", X), _as_model_input(model, "batch Y", Y)
                value = loss_fn(model(X), Y)                                           # forward
                last = history.step_train_loss[-1] if history.step_train_loss else None
                check_finite(value, step + 1, lr=lr, clip_norm=clip_norm, last_finite=last, history=history)
                opt.zero_grad(set_to_none=True)
                value.backward()                                                       # backward
                norm = nn.utils.clip_grad_norm_(model.parameters(), clip_norm or math.inf)  # clip; norm before
                opt.step()                                                             # step
                value = value.item()
                history.step_train_loss.append(value)
                history.grad_norm.append(float(norm))
                losses_since_eval.append(value)
                if bar is not None:
                    bar.update(loss=f"{value:.3g}")
                if (step + 1) % eval_every and step + 1 < max_steps:
                    continue
                val_loss = None                                                        # evaluate, log
                if val is not None:
                    val_loss = evaluate(model, X_val, Y_val, loss_fn)
                    check_finite(val_loss, step + 1, what="validation loss", lr=lr, clip_norm=clip_norm,
                                 last_finite=history.step_train_loss[-1], history=history)
                    stopper.update(val_loss, step + 1)
                    history.best_step, history.best_val_loss = stopper.best_step, stopper.best_loss
                history.record(step + 1, float(np.mean(losses_since_eval)), val_loss)
                losses_since_eval = []
                if bar is not None and val_loss is not None:
                    bar.set_postfix(val=f"{val_loss:.3g}")
                if target_val_loss is not None and val_loss < target_val_loss:
                    history.solved_step, stopped = step + 1, "target_val_loss"
                    break
                if stopper is not None and stopper.should_stop:
                    stopped = "early_stopping"
                    break
        except TrainingDiverged:
            history.stopped_because = "diverged"
            raise
        finally:
            history.wall_time = time.perf_counter() - start
        if bar is not None and stopped != "max_steps":
            bar.close(note=stopped.replace("_", " ") + (f", best at step {history.best_step}" if patience else ""))
    if patience is not None:
        history.restored_best = stopper.restore_best()
    history.stopped_because = stopped
    return history
