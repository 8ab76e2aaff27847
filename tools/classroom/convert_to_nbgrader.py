"""Move notebooks to nbgrader's solution markers and cell metadata (idempotent; learner's environment is enough).

    python tools/classroom/convert_to_nbgrader.py                     # every notebook under notebooks/
    python tools/classroom/convert_to_nbgrader.py notebooks/03_*.ipynb
    python tools/classroom/convert_to_nbgrader.py --check             # change nothing; exit 1 if a notebook would change

``# BEGIN SOLUTION`` / ``# END SOLUTION`` lines become ``### BEGIN SOLUTION`` / ``### END SOLUTION`` and each
solution cell gets ``nbgrader: {solution: true, grade: false, locked: false, grade_id, schema_version: 3}``
(grade_id from the check it is followed by: ``check_rnn_step`` -> ``rnn_step``). Outputs are untouched.
Problems it cannot fix (a marker quoted in markdown prose, which nbgrader would delete) are listed and make
it exit with status 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercise_cells import convert  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any notebook would change")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb"))
    status = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        converted, changes, problems = convert(nb)
        for line in changes:
            print(f"{path.name}: {line}")
        for line in problems:
            print(f"{path.name}: PROBLEM {line}", file=sys.stderr)
        if problems or (args.check and changes):
            status = 1
        if changes and not args.check:
            nbformat.write(converted, path)
        if not changes and not problems:
            print(f"{path.name}: already in nbgrader's convention")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
