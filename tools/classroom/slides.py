"""Slideshow metadata for RISE (jupyterlab-rise), assigned from the notebook's headings and a few cell tags.

    python tools/classroom/slides.py                    # assign it in every notebook under notebooks/
    python tools/classroom/slides.py notebooks/03_*.ipynb
    python tools/classroom/slides.py --check            # change nothing; exit 1 if out of date or a problem
    python tools/classroom/slides.py --summary          # slide counts and the slide path of each notebook

The rules (the metadata is derived, so edit headings and tags, then run this again):
- a markdown cell that *starts* with a ``#`` or ``##`` heading starts a slide, one with ``###`` a subslide;
- a heading cell tagged ``deep-dive`` and everything under it, up to the next heading of the same or a higher
  level, is skipped in class (it stays in the notebook for self-study);
- every exercise's solution cell is a fragment: the prompt first, the solution on the next key press;
- tags ``slide``, ``subslide``, ``fragment``, ``notes`` and ``skip`` set a cell's type by hand (step-by-step
  builds: tag the steps ``fragment``); everything else continues the current slide ("-").
- ``key-figure`` marks a figure the class must see: it must have a PNG output and stay on the slide path.

The notebook also gets RISE settings: scroll inside long slides, slide numbers, no transition animation.
"""
from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
from exercise_cells import exercises  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HEADING = re.compile(r"^(#{1,6})\s+(\S.*)$")
RISE_SETTINGS = {"scroll": True, "slideNumber": True, "transition": "none"}
BY_HAND = ("slide", "subslide", "fragment", "notes", "skip")   # tag -> slide type, in this order of precedence
ON_PATH = {"slide", "subslide", "fragment", "-"}
GOALS = re.compile(r"\*\*(You will|In this notebook)")
SUMMARY = "Summary"
CLASS_TIME = re.compile(r"[Ii]n class[^0-9]{0,40}(\d+)\s*[–-]\s*(\d+)\s*min")


class Heading(NamedTuple):
    level: int
    title: str


def heading(cell) -> Heading | None:
    """The heading a markdown cell starts with (its first non-blank line), else None."""
    if cell.cell_type != "markdown":
        return None
    first = next((line for line in cell.source.split("\n") if line.strip()), "")
    found = HEADING.match(first.strip())
    return Heading(len(found.group(1)), found.group(2).strip()) if found else None


def tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def slide_types(nb) -> list[str]:
    """The slide type of every cell under the rules of this module's docstring."""
    solutions = {e.solution for e in exercises(nb)}
    types, skip_below = [], None          # skip_below: level of the deep-dive heading being skipped
    for index, cell in enumerate(nb.cells):
        found = heading(cell)
        if found and skip_below is not None and found.level <= skip_below:
            skip_below = None
        if found and "deep-dive" in tags(cell):
            skip_below = found.level
        if skip_below is not None:
            types.append("skip")
            continue
        by_hand = next((t for t in BY_HAND if t in tags(cell)), None)
        if by_hand:
            types.append(by_hand)
        elif found and found.level <= 3:
            types.append("slide" if found.level <= 2 else "subslide")
        elif index in solutions:
            types.append("fragment")
        else:
            types.append("-")
    return types


def assign(nb):
    """A copy of ``nb`` with ``slideshow`` metadata on every cell and RISE's settings on the notebook."""
    nb = copy.deepcopy(nb)
    for cell, slide_type in zip(nb.cells, slide_types(nb)):
        cell.metadata["slideshow"] = {"slide_type": slide_type}
    nb.metadata["rise"] = dict(RISE_SETTINGS)
    return nb


def on_path(nb) -> list[bool]:
    """Whether each cell is shown in the slideshow, as its metadata stands."""
    return [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") in ON_PATH for c in nb.cells]


def has_png(cell) -> bool:
    return any("image/png" in output.get("data", {}) for output in cell.get("outputs", []))


def problems(nb) -> list[str]:
    """What keeps the slide path from being a class: each sentence names its cell."""
    found, shown = [], on_path(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            inner = [line for line in cell.source.split("\n")[1:] if re.match(r"^#{2,3}\s", line)]
            if inner:
                found.append(f"cell {index}: the heading {inner[0]!r} is inside the cell; start a new cell with it "
                             f"so that its section starts a slide")
            if heading(cell) and heading(cell).level <= 3 and \
                    cell.get("metadata", {}).get("slideshow", {}).get("slide_type") not in \
                    ("slide", "subslide", "skip"):
                found.append(f"cell {index}: heading {heading(cell).title!r} has no slide/subslide/skip metadata")
        if "key-figure" in tags(cell):
            if not has_png(cell):
                found.append(f"cell {index}: tagged key-figure but has no PNG output")
            if not shown[index]:
                found.append(f"cell {index}: tagged key-figure but not on the slide path")
    if not nb.cells or not GOALS.search(nb.cells[0].source) or not shown[0]:
        found.append("cell 0 must state the learning goals ('**You will' or '**In this notebook') and be shown")
    summaries = [i for i, c in enumerate(nb.cells) if heading(c) and heading(c).title == SUMMARY]
    if not summaries:
        found.append(f"no cell starts with a '## {SUMMARY}' heading")
    elif not all(shown[i] for i in summaries):
        found.append(f"the '{SUMMARY}' cell is not on the slide path")
    if any(has_png(c) for c in nb.cells) and not any("key-figure" in tags(c) for c in nb.cells):
        found.append("no cell is tagged key-figure, though the notebook has figures")
    return found


def class_time(nb) -> tuple[int, int] | None:
    """The class-time estimate the title cell states ("In class: 60–75 min"), as (low, high) minutes."""
    found = CLASS_TIME.search(nb.cells[0].source) if nb.cells else None
    return (int(found.group(1)), int(found.group(2))) if found else None


def summary(nb) -> dict:
    """Counts for the teacher: slides, subslides, fragments, skipped cells, and the path's headings."""
    types = [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in nb.cells]
    return {"slides": types.count("slide"), "subslides": types.count("subslide"),
            "fragments": types.count("fragment"), "skipped": types.count("skip"),
            "path": [("  " if t == "subslide" else "") + heading(c).title
                     for c, t in zip(nb.cells, types) if t in ("slide", "subslide") and heading(c)]}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if out of date or a problem")
    parser.add_argument("--summary", action="store_true", help="print slide counts and each notebook's slide path")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks or sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assigned = assign(nb)
        changed = nbformat.writes(assigned) != nbformat.writes(nb)
        if changed and not args.check and not args.summary:
            nbformat.write(assigned, path)
        counts = summary(assigned)
        written = changed and not args.check and not args.summary
        print(f"{path.name}: {counts['slides']} slides + {counts['subslides']} subslides, {counts['fragments']} "
              f"fragments, {counts['skipped']} cells skipped" + (" (updated)" if written else ""))
        if args.summary:
            print("\n".join(f"    {title}" for title in counts["path"]))
        for line in problems(assigned) + ([] if class_time(nb) else ["cell 0 states no class time ('In class: 60–75 min')"]):
            print(f"  PROBLEM {line}", file=sys.stderr)
            status = 1
        if args.check and changed:
            print("  PROBLEM slideshow metadata out of date: run tools/classroom/slides.py", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
