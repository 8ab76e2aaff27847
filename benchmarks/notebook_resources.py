"""Peak memory and time of each notebook, top to bottom in a fresh kernel: what one learner needs on a hub.

    python benchmarks/notebook_resources.py                  # every notebook under notebooks/
    python benchmarks/notebook_resources.py notebooks/05_long_range_memory.ipynb

Each notebook runs with nbclient in a fresh kernel (one thread, as ``make notebooks``); the executed copy
is thrown away. A probe cell added at the end reads the kernel's own peak resident memory
(``getrusage`` ``ru_maxrss``: the kernel process over its whole life, imports included) and its CPU time.
Printed per notebook: wall seconds (kernel start-up included), kernel CPU seconds, peak RSS in MiB; then
the largest, and a suggested memory limit per learner for JupyterHub (the largest kernel, plus about
150 MiB for the learner's Jupyter server and a second kernel's start-up, rounded up to 256 MiB steps).
Re-run it whenever a notebook is added or changed (06-08 included).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0"}
PROBE = ("import resource as _r, time as _t\n"
         "print('__resources__', _r.getrusage(_r.RUSAGE_SELF).ru_maxrss, _t.process_time())")
SERVER_MIB = 150


def measure(path: Path, timeout: int = 600) -> tuple[float, float, float]:
    """(wall seconds, kernel CPU seconds, kernel peak RSS in MiB) of one top-to-bottom run."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_code_cell(PROBE))
    os.environ.update(THREAD_ENV)             # the kernel inherits this environment
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    _, rss_kib, cpu = text.split()
    return wall, float(cpu), int(rss_kib) / 1024


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks (default: every notebook under notebooks/)")
    args = parser.parse_args(argv)
    paths = [Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"{'notebook':<40} {'wall s':>7} {'CPU s':>7} {'peak RSS MiB':>13}", flush=True)
    peaks = []
    for path in paths:
        wall, cpu, rss = measure(path)
        peaks.append(rss)
        print(f"{path.stem:<40} {wall:>7.1f} {cpu:>7.1f} {rss:>13.0f}", flush=True)
    limit = math.ceil((max(peaks) + SERVER_MIB) / 256) * 256
    print(f"largest kernel: {max(peaks):.0f} MiB; suggested memory limit per learner: {limit} MiB "
          f"(guarantee about half of it: learners rarely run the largest notebook all at once)")


if __name__ == "__main__":
    main(sys.argv[1:])
