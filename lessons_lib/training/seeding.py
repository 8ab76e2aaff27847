"""One call to make a run repeatable on the same machine (not across CPUs: see the README's portability rule)."""
from __future__ import annotations

import random

import numpy as np
import torch

from .._validate import check_int


def set_seed(seed: int) -> None:
    """Seed python's ``random``, numpy's global generator and torch, so that a run can be repeated."""
    seed = check_int("seed", seed, 0)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
