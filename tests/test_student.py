"""Student versions (student/) and nbgrader's solution convention, checked without nbgrader.

``make student`` writes student/ with nbgrader's ClearSolutions (tools/classroom/make_student.py). Here,
in the learner's environment, each student notebook must equal its source with exactly the solution
regions replaced and the exercise cells' outputs cleared (tools/classroom/exercise_cells.py says what that
is, and make_student.py checks that nbgrader agrees), so this fails when either side changes alone.
Filling the stubs back with the reference solutions must give the source cells back, and the committed
output of every check cell under notebooks/ says "correct". tools/classroom/run_student.py (``make
test-student``, too slow for ``make test``) runs the student notebooks themselves; its judge is tested here.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "classroom"))
import exercise_cells as ec  # noqa: E402
import run_student  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
STUDENT = ROOT / "student"


def as_json(nb) -> dict:
    return json.loads(nbformat.writes(nb))


def first_difference(expected: dict, actual: dict) -> str:
    """Where two notebooks (as JSON) first differ, in words."""
    if expected["metadata"] != actual["metadata"]:
        return f"notebook metadata: expected {expected['metadata']}, found {actual['metadata']}"
    if len(expected["cells"]) != len(actual["cells"]):
        return f"expected {len(expected['cells'])} cells, found {len(actual['cells'])}"
    for index, (want, got) in enumerate(zip(expected["cells"], actual["cells"])):
        for key in sorted(set(want) | set(got)):
            if want.get(key) != got.get(key):
                return f"cell {index}, {key}: expected {str(want.get(key))[:300]!r}, found {str(got.get(key))[:300]!r}"
    return "no difference"


def up_to_date_problem(source, student) -> str | None:
    expected, actual = as_json(ec.student_notebook(source)), as_json(student)
    return None if expected == actual else first_difference(expected, actual)


def filled_problems(source, student) -> list[str]:
    """Cells of ``student`` that do not give back the source cell when filled with its solution regions."""
    problems = []
    for exercise in ec.exercises(source):
        cell, student_cell = source.cells[exercise.solution], student.cells[exercise.solution]
        try:
            filled = ec.fill_regions(student_cell.source, ec.solution_regions(cell.source))
        except ValueError as error:
            problems.append(f"cell {exercise.solution}: {error}")
            continue
        if filled != cell.source:
            problems.append(f"cell {exercise.solution}: filled with the reference solution it reads\n{filled}\n"
                            f"instead of\n{cell.source}")
    return problems


def read(path: Path):
    return nbformat.read(path, as_version=4)


# ------------------------------------------------------------------ the real notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_follows_nbgraders_convention(path):
    nb = read(path)
    problems = ec.metadata_problems(nb) + ec.convert(nb)[2]
    assert not ec.convert(nb)[1], f"{path.name}: run tools/classroom/convert_to_nbgrader.py: {ec.convert(nb)[1]}"
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_student_version_is_up_to_date(path):
    student = STUDENT / path.name
    assert student.exists(), f"student/{path.name} is missing: run `make student`"
    problem = up_to_date_problem(read(path), read(student))
    assert problem is None, f"student/{path.name} is out of date with notebooks/{path.name} ({problem}): run `make student`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_filling_each_student_exercise_with_the_reference_gives_back_the_source(path):
    problems = filled_problems(read(path), read(STUDENT / path.name))
    assert not problems, "\n".join(problems)


def test_every_student_notebook_has_a_source():
    names = {p.name for p in NOTEBOOKS}
    assert STUDENT.is_dir(), "student/ is missing: run `make student`"
    assert sorted(p.name for p in STUDENT.glob("*.ipynb") if p.name not in names) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_reference_solution_passes_its_check(path):
    """The committed output of each check cell says "correct" (nbval keeps that output true)."""
    nb = read(path)
    for exercise in ec.exercises(nb):
        assert exercise.check is not None, f"{path.name} cell {exercise.solution}: no check cell"
        text = run_student._text(nb.cells[exercise.check])
        assert "✅" in text and ": correct." in text, f"{path.name} cell {exercise.check} printed {text!r}"


# ------------------------------------------------------------------ the transformation itself
def test_clear_regions_replaces_each_region_at_its_indentation():
    source = "def f(x):\n    ### BEGIN SOLUTION\n    y = x + 1\n    ### END SOLUTION\n    return y\n" \
             "### BEGIN SOLUTION\nz = 2\n### END SOLUTION\nprint(z)"
    cleared, count = ec.clear_regions(source, ec.CODE_STUB)
    assert count == 2
    assert cleared == ("def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n    return y\n"
                       "# YOUR CODE HERE\nraise NotImplementedError()\nprint(z)")


def test_clear_regions_follows_nbgrader_where_it_is_surprising():
    # nbgrader matches substrings: the old markers count too, and a prose line quoting a marker is eaten.
    assert ec.clear_regions("x = 1\n# BEGIN SOLUTION\nx = 2\n# END SOLUTION", ec.CODE_STUB)[0] == \
        "x = 1\n# YOUR CODE HERE\nraise NotImplementedError()"
    assert ec.clear_regions("Write it between the END SOLUTION marker and here.\nok", ec.TEXT_STUB)[0] == "ok"


@pytest.mark.parametrize("source,fragment", [
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ("### BEGIN SOLUTION\nx = 1", "without"),
])
def test_clear_regions_rejects_broken_regions(source, fragment):
    with pytest.raises(ValueError, match=fragment):
        ec.clear_regions(source, ec.CODE_STUB)


def exercise_notebook(solution_source=None, check="exercises.check_rnn_step(f)", nbgrader=True):
    solution = new_code_cell(solution_source or "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION",
                             execution_count=3, outputs=[new_output("stream", name="stdout", text="defined\n")])
    if nbgrader:
        solution.metadata["nbgrader"] = ec.nbgrader_metadata("rnn_step")
    return new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_code_cell("import numpy as np", execution_count=1, outputs=[new_output("stream", name="stdout", text="hi\n")]),
        new_markdown_cell("**Exercise.** Write f."),
        solution,
        new_code_cell(check, execution_count=4, outputs=[new_output("stream", name="stdout", text="✅ rnn_step: correct.\n")]),
        new_code_cell("print(2)", execution_count=5, outputs=[new_output("stream", name="stdout", text="2\n")]),
    ], metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})


def test_student_notebook_clears_solutions_and_exercise_outputs_only():
    source = exercise_notebook()
    student = ec.student_notebook(source)
    assert student.cells[3].source == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert (student.cells[3].outputs, student.cells[3].execution_count) == ([], None)
    assert (student.cells[4].outputs, student.cells[4].execution_count) == ([], None)
    assert student.cells[4].source == source.cells[4].source
    assert student.cells[1] == source.cells[1] and student.cells[5] == source.cells[5]
    assert source.cells[3].outputs, "the source must not be changed"


def test_up_to_date_check_fails_when_either_side_changes_alone():
    source = exercise_notebook()
    student = ec.student_notebook(source)
    assert up_to_date_problem(source, student) is None
    changed_source = copy.deepcopy(source)
    changed_source.cells[5].source = "print(3)"
    assert "cell 5, source" in up_to_date_problem(changed_source, student)
    changed_student = ec.student_notebook(source)
    changed_student.cells[3].source += "\n    return 0"
    assert "cell 3, source" in up_to_date_problem(source, changed_student)
    changed_student = ec.student_notebook(source)
    changed_student.cells[1].outputs = []
    assert "cell 1, outputs" in up_to_date_problem(source, changed_student)
    # a new reference solution leaves the student version as it was: still up to date
    new_solution = copy.deepcopy(source)
    new_solution.cells[3].source = new_solution.cells[3].source.replace("return x", "return 1 * x")
    assert up_to_date_problem(new_solution, student) is None


def test_filling_the_stubs_gives_back_the_source_and_notices_lost_lines():
    source = exercise_notebook("def f(x):\n    y = 0\n    ### BEGIN SOLUTION\n    y = x\n    ### END SOLUTION\n"
                               "    ### BEGIN SOLUTION\n    y += 1\n    ### END SOLUTION\n    return y")
    student = ec.student_notebook(source)
    assert filled_problems(source, student) == []
    student.cells[3].source = student.cells[3].source.replace("    y = 0\n", "")    # a line outside a region lost
    assert filled_problems(source, student)
    student = ec.student_notebook(source)
    student.cells[3].source = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n    return y"
    assert "1 code stubs for 2 solution regions" in filled_problems(source, student)[0]


# ------------------------------------------------------------------ converting to nbgrader's convention
def test_convert_moves_markers_adds_metadata_and_is_idempotent():
    source = exercise_notebook("def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION", nbgrader=False)
    converted, changes, problems = ec.convert(source)
    assert problems == [] and len(changes) == 2
    assert converted.cells[3].source == "def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION"
    assert converted.cells[3].metadata["nbgrader"] == {"grade": False, "grade_id": "rnn_step", "locked": False,
                                                       "schema_version": 3, "solution": True}
    assert converted.cells[3].outputs == source.cells[3].outputs
    again, changes, problems = ec.convert(converted)
    assert changes == [] and problems == [] and as_json(again) == as_json(converted)
    assert ec.metadata_problems(converted) == []


def test_convert_keeps_an_existing_grade_id_and_makes_new_ones_unique():
    nb = exercise_notebook(nbgrader=False)
    nb.cells += [new_markdown_cell("Again."), new_code_cell("def g():\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION"),
                 new_code_cell("exercises.check_rnn_step(g)")]
    converted = ec.convert(nb)[0]
    assert [converted.cells[i].metadata["nbgrader"]["grade_id"] for i in (3, 7)] == ["rnn_step", "rnn_step_2"]
    nb.cells[3].metadata["nbgrader"] = ec.nbgrader_metadata("my_own_id")
    assert ec.convert(nb)[0].cells[3].metadata["nbgrader"]["grade_id"] == "my_own_id"


def test_convert_reports_what_nbgrader_would_break():
    nb = exercise_notebook()
    nb.cells[2].source = "Write it between `# BEGIN SOLUTION` and the end."
    nb.cells.append(new_code_cell("#BEGIN SOLUTION\nx = 1\n### END SOLUTION"))
    problems = ec.convert(nb)[2]
    assert any("cell 2 (markdown) quotes a solution marker" in p for p in problems), problems
    assert any("cell 6: the line '#BEGIN SOLUTION' contains a marker word" in p for p in problems), problems
    empty = exercise_notebook()
    empty.cells[3].source = "def f(x):\n    return x"
    assert any("nbgrader would replace the whole cell" in p for p in ec.convert(empty)[2])


def test_metadata_problems_names_what_nbgrader_rejects():
    nb = exercise_notebook()
    nb.cells[4].metadata["nbgrader"] = ec.nbgrader_metadata("rnn_step")
    nb.cells[4].source = "### BEGIN SOLUTION\n### END SOLUTION"
    nb.cells[5].source = "### BEGIN SOLUTION\nx = 1\n### END SOLUTION"
    problems = ec.metadata_problems(nb)
    assert any("also used by cell 3" in p for p in problems) and any("cell 5: a solution region" in p for p in problems)
    nb = exercise_notebook()
    nb.cells[3].metadata["nbgrader"]["grade_id"] = "has space"
    assert any("must match" in p for p in ec.metadata_problems(nb))


# ------------------------------------------------------------------ judging a run of a student notebook
def executed(nb, outputs: dict[int, list]):
    for index, cell_outputs in outputs.items():
        nb.cells[index].outputs = cell_outputs
    return nb


def error(name: str):
    return new_output("error", ename=name, evalue="", traceback=[])


def printed(text: str):
    return new_output("stream", name="stdout", text=text)


def test_judge_allows_only_not_implemented_in_solution_cells():
    nb = ec.student_notebook(exercise_notebook())
    ok = executed(nb, {3: [], 4: [printed("⏳ rnn_step: not attempted yet — ...\n")]})
    assert run_student.unexpected_outcomes(ok) == []
    ok = executed(ec.student_notebook(exercise_notebook()),
                  {3: [error("NotImplementedError")], 4: [printed("⏳ rnn_step: not attempted yet\n")]})
    assert run_student.unexpected_outcomes(ok) == []


@pytest.mark.parametrize("outputs,fragment", [
    ({4: [error("NameError")]}, "check cell 4 raised NameError"),
    ({4: [printed("❌ rnn_step: your function raised NotImplementedError\n")]}, "check cell 4 did not say"),
    ({4: [printed("not attempted yet\n")], 5: [error("NotImplementedError")]}, "must not use an exercise's answer"),
    ({3: [error("TypeError")], 4: [printed("not attempted yet\n")]}, "solution cell 3 raised TypeError"),
])
def test_judge_reports_everything_else(outputs, fragment):
    nb = executed(ec.student_notebook(exercise_notebook()), outputs)
    assert any(fragment in p for p in run_student.unexpected_outcomes(nb)), run_student.unexpected_outcomes(nb)


def test_a_student_notebook_runs_from_a_fresh_kernel(tmp_path):
    """End to end through a real kernel: a stub, a check that says "not attempted yet", a cell that uses the
    library's version (fine) and one that uses the learner's answer (reported)."""
    solution = new_code_cell("def my_step_backward(dh, dc, x, h_prev, c_prev, step, params):\n"
                             "    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION")
    solution.metadata["nbgrader"] = ec.nbgrader_metadata("lstm_step_backward")
    nb = new_notebook(cells=[
        new_markdown_cell("**Exercise.**"), solution,
        new_code_cell("from lessons_lib.exercises.lstm_backward import check_lstm_step_backward\n"
                      "_ = check_lstm_step_backward(my_step_backward)"),
        new_code_cell("from lessons_lib.lstm import sigmoid\nprint(sigmoid(0.0))"),
        new_code_cell("my_step_backward(None, None, None, None, None, None, None)"),
    ], metadata={"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}})
    path = tmp_path / "student.ipynb"
    nbformat.write(ec.student_notebook(nb), path)
    seconds, problems = run_student.run(path, timeout=120)
    assert len(problems) == 1 and problems[0].startswith("cell 4 raised NotImplementedError"), problems
