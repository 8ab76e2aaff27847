"""Exercise cells in nbgrader's convention: find them, mark them, and say what their student version is.

An exercise is a markdown prompt, a *solution cell* whose reference solution sits between a line
``### BEGIN SOLUTION`` and a line ``### END SOLUTION``, and the next code cell, the *check cell*, which
calls ``exercises.check_<name>(...)`` (tests/test_exercise_convention.py checks the shape).

nbgrader recognises a solution cell by its metadata (``nbgrader: {solution: true, ...}``) and its
``ClearSolutions`` preprocessor replaces every region — from the line that *contains* "BEGIN SOLUTION" to
the line that contains "END SOLUTION", both included — by ``# YOUR CODE HERE`` / ``raise
NotImplementedError()`` at the indentation of the first line. It does this in *every* cell, markdown
included, and drops any line that contains "END SOLUTION" outside a region: prose must not quote the
markers.

This module needs only nbformat, so the tests use it in the learner's environment (where nbgrader is
never installed). ``make_student.py`` runs nbgrader's own ``ClearSolutions`` and checks that the result
equals :func:`student_notebook`; ``convert_to_nbgrader.py`` uses :func:`convert`.
"""
from __future__ import annotations

import copy
import re
from typing import NamedTuple

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"          # nbgrader's documented markers
OLD_BEGIN, OLD_END = "# BEGIN SOLUTION", "# END SOLUTION"      # the collection's markers before nbgrader
BEGIN_DELIMITER, END_DELIMITER = "BEGIN SOLUTION", "END SOLUTION"  # what ClearSolutions looks for in a line
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")  # ClearSolutions.code_stub["python"]
TEXT_STUB = ("YOUR ANSWER HERE",)                               # ClearSolutions.text_stub
SCHEMA_VERSION = 3
GRADE_ID = re.compile(r"^[a-zA-Z0-9_\-]+$")                     # nbgrader's v3 schema (non-empty)
CHECK_CALL = re.compile(r"\bcheck_(\w+)\s*\(")
DEFINITION = re.compile(r"^\s*def\s+(\w+)", re.MULTILINE)


class Exercise(NamedTuple):
    """Cell indices of one exercise: its solution cell and its check cell (``None`` if there is none)."""

    solution: int
    check: int | None


def has_delimiter(line: str) -> bool:
    """Whether ClearSolutions would treat ``line`` as a marker (it tests for a substring)."""
    return BEGIN_DELIMITER in line or END_DELIMITER in line


def is_solution_cell(cell) -> bool:
    """A cell that nbgrader treats as a solution: marked in its metadata."""
    return bool(cell.get("metadata", {}).get("nbgrader", {}).get("solution", False))


def has_solution_region(cell) -> bool:
    return any(BEGIN_DELIMITER in line for line in cell["source"].split("\n"))


def clear_regions(source: str, stub: tuple[str, ...]) -> tuple[str, int]:
    """``source`` with every solution region replaced by ``stub`` (indented like the BEGIN line), as
    ClearSolutions does it, and the number of regions replaced. Nested or unclosed regions raise ValueError."""
    lines, in_region, replaced = [], False, 0
    for line in source.split("\n"):
        if BEGIN_DELIMITER in line:
            if in_region:
                raise ValueError(f"nested {BEGIN_DELIMITER!r} in:\n{source}")
            in_region, replaced = True, replaced + 1
            indent = re.match(r"\s*", line).group(0)
            lines += [indent + stub_line for stub_line in stub]
        elif END_DELIMITER in line:
            in_region = False
        elif not in_region:
            lines.append(line)
    if in_region:
        raise ValueError(f"{BEGIN_DELIMITER!r} without {END_DELIMITER!r} in:\n{source}")
    return "\n".join(lines), replaced


def solution_regions(source: str) -> list[list[str]]:
    """The regions of ``source``, each as its lines from the BEGIN line to the END line, both included."""
    regions, current = [], None
    for line in source.split("\n"):
        if BEGIN_DELIMITER in line:
            current = [line]
        elif current is not None:
            current.append(line)
            if END_DELIMITER in line:
                regions.append(current)
                current = None
    return regions


def fill_regions(student_source: str, regions: list[list[str]]) -> str:
    """Put ``regions`` back in place of the code stubs of a student cell, in order: the inverse of
    :func:`clear_regions`. Raises ValueError when the number of stubs and regions differ."""
    lines, out, k, n = student_source.split("\n"), [], 0, len(CODE_STUB)
    i = 0
    while i < len(lines):
        indent = re.match(r"\s*", lines[i]).group(0)
        if [line.removeprefix(indent) for line in lines[i:i + n]] == list(CODE_STUB) and \
                all(line.startswith(indent) for line in lines[i:i + n]):
            if k >= len(regions):
                raise ValueError(f"more code stubs than solution regions ({len(regions)}) in:\n{student_source}")
            out += regions[k]
            k, i = k + 1, i + n
        else:
            out.append(lines[i])
            i += 1
    if k != len(regions):
        raise ValueError(f"{k} code stubs for {len(regions)} solution regions in:\n{student_source}")
    return "\n".join(out)


def exercises(nb) -> list[Exercise]:
    """Every solution cell (by metadata or by a region in a code cell) and the next code cell, its check."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and (is_solution_cell(cell) or has_solution_region(cell)):
            check = next((j for j in range(index + 1, len(nb.cells)) if nb.cells[j].cell_type == "code"), None)
            found.append(Exercise(index, check))
    return found


def student_notebook(nb):
    """The student version of ``nb``, as nbgrader's ClearSolutions makes it, with the outputs of every
    solution and check cell cleared (a copy; ``nb`` is not changed)."""
    nb = copy.deepcopy(nb)
    exercise_cells = {i for exercise in exercises(nb) for i in exercise if i is not None}
    for index, cell in enumerate(nb.cells):
        stub = CODE_STUB if cell.cell_type == "code" else TEXT_STUB
        cell.source, replaced = clear_regions(cell.source, stub)
        if is_solution_cell(cell) and not replaced:   # a solution cell without a region is replaced whole
            cell.source = "\n".join(stub)
        if index in exercise_cells and cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata.pop("celltoolbar", None)
    return nb


# ------------------------------------------------------------------ converting to nbgrader's markers
def _grade_id(nb, exercise: Exercise, taken: set[str]) -> str:
    """A readable id: the check's name (check_rnn_step -> rnn_step), else the function defined, else exercise_N."""
    check_source = nb.cells[exercise.check].source if exercise.check is not None else ""
    found = CHECK_CALL.search(check_source) or DEFINITION.search(nb.cells[exercise.solution].source)
    base = found.group(1) if found else f"exercise_{len(taken) + 1}"
    grade_id, n = base, 2
    while grade_id in taken:
        grade_id, n = f"{base}_{n}", n + 1
    return grade_id


def nbgrader_metadata(grade_id: str) -> dict:
    """The metadata of a solution cell that is not graded by nbgrader itself (the check cell gives feedback)."""
    return {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": SCHEMA_VERSION,
            "solution": True}


def convert(nb) -> tuple[object, list[str], list[str]]:
    """Move ``nb`` to nbgrader's convention: ``# BEGIN/END SOLUTION`` lines become ``### BEGIN/END SOLUTION``
    (indentation kept) and every solution cell gets :func:`nbgrader_metadata`; an existing ``grade_id`` is
    kept, so running it again changes nothing. Returns ``(new notebook, changes, problems)``: problems are
    what must be fixed by hand (markers in prose, malformed markers), each naming its cell."""
    nb, changes, problems = copy.deepcopy(nb), [], []
    for index, cell in enumerate(nb.cells):
        lines = cell.source.split("\n")
        if cell.cell_type != "code":
            quoted = [line.strip() for line in lines if has_delimiter(line)]
            if quoted:
                problems.append(f"cell {index} ({cell.cell_type}) quotes a solution marker, and nbgrader would "
                                f"delete those lines: {quoted} — name the markers without the words "
                                f"'{BEGIN_DELIMITER}'/'{END_DELIMITER}'")
            continue
        new_lines = []
        for line in lines:
            indent, text = re.match(r"(\s*)(.*)$", line).groups()
            if text.rstrip() in (OLD_BEGIN, BEGIN):
                new_lines.append(indent + BEGIN)
            elif text.rstrip() in (OLD_END, END):
                new_lines.append(indent + END)
            else:
                if has_delimiter(line):
                    problems.append(f"cell {index}: the line {line.strip()!r} contains a marker word but is not a "
                                    f"marker line ({BEGIN!r} or {END!r} alone on its line)")
                new_lines.append(line)
        if new_lines != lines:
            cell.source = "\n".join(new_lines)
            changes.append(f"cell {index}: markers -> {BEGIN!r} / {END!r}")
    taken = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
             if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}
    for exercise in exercises(nb):
        cell = nb.cells[exercise.solution]
        try:
            _, regions = clear_regions(cell.source, CODE_STUB)
        except ValueError as error:
            problems.append(f"cell {exercise.solution}: {error}")
            continue
        if regions == 0:
            problems.append(f"cell {exercise.solution}: marked as an nbgrader solution but has no "
                            f"{BEGIN!r} ... {END!r} region: nbgrader would replace the whole cell")
        meta = dict(cell.metadata.get("nbgrader", {}))
        grade_id = meta.get("grade_id") or _grade_id(nb, exercise, taken)
        taken.add(grade_id)
        if meta != nbgrader_metadata(grade_id):
            cell.metadata["nbgrader"] = nbgrader_metadata(grade_id)
            changes.append(f"cell {exercise.solution}: nbgrader metadata, grade_id {grade_id!r}")
    return nb, changes, problems


def metadata_problems(nb) -> list[str]:
    """What nbgrader would reject or mis-handle in ``nb``'s solution cells (schema v3, unique ids)."""
    problems, ids = [], {}
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta is None:
            if cell.cell_type == "code" and has_solution_region(cell):
                problems.append(f"cell {index}: a solution region in a cell without nbgrader metadata")
            continue
        expected = nbgrader_metadata(meta.get("grade_id", ""))
        if meta != expected:
            problems.append(f"cell {index}: nbgrader metadata {meta} (expected {expected})")
        if not GRADE_ID.match(str(meta.get("grade_id", ""))):
            problems.append(f"cell {index}: grade_id {meta.get('grade_id')!r} must match {GRADE_ID.pattern}")
        if meta.get("grade_id") in ids:
            problems.append(f"cell {index}: grade_id {meta['grade_id']!r} also used by cell {ids[meta['grade_id']]}")
        ids[meta.get("grade_id")] = index
    return problems
