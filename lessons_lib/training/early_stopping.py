"""Early stopping (早停) bookkeeping: remember the best validation loss and its weights.

In a training loop, after each evaluation::

    stopper.update(val_loss, step)        # True if this is the best so far (its weights are kept)
    if stopper.should_stop: break         # ``patience`` evaluations in a row without improvement
    ...
    stopper.restore_best()                # put the best weights back into the model
"""
from __future__ import annotations

import copy
import math

from torch import nn

from .._validate import check_int


class EarlyStopping:
    """Keeps the lowest validation loss seen, the step it was seen at and a copy of the model's weights then.

    Args:
        model: the model whose ``state_dict()`` is copied at each improvement.
        patience: stop after this many evaluations in a row without improvement; ``None`` never stops
            (the best weights are still kept).
        min_delta: an improvement must lower the loss by more than this.
    """

    def __init__(self, model: nn.Module, patience: int | None = None, min_delta: float = 0.0):
        self.model = model
        self.patience = None if patience is None else check_int("patience", patience)
        if not (isinstance(min_delta, (int, float)) and min_delta >= 0):
            raise ValueError(f"min_delta must be a number >= 0; got {min_delta!r}")
        self.min_delta = float(min_delta)
        self.best_loss: float | None = None
        self.best_step: int | None = None
        self.evaluations_since_best = 0
        self._best_state = None

    def update(self, val_loss: float, step: int) -> bool:
        """Record one evaluation; return True (and copy the weights) if it improved on the best by > ``min_delta``."""
        val_loss = float(val_loss)
        if not math.isfinite(val_loss):
            raise ValueError(f"val_loss must be finite; got {val_loss} at step {step} (see guards.check_finite)")
        if self.best_loss is None or val_loss < self.best_loss - self.min_delta:
            self.best_loss, self.best_step, self.evaluations_since_best = val_loss, step, 0
            self._best_state = copy.deepcopy(self.model.state_dict())
            return True
        self.evaluations_since_best += 1
        return False

    @property
    def should_stop(self) -> bool:
        """True once ``patience`` evaluations in a row brought no improvement."""
        return self.patience is not None and self.evaluations_since_best >= self.patience

    def restore_best(self) -> bool:
        """Load the best weights back into the model; return False if there was no evaluation yet."""
        if self._best_state is None:
            return False
        self.model.load_state_dict(self._best_state)
        return True
