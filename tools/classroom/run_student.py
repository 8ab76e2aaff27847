"""Run every student notebook top to bottom from a fresh kernel; allow only the unsolved exercises' errors.

    make test-student                                   # as CI runs it (one thread, like make test)
    .venv/bin/python tools/classroom/run_student.py [student/XX_....ipynb ...]

In a student notebook every exercise is unsolved: its solution cell raises ``NotImplementedError``. That
is the only error allowed, and only in solution cells. Every other cell must run: no later cell may depend
on an exercise's answer (the notebooks use the library's tested version after each exercise), and each
check cell must print "not attempted yet" instead of failing. The notebooks are executed in memory (the
files are not changed); the wall time of each is printed. Exit status 1 if anything else happened.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercise_cells import exercises  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
NOT_ATTEMPTED = "not attempted yet"
ALLOWED_ERROR = "NotImplementedError"


def _text(cell) -> str:
    """Everything a code cell printed or displayed as text."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif "data" in output:
            parts.append(output.data.get("text/plain", ""))
    return "".join(parts)


def unexpected_outcomes(nb) -> list[str]:
    """What went wrong in an executed student notebook, one sentence per cell; empty if all is as it should be."""
    found = exercises(nb)
    solutions, checks = {e.solution for e in found}, {e.check for e in found if e.check is not None}
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
        expected_to_raise = "raises-exception" in cell.get("metadata", {}).get("tags", [])
        for error in errors:
            if expected_to_raise or (index in solutions and error.ename == ALLOWED_ERROR):
                continue
            where = "solution cell" if index in solutions else "check cell" if index in checks else "cell"
            problems.append(f"{where} {index} raised {error.ename}: {error.evalue}"
                            + (" (a later cell must not use an exercise's answer)" if error.ename == ALLOWED_ERROR else ""))
        if index in checks and not errors and NOT_ATTEMPTED not in _text(cell):
            problems.append(f"check cell {index} did not say {NOT_ATTEMPTED!r}; it printed: {_text(cell)[:200]!r}")
    return problems


def run(path: Path, timeout: int = 600) -> tuple[float, list[str]]:
    """Execute one student notebook in memory; return its wall time in seconds and its problems."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            store_widget_state=False, resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, unexpected_outcomes(nb)


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "student").glob("*.ipynb"))
    if not paths:
        print("no student notebooks: run `make student` first", file=sys.stderr)
        return 1
    failed = 0
    for path in paths:
        seconds, problems = run(path)
        print(f"{path.name}: {seconds:.1f} s, " + ("ok" if not problems else f"{len(problems)} problem(s)"), flush=True)
        for problem in problems:
            print(f"  {problem}", flush=True)
        failed += bool(problems)
    print(f"{len(paths) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
