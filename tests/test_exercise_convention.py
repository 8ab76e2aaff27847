"""Every notebook follows the exercise convention (defined in notebook 02, used by all notebooks):

1. an exercise is a markdown prompt, then a code cell whose reference solution sits between a line
   ``### BEGIN SOLUTION`` and a line ``### END SOLUTION`` (nbgrader's markers; paired, in order, not nested);
2. the next code cell is a check cell calling ``lessons_lib.exercises.check_<name>(...)``
   (``exercises.check_<name>(...)`` or a ``check_<name>`` imported from ``lessons_lib.exercises``);
3. every check a notebook calls exists in ``lessons_lib.exercises``.

The scanner is generic: it runs over every notebook under ``notebooks/``, including ones added later.
It is itself tested on small notebooks built to break each rule.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lessons_lib import exercises

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
QUALIFIED_CALL = re.compile(r"\bexercises\.(check_\w+)\s*\(")
IMPORTED = re.compile(r"from[ \t]+(lessons_lib\.exercises(?:\.\w+)?)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\n#]+))")


def imported_checks(code: str) -> dict[str, tuple[str, str]]:
    """``check_*`` imported with ``from lessons_lib.exercises[.module] import ...``: called name -> (module, real name)."""
    names = {}
    for module, parenthesised, plain in IMPORTED.findall(code):
        for item in (parenthesised or plain).split(","):
            real, _, alias = item.strip().partition(" as ")
            if real.strip().startswith("check_"):
                names[(alias or real).strip()] = (module, real.strip())
    return names


def check_calls(source: str, imported: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """The checks a cell calls, as (module, name): qualified ``exercises.check_x(...)`` or imported by name."""
    calls = [("lessons_lib.exercises", name) for name in QUALIFIED_CALL.findall(source)]
    calls += [target for called, target in imported.items() if re.search(rf"(?<![\w.]){called}\s*\(", source)]
    return calls


def missing(module: str, name: str) -> bool:
    try:
        return not callable(getattr(importlib.import_module(module), name, None))
    except ImportError:
        return True


def marker_problems(source: str) -> list[str]:
    """Unpaired, out-of-order, nested or misspelt solution markers in one cell."""
    problems, open_ = [], False
    for number, line in enumerate(source.splitlines(), 1):
        text = line.strip()
        if text == BEGIN:
            if open_:
                problems.append(f"line {number}: {BEGIN} inside an open solution (nested or missing {END})")
            open_ = True
        elif text == END:
            if not open_:
                problems.append(f"line {number}: {END} without a {BEGIN} before it")
            open_ = False
        elif re.search(r"(BEGIN|END)\s*SOLUTION", text, re.IGNORECASE):
            problems.append(f"line {number}: malformed marker {text!r} (write exactly {BEGIN!r} or {END!r})")
    if open_:
        problems.append(f"{BEGIN} without a matching {END}")
    return problems


def convention_problems(nb) -> list[str]:
    """Every violation of the convention in one notebook, as readable sentences."""
    problems = []
    cells = nb.cells
    code = "\n".join(c.source for c in cells if c.cell_type == "code")
    imported = imported_checks(code)
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        where = f"cell {index}"
        problems += [f"{where}: {p}" for p in marker_problems(cell.source)]
        if not any(line.strip() == BEGIN for line in cell.source.splitlines()):
            continue
        if index == 0 or cells[index - 1].cell_type != "markdown":
            problems.append(f"{where}: a solution cell must follow its markdown prompt")
        following = next((c for c in cells[index + 1:] if c.cell_type == "code"), None)
        if following is None or not check_calls(following.source, imported):
            problems.append(f"{where}: the next code cell must call lessons_lib.exercises.check_<name>(...)")
        elif BEGIN in following.source:
            problems.append(f"{where}: the check cell must not contain a solution itself")
    for module, name in sorted(set(check_calls(code, imported)) | set(imported.values())):
        if missing(module, name):
            problems.append(f"calls {module}.{name}, which does not exist")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_the_exercise_convention(path):
    problems = convention_problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


EXERCISE_MODULES = sorted(p.stem for p in Path(exercises.__file__).parent.glob("*.py") if not p.stem.startswith("_"))


@pytest.mark.parametrize("module", EXERCISE_MODULES)
def test_every_check_is_reachable_as_lessons_lib_exercises_check_name(module):
    """Each exercises/<module>.py lists its checks in __all__, and the package re-exports them
    (``from .<module> import *`` in lessons_lib/exercises/__init__.py), so that
    ``lessons_lib.exercises.check_<name>`` works for every check."""
    imported = importlib.import_module(f"lessons_lib.exercises.{module}")
    names = getattr(imported, "__all__", None)
    assert names is not None, f"lessons_lib/exercises/{module}.py has no __all__"
    not_exported = [n for n in names if getattr(exercises, n, None) is not getattr(imported, n)]
    assert not not_exported, (f"{not_exported} from lessons_lib/exercises/{module}.py are not re-exported: add "
                              f"`from .{module} import *` to lessons_lib/exercises/__init__.py")


# ------------------------------------------------------------------ the scanner itself
def notebook(*cells):
    return new_notebook(cells=[new_markdown_cell(c[3:]) if c.startswith("md:") else new_code_cell(c) for c in cells])


GOOD_SOLUTION = f"def f(x):\n    {BEGIN}\n    return x\n    {END}"


def test_scanner_accepts_a_well_formed_exercise_in_all_call_styles():
    for check_cell in ("lessons_lib.exercises.check_rnn_step(f)", "exercises.check_rnn_step(f)",
                       "from lessons_lib.exercises import check_rnn_step\ncheck_rnn_step(f)"):
        assert convention_problems(notebook("md:Exercise", GOOD_SOLUTION, check_cell)) == []
    assert convention_problems(notebook("md:Ex", GOOD_SOLUTION, "from lessons_lib.exercises import (check_rnn_step as c,\n"
                                        "    check_rnn_forward)\nc(f)")) == []
    assert convention_problems(notebook("md:Ex", GOOD_SOLUTION, "from lessons_lib.exercises.bptt import check_clip_grad_norm"
                                        "\n_ = check_clip_grad_norm(f)")) == []
    assert convention_problems(notebook("import lessons_lib.exercises", "md:Ex", GOOD_SOLUTION, "md:now check",
                                        "lessons_lib.exercises.check_rnn_step(f)")) == []


@pytest.mark.parametrize("cells,fragment", [
    (("md:Ex", f"{BEGIN}\nx = 1", "exercises.check_rnn_step(x)"), "without a matching"),
    (("md:Ex", f"x = 1\n{END}", "exercises.check_rnn_step(x)"), f"without a {BEGIN} before it"),
    (("md:Ex", f"{BEGIN}\n{BEGIN}\nx = 1\n{END}", "exercises.check_rnn_step(x)"), "nested"),
    (("md:Ex", "#BEGIN SOLUTION\nx = 1\n### END SOLUTION", "exercises.check_rnn_step(x)"), "malformed"),
    (("md:Ex", "# BEGIN SOLUTION\nx = 1\n# END SOLUTION", "exercises.check_rnn_step(x)"), "malformed"),
    (("x = 0", GOOD_SOLUTION, "exercises.check_rnn_step(f)"), "follow its markdown prompt"),
    (("md:Ex", GOOD_SOLUTION, "print(f(1))"), "must call lessons_lib.exercises.check_"),
    (("md:Ex", GOOD_SOLUTION), "must call lessons_lib.exercises.check_"),
    (("md:Ex", GOOD_SOLUTION, "exercises.check_no_such_thing(f)"), "check_no_such_thing, which does not exist"),
    (("md:Ex", GOOD_SOLUTION, "from lessons_lib.exercises import check_missing\ncheck_missing(f)"),
     "lessons_lib.exercises.check_missing, which does not exist"),
    (("md:Ex", GOOD_SOLUTION, "from lessons_lib.exercises.bptt import check_rnn_step\ncheck_rnn_step(f)"),
     "lessons_lib.exercises.bptt.check_rnn_step, which does not exist"),
    (("md:Ex", GOOD_SOLUTION, "from lessons_lib.exercises.nowhere import check_x\ncheck_x(f)"),
     "lessons_lib.exercises.nowhere.check_x, which does not exist"),
    (("md:Ex", GOOD_SOLUTION, f"exercises.check_rnn_step(f)\n{BEGIN}\n{END}"), "must not contain a solution"),
])
def test_scanner_reports_each_violation(cells, fragment):
    problems = convention_problems(notebook(*cells))
    assert any(fragment in p for p in problems), problems
