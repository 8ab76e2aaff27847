"""Build the static site of the collection: HTML of every executed notebook, without running anything.

    python docs/build_site.py            # -> build/site/index.html   (make site)

Stages a Sphinx project in build/site-src: docs/conf.py, the guides in docs/*.md, notebooks/*.ipynb
(and student/*.ipynb when that folder exists) and an index page made from the README's notebook map;
then runs Sphinx with myst-nb (execution off: the committed outputs are shown as they are). MathJax is
copied into the site from the jupyter-server-mathjax package, so formulas render offline too.
"""
from __future__ import annotations

import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "build" / "site-src"
OUTPUT = ROOT / "build" / "site"


def notebook_map(readme: Path) -> list[tuple[str, str]]:
    """(notebook stem, description) for each row of the README's table under "## The notebooks"."""
    text = readme.read_text(encoding="utf-8")
    section = text[text.index("## The notebooks"):]
    section = section[:section.index("\n## ", 1)]
    rows = re.finditer(r"^\| `(\w+)` \| (.+?) \|$", section, re.M)
    return [(m.group(1), m.group(2).split(" | ")[0].strip()) for m in rows]   # the content column (not the runtime)


def index_page(rows: list[tuple[str, str]], students: list[str]) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    intro = next(p for p in readme.split("\n\n") if p.startswith("An open, interactive course"))
    lines = ["# RNN & LSTM, from equations to trained models", "", intro.replace("\n", " "), "",
             "Take the notebooks in order. Each page is the notebook as committed, outputs included; to run it",
             "and move the explorers' controls, clone the repository and `make lab` (see the README).", "",
             "| notebook | content |", "|---|---|"]
    lines += [f"| [{stem}](notebooks/{stem}.ipynb) | {description} |" for stem, description in rows]
    lines += ["", "```{toctree}", ":hidden:", ":caption: Notebooks", ""] + [f"notebooks/{stem}" for stem, _ in rows]
    lines += ["```", ""]
    if students:
        lines += ["## Student versions", "", "The same notebooks with the exercises left for you to solve.", "",
                  "```{toctree}", ":maxdepth: 1", ""] + [f"student/{stem}" for stem in students] + ["```", ""]
    guides = sorted(path.stem for path in (ROOT / "docs").glob("*.md"))
    if guides:
        lines += ["## Guides", "", "```{toctree}", ":maxdepth: 1", ""] + guides + ["```", ""]
    return "\n".join(lines)


def stage() -> None:
    shutil.rmtree(SOURCE, ignore_errors=True)
    (SOURCE / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "conf.py", SOURCE / "conf.py")
    for guide in (ROOT / "docs").glob("*.md"):
        shutil.copy(guide, SOURCE / guide.name)
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        shutil.copy(notebook, SOURCE / "notebooks" / notebook.name)
    students = sorted((ROOT / "student").glob("*.ipynb")) if (ROOT / "student").is_dir() else []
    if students:
        (SOURCE / "student").mkdir()
        for notebook in students:
            shutil.copy(notebook, SOURCE / "student" / notebook.name)
    rows = notebook_map(ROOT / "README.md")
    missing = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")} - {stem for stem, _ in rows}
    if missing:
        sys.exit(f"notebooks missing from the README's map (add a row each): {sorted(missing)}")
    (SOURCE / "index.md").write_text(index_page(rows, [p.stem for p in students]), encoding="utf-8")
    (SOURCE / "_static").mkdir(exist_ok=True)
    import jupyter_server_mathjax
    shutil.copytree(Path(jupyter_server_mathjax.__file__).parent / "static", SOURCE / "_static" / "mathjax")


def main() -> int:
    from sphinx.cmd.build import build_main

    start = time.perf_counter()
    stage()
    code = build_main(["-b", "html", "-q", "-E", str(SOURCE), str(OUTPUT)])
    (OUTPUT / ".nojekyll").touch()   # GitHub Pages: serve _static/ and _images/ as they are
    print(f"site: {OUTPUT / 'index.html'} ({time.perf_counter() - start:.0f} s)" if code == 0 else "site: build failed")
    return code


if __name__ == "__main__":
    sys.exit(main())
