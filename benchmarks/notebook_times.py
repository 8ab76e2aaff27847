"""How long does each notebook take, top to bottom from a fresh kernel? (goal: <= 60 s each)

    python benchmarks/notebook_times.py                       # every notebook, 3 runs each
    python benchmarks/notebook_times.py --runs 5 notebooks/05_long_range_memory.ipynb

Each run executes the notebook with nbclient in a fresh kernel whose environment pins one thread
(OMP_NUM_THREADS=1, MKL_NUM_THREADS=1, MPLBACKEND=Agg), from the notebook's own folder, exactly as
``make notebooks`` does — but the executed notebook is thrown away: nothing is written back.

Printed per notebook: the wall time of every run, the median, and the kernel's CPU time per run
(read from the kernel itself with ``time.process_time()`` at the start and the end of the run, so it
excludes kernel start-up but includes every cell). On a shared machine the wall time is inflated by
other programs; the CPU time much less.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

ROOT = Path(__file__).resolve().parents[1]
THREAD_ENV = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
CPU_PROBE = "import time as _t; print('__cpu__', _t.process_time())"


def run_once(path: Path, timeout: int) -> tuple[float, float | None]:
    """Execute ``path`` in a fresh kernel; return (wall seconds incl. kernel start, kernel CPU seconds)."""
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, new_code_cell(CPU_PROBE))   # probes added to this in-memory copy only
    nb.cells.append(new_code_cell(CPU_PROBE))
    for key, value in THREAD_ENV.items():         # the kernel inherits this process's environment
        os.environ[key] = value
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    wall = time.perf_counter() - start
    marks = []
    for cell in (nb.cells[0], nb.cells[-1]):
        for output in cell.get("outputs", []):
            if output.get("name") == "stdout" and "__cpu__" in output.get("text", ""):
                marks.append(float(output["text"].split()[-1]))
    cpu = marks[1] - marks[0] if len(marks) == 2 else None
    return wall, cpu


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to time (default: every notebook under notebooks/)")
    parser.add_argument("--runs", type=int, default=3, help="runs per notebook (default 3)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell before giving up (default 600)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error(f"--runs must be at least 1; got {args.runs}")
    paths = [Path(p).resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    print(f"{len(paths)} notebook(s), {args.runs} run(s) each, fresh kernel per run, {os.cpu_count()} logical cores, "
          f"one thread per kernel. Wall time includes kernel start-up.", flush=True)
    summary = []
    for path in paths:
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu = run_once(path, args.timeout)
            walls.append(wall)
            if cpu is not None:
                cpus.append(cpu)
        name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        cpu_text = f"CPU median {statistics.median(cpus):5.1f} s" if cpus else "CPU n/a"
        print(f"{str(name):<45} wall median {statistics.median(walls):5.1f} s  {cpu_text}   "
              f"runs: {', '.join(f'{w:.1f}' for w in walls)} s", flush=True)
        summary.append((name, statistics.median(walls)))
    over = [f"{name} ({seconds:.0f} s)" for name, seconds in summary if seconds > 60]
    print("over the 60 s goal:", ", ".join(over) if over else "none")


if __name__ == "__main__":
    main(sys.argv[1:])
