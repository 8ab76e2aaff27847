"""Training an encoder–decoder with teacher forcing: the loss, and the loop for when it is not the lesson.

The loss is the cross-entropy (交叉熵) of every target token, padding excluded::

    L = − (1 / N) Σ_{b, t real} log p(y_{t,b} | y_{<t,b}, x_b)      N = the number of real target tokens

Notebook 07 writes the loop out for the dates; :func:`train_seq2seq` runs the same lines for the
benchmarks and the Tatoeba model (forward, loss, divergence guard, backward, clip, step, evaluate,
log), with the helpers of :mod:`lessons_lib.training`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn

from .._validate import check_int
from ..training import EarlyStopping, LossHistory, ProgressBar, check_finite
from .batching import Seq2SeqBatch
from .vocabulary import PAD_ID


def sequence_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy over the real tokens: ``logits (T, B, V)``, ``target (T, B)`` with PAD_ID at padding."""
    if logits.shape[:2] != target.shape:
        raise ValueError(f"logits (T, B, V) and target (T, B) must agree on T and B; got {tuple(logits.shape)} "
                         f"and {tuple(target.shape)}")
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                                       ignore_index=PAD_ID)


def batch_loss(model: nn.Module, batch: Seq2SeqBatch) -> torch.Tensor:
    """Teacher-forced loss of one batch."""
    logits, _ = model(batch.source, batch.source_lengths, batch.decoder_input)
    return sequence_loss(logits, batch.decoder_target)


@dataclass
class TrainingRun:
    """What :func:`train_seq2seq` did: the loss ``history``, every evaluation's metrics, time, where it stopped."""

    history: LossHistory
    evaluations: list[dict] = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0
    stopped_because: str = ""


def train_seq2seq(model: nn.Module, next_batch: Callable[[int], Seq2SeqBatch], max_steps: int, lr: float,
                  evaluate: Callable[[], dict], eval_every: int = 100, clip_norm: float = 1.0,
                  stop_when: Callable[[dict], bool] | None = None, patience: int | None = None,
                  lr_decay: float = 1.0, progress: bool = True, desc: str = "training") -> TrainingRun:
    """Adam on ``next_batch(step)``; every ``eval_every`` steps ``evaluate()`` → a dict with at least ``"loss"``.

    Stops at ``max_steps``, when ``stop_when(metrics)`` is true, or after ``patience`` evaluations
    without a lower validation loss; with ``patience`` set, the weights of the best evaluation are
    restored at the end. ``lr_decay``: the
    learning rate is multiplied by it at every evaluation.
    """
    max_steps, eval_every = check_int("max_steps", max_steps), check_int("eval_every", eval_every)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = LossHistory()
    run = TrainingRun(history)
    stopper = EarlyStopping(model, patience=patience)
    start, running = time.perf_counter(), []
    bar = ProgressBar(max_steps, desc=desc) if progress else None
    model.train()
    for step in range(max_steps):
        loss = batch_loss(model, next_batch(step))                       # forward (teacher forcing)
        check_finite(loss.item(), step + 1, lr=lr)                            # divergence guard
        optimizer.zero_grad()
        loss.backward()                                                  # backward (BPTT)
        nn.utils.clip_grad_norm_(model.parameters(), clip_norm)          # clip
        optimizer.step()                                                 # step
        running.append(loss.item())
        run.steps = step + 1
        if bar is not None:
            bar.update(loss=f"{loss.item():.3f}")
        if (step + 1) % eval_every == 0 or step + 1 == max_steps:
            metrics = dict(evaluate(), step=step + 1, seconds=time.perf_counter() - start)   # evaluate
            model.train()
            history.record(step + 1, sum(running) / len(running), metrics["loss"])             # log
            run.evaluations.append(metrics)
            running = []
            stopper.update(metrics["loss"], step + 1)
            for group in optimizer.param_groups:
                group["lr"] *= lr_decay
            if stop_when is not None and stop_when(metrics):
                run.stopped_because = "target reached"
                break
            if stopper.should_stop:
                run.stopped_because = "early stopping"
                break
    if patience is not None:
        stopper.restore_best()                                           # the weights of the best evaluation
    run.seconds = time.perf_counter() - start
    run.stopped_because = run.stopped_because or "step budget"
    if bar is not None:
        bar.close(note="" if run.stopped_because == "step budget" else run.stopped_because)
    return run
