"""The timing helper shared by the widget benchmarks (scripts run as ``python benchmarks/<name>.py``)."""
from __future__ import annotations

import time

import numpy as np


def timed(action, repeats: int = 60) -> tuple[float, float]:
    """Median wall ms and mean CPU ms of ``action(k)`` for k = 0 .. repeats−1, after one warm-up ``action(-1)``.

    The wall median resists a busy neighbour on a shared machine; the CPU time per call is the
    process's own work, whatever else runs.
    """
    action(-1)
    walls = []
    cpu_start = time.process_time()
    for k in range(repeats):
        start = time.perf_counter()
        action(k)
        walls.append(time.perf_counter() - start)
    return 1e3 * float(np.median(walls)), 1e3 * (time.process_time() - cpu_start) / repeats
