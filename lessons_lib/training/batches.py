"""Where a training loop gets its data: a function ``step -> (X, Y)``, here for a fixed training set.

A loop that asks ``next_batch(step)`` works the same for data drawn fresh at every step (the synthetic
tasks of notebook 05) and for a fixed set that is reshuffled every epoch (轮次: one pass over the set)::

    next_batch = EpochBatches(X_train, Y_train, batch_size=32, seed=0)
    X, Y = next_batch(step)     # X (T, b, I), Y (b, ...): batch ``step % steps_per_epoch`` of epoch ``step // steps_per_epoch``

Each epoch visits every sequence exactly once, in an order drawn from ``(seed, epoch)``, so the batch
of a step does not depend on which steps were asked for before it.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from .._validate import check_int


def as_tensor(name: str, value) -> torch.Tensor:
    """``value`` (a torch tensor or a numpy array) as a tensor; floats become torch's default dtype (float32)."""
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(np.ascontiguousarray(value))
    if not isinstance(value, torch.Tensor):
        raise ValueError(f"{name} must be a torch tensor or a numpy array; got {type(value).__name__}")
    return value.to(torch.get_default_dtype()) if torch.is_floating_point(value) else value


class EpochBatches:
    """Mini-batches of a fixed set ``X (T, N, I)``, ``Y (N, ...)``, shuffled anew every epoch.

    Args:
        X: inputs, time-major ``(T, N, I)``: the sequences lie along axis 1.
        Y: targets ``(N, ...)``: one row per sequence.
        batch_size: sequences per batch; the last batch of an epoch holds the remainder.
        seed: the shuffling of epoch ``e`` is drawn from ``(seed, e)``.

    ``steps_per_epoch = ceil(N / batch_size)``; calling the object with a step returns that step's batch.
    """

    def __init__(self, X, Y, batch_size: int, seed: int = 0):
        self.X, self.Y = as_tensor("X", X), as_tensor("Y", Y)
        if self.X.ndim != 3:
            raise ValueError(f"X must be 3-D (T, N, I), time-major; got shape {tuple(self.X.shape)}")
        self.n = self.X.shape[1]
        if self.Y.ndim == 0 or self.Y.shape[0] != self.n:
            raise ValueError(f"X holds {self.n} sequences (axis 1 of {tuple(self.X.shape)}) but Y has shape "
                             f"{tuple(self.Y.shape)}: Y must be (N={self.n}, ...)")
        if self.n == 0:
            raise ValueError(f"X holds no sequences (shape {tuple(self.X.shape)})")
        self.batch_size = check_int("batch_size", batch_size)
        self.seed = check_int("seed", seed, 0)
        self.steps_per_epoch = math.ceil(self.n / self.batch_size)
        self._epoch, self._order = None, None

    def order(self, epoch: int) -> torch.Tensor:
        """The permutation of the ``N`` sequences used in ``epoch`` (0-based)."""
        if epoch != self._epoch:
            generator = torch.Generator().manual_seed(int(np.random.SeedSequence([self.seed, epoch]).generate_state(1)[0]))
            self._epoch, self._order = epoch, torch.randperm(self.n, generator=generator)
        return self._order

    def __call__(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        """The batch of optimisation step ``step`` (0-based): ``X (T, b, I)``, ``Y (b, ...)``."""
        epoch, position = divmod(check_int("step", step, 0), self.steps_per_epoch)
        index = self.order(epoch)[position * self.batch_size:(position + 1) * self.batch_size]
        return self.X.index_select(1, index), self.Y.index_select(0, index)
