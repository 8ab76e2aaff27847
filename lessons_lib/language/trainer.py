"""The training loop of notebook 06, as a function: stateful TBPTT, clipping, a cosine schedule, evaluation.

The notebook writes this loop out once; benchmarks (and longer runs) call it. One step::

    x, y   = next window (T, B)                      the B streams, T characters further on
    state  = detach(state)      (stateful)           keep the values, cut the graph: BPTT stops here
           = None               (stateless)          every window starts from zeros
    logits, state = model(x, state)
    loss   = cross_entropy(logits, y)                nats per character
    loss.backward(); clip_grad_norm_(…, clip); optimizer.step()
    lr     = lr_max · (floor + (1 − floor) · ½(1 + cos(π · progress)))   cosine decay to floor · lr_max

``progress`` is ``step / steps``; or, for a run with a time budget (``recipe.seconds``), the fraction
of the budget used so far, and the run ends when the budget is spent. A time budget is what
"train for 20 minutes" means: the schedule always completes, and a faster machine takes more steps
(so the steps, unlike with a step budget, are not the same on every machine).

Every ``eval_every`` steps: the validation cross-entropy (stateful, :func:`~lessons_lib.language.char_lm.cross_entropy`);
the best weights are kept and restored at the end. Evaluations count in the time budget.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import torch
from torch import nn
from torch.nn import functional as F

from .._validate import check_int
from ..training import EarlyStopping, LossHistory, ProgressBar, check_finite
from .char_lm import cross_entropy
from .tbptt import detach_state, epochs_of_windows


@dataclass(frozen=True)
class LMRecipe:
    """Everything that decides a training run besides the model."""

    batch_size: int = 64       # B parallel streams
    window: int = 100          # T characters per window (how far back BPTT reaches)
    steps: int = 1000          # the schedule's length, or the most steps a timed run may take
    seconds: float | None = None   # a time budget instead: the schedule follows the clock
    lr: float = 2e-3           # Adam(W), peak learning rate
    lr_floor: float = 0.05     # the cosine schedule ends at lr_floor · lr
    weight_decay: float = 0.0
    clip: float = 1.0          # global gradient-norm clipping
    eval_every: int = 200
    stateful: bool = True
    seed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class LMRun(LossHistory):
    """A :class:`~lessons_lib.training.LossHistory` plus the wall time at each evaluation and how the run ended."""

    seconds: list = field(default_factory=list)
    best_step: int | None = None
    best_val_loss: float | None = None
    steps_done: int = 0
    wall_seconds: float = 0.0
    stopped_because: str = ""


def learning_rate(progress: float, recipe: LMRecipe) -> float:
    """Cosine decay from ``lr`` at progress 0 to ``lr_floor · lr`` at progress 1."""
    progress = min(1.0, max(0.0, progress))
    return recipe.lr * (recipe.lr_floor + (1 - recipe.lr_floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def train_char_lm(model: nn.Module, train_ids, val_ids, recipe: LMRecipe = LMRecipe(), progress: bool = True,
                  log=None) -> LMRun:
    """Train ``model`` (a :class:`~lessons_lib.language.char_lm.CharLM`) in place; return its :class:`LMRun`.

    ``train_ids, val_ids (N,)`` character ids; ``log(text)`` is called after each evaluation (e.g. ``print``).
    """
    check_int("steps", recipe.steps)
    check_int("eval_every", recipe.eval_every)
    torch.manual_seed(recipe.seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=recipe.weight_decay)
    windows = epochs_of_windows(train_ids, recipe.batch_size, recipe.window)
    stopper, run = EarlyStopping(model), LMRun()
    device = next(model.parameters()).device
    start, state, recent = time.perf_counter(), None, []
    bar = ProgressBar(recipe.steps, desc="training", unit="step", min_interval=1.0) if progress else None
    model.train()
    budget = recipe.seconds
    for step in range(recipe.steps):
        done = (time.perf_counter() - start) / budget if budget else step / recipe.steps
        lr = learning_rate(done, recipe)
        for group in optimizer.param_groups:
            group["lr"] = lr
        x, y, index = next(windows)
        if index == 0 or not recipe.stateful:
            state = None                                      # a new epoch (or stateless): start from zeros
        logits, state = model(x.to(device), detach_state(state))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.to(device).reshape(-1))
        recent.append(check_finite(loss.item(), step + 1, lr=recipe.lr, clip_norm=recipe.clip))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), recipe.clip)
        optimizer.step()
        run.steps_done = step + 1
        out_of_time = budget is not None and time.perf_counter() - start >= budget
        if (step + 1) % recipe.eval_every == 0 or step + 1 == recipe.steps or out_of_time:
            val_loss = cross_entropy(model, val_ids)
            run.record(step + 1, sum(recent) / len(recent), val_loss)
            run.seconds.append(time.perf_counter() - start)
            recent = []
            stopper.update(val_loss, step + 1)
            if log is not None:
                log(f"step {step + 1}: train {run.train_loss[-1]:.4f}, val {val_loss:.4f}, "
                    f"{run.seconds[-1]:.0f} s, lr {lr:.2e}")
        if bar is not None:
            bar.update(loss=f"{recent[-1]:.3f}" if recent else f"{run.train_loss[-1]:.3f}")
        if out_of_time:
            run.stopped_because = f"time budget of {budget:g} s spent"
            break
    if bar is not None:
        bar.close(note=run.stopped_because)
    run.stopped_because = run.stopped_because or "all steps done"
    stopper.restore_best()
    run.best_step, run.best_val_loss = stopper.best_step, stopper.best_loss
    run.wall_seconds = time.perf_counter() - start
    return run
