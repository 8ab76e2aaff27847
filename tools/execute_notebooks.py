"""Execute notebooks in place, top to bottom from a fresh kernel, as they are committed.

    python tools/execute_notebooks.py                      # every notebook under notebooks/
    python tools/execute_notebooks.py notebooks/01_*.ipynb  # some of them

Widget state and per-cell timestamps are not saved (they bloat the files and every re-run would be
a diff; nbval ignores them); execution counts run 1..N; the wall time of each notebook is printed. Run through ``make notebooks`` so that the
thread pinning is the same as in CI.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook in place; return its wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=False,
                            record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # no per-cell timestamps: they would make every re-run a diff
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    return seconds


def main(args: list[str]) -> None:
    paths = [Path(a).resolve() for a in args] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        seconds = execute(path)
        print(f"{path.relative_to(ROOT)}: {seconds:.1f} s, {path.stat().st_size / 1e3:.0f} kB", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
