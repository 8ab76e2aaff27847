"""Slides from the same notebooks (RISE): slideshow metadata on every section heading, and a slide path that
is one class — learning goals, key figures and summary included, the class time stated at the top.

The metadata is derived by tools/classroom/slides.py from headings and cell tags; its rules are tested
here on small notebooks. The per-notebook tests wait for the notebook pass (headings split into their own
cells, key figures tagged, the class time written, the tool run), strict xfails until then.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools" / "classroom"))
import exercise_cells  # noqa: E402
import slides  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_slideshow_metadata_is_assigned_and_up_to_date(path):
    nb = nbformat.read(path, as_version=4)
    assert nbformat.writes(slides.assign(nb)) == nbformat.writes(nb), f"run tools/classroom/slides.py {path.name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_the_slide_path_has_the_goals_the_key_figures_and_the_summary(path):
    problems = slides.problems(nbformat.read(path, as_version=4))
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_the_title_cell_states_a_class_time_of_45_to_90_minutes(path):
    estimate = slides.class_time(nbformat.read(path, as_version=4))
    assert estimate is not None, f"{path.name}: say 'In class: 60–75 min' (your estimate) in the first cell"
    shortest = 5 if path.name.startswith("00") else 45    # 00 opens the first class, before 01
    assert shortest <= estimate[0] <= estimate[1] <= 90, f"{path.name}: {estimate} is not one class of 45–90 minutes"


# ------------------------------------------------------------------ the rules, on small notebooks
def md(text, *tags):
    cell = new_markdown_cell(text)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def code(text="x = 1", *tags, png=False):
    cell = new_code_cell(text, outputs=[new_output("display_data", data={"image/png": "iVBOR", "text/plain": "<Figure>"})]
                         if png else [])
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def lesson(*middle):
    return new_notebook(cells=[md("# 01 · Title\n\n**You will**\n- learn\n\nIn class: 60–75 min."), *middle,
                               md("## Summary\n\n- it works"), md("## Exercises"), md("**Exercise 1.**"),
                               code("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
                               code("exercises.check_rnn_step(f)")])


def types(nb):
    return slides.slide_types(nb)


def test_headings_start_slides_and_subslides_and_the_rest_continues():
    nb = lesson(md("## 1 · A section"), code(), md("### A subsection"), md("#### A paragraph heading"), code())
    assert types(nb) == ["slide", "slide", "-", "subslide", "-", "-", "slide", "slide", "-", "fragment", "-"]


def test_a_deep_dive_is_skipped_up_to_the_next_heading_of_its_level():
    nb = lesson(md("## 1 · Main"), md("### Deep dive: details", "deep-dive"), code(), md("#### deeper"), code(),
                md("### Back on the path"), md("## 2 · Deep section", "deep-dive"), md("### inside it"), code(),
                md("## 3 · Next"))
    assert types(nb)[:11] == ["slide", "slide", "skip", "skip", "skip", "skip", "subslide", "skip", "skip", "skip", "slide"]


def test_tags_set_a_cell_by_hand():
    nb = lesson(md("## 1"), md("Step 1", "fragment"), md("Step 2", "fragment"), code("plot()", "slide"),
                md("Say this aloud", "notes"), code("%matplotlib inline", "skip"), md("### Sub", "skip"))
    assert types(nb)[1:8] == ["slide", "fragment", "fragment", "slide", "notes", "skip", "skip"]


def test_assign_writes_every_cell_and_the_rise_settings_and_is_idempotent():
    nb = lesson(md("## 1"), code(png=True))
    assigned = slides.assign(nb)
    assert [c.metadata["slideshow"]["slide_type"] for c in assigned.cells] == types(nb)
    assert assigned.metadata["rise"] == {"scroll": True, "slideNumber": True, "transition": "none"}
    assert nbformat.writes(slides.assign(assigned)) == nbformat.writes(assigned)
    assert "slideshow" not in nb.cells[0].metadata, "assign must not change its argument"
    assert [c.source for c in assigned.cells] == [c.source for c in nb.cells]


def test_a_complete_lesson_has_no_problems():
    nb = slides.assign(lesson(md("## 1 · Main"), code("plot()", "key-figure", png=True)))
    assert slides.problems(nb) == []
    assert slides.class_time(nb) == (60, 75)
    assert slides.summary(nb)["path"] == ["01 · Title", "1 · Main", "Summary", "Exercises"]


@pytest.mark.parametrize("middle,fragment", [
    ((md("Closing words.\n\n## 2 · Next section"),), "the heading '## 2 · Next section' is inside the cell"),
    ((code("plot()", "key-figure"),), "tagged key-figure but has no PNG output"),
    ((md("## Deep", "deep-dive"), code("plot()", "key-figure", png=True)), "tagged key-figure but not on the slide path"),
    ((code("plot()", png=True),), "no cell is tagged key-figure"),
])
def test_problems_name_what_keeps_the_path_from_being_a_class(middle, fragment):
    found = slides.problems(slides.assign(lesson(*middle)))
    assert any(fragment in p for p in found), found


def test_a_missing_or_skipped_summary_and_missing_goals_are_problems():
    nb = lesson()
    nb.cells[1].metadata["tags"] = ["deep-dive"]
    assert any("'Summary' cell is not on the slide path" in p for p in slides.problems(slides.assign(nb)))
    nb = lesson()
    nb.cells[1].source = "## Wrap-up"
    assert any("no cell starts with a '## Summary'" in p for p in slides.problems(slides.assign(nb)))
    nb = lesson()
    nb.cells[0].source = "# Title only"
    assert any("learning goals" in p for p in slides.problems(slides.assign(nb)))
    assert slides.class_time(nb) is None
    nb = lesson(md("## 1"))
    assert any("heading '1' has no slide/subslide/skip metadata" in p for p in slides.problems(nb))


def test_the_command_line_checks_writes_and_reports(tmp_path, capsys):
    path = tmp_path / "lesson.ipynb"
    nbformat.write(lesson(md("## 1 · Main"), code("plot()", "key-figure", png=True)), path)
    assert slides.main(["--check", str(path)]) == 1                     # not assigned yet
    assert "out of date" in capsys.readouterr().err
    assert slides.main([str(path)]) == 0 and "(updated)" in capsys.readouterr().out
    assert slides.main(["--check", str(path)]) == 0
    assert "slideshow" in nbformat.read(path, as_version=4).cells[0].metadata
    assert exercise_cells.exercises(nbformat.read(path, as_version=4))[0].solution == 6
