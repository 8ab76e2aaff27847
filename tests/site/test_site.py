"""`make site`: every executed notebook becomes a page with its figures and readable maths, offline.

Builds the site once (docs/build_site.py, as `make site` does) into build/site, then reads the pages;
one page is opened in headless Chromium to see MathJax typeset its formulas from the site's own copy.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the site needs the maintainer tools: make dev")

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "build" / "site"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def site():
    shutil.rmtree(SITE, ignore_errors=True)
    result = subprocess.run([sys.executable, "docs/build_site.py"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return SITE


def png_outputs(notebook: Path) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum("image/png" in output.get("data", {}) for cell in cells for output in cell.get("outputs", []))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[n.stem for n in NOTEBOOKS])
def test_every_notebook_has_a_page_with_its_figures(site, notebook):
    page = site / "notebooks" / f"{notebook.stem}.html"
    assert page.exists()
    html = page.read_text(encoding="utf-8")
    images = re.findall(r'<img[^>]+src="([^"]+)"', html)
    assert len(images) == png_outputs(notebook), "one picture per figure output (explorers: their static PNG)"
    for src in images:
        assert (page.parent / src).resolve().is_file(), src
    assert "application/vnd.jupyter.widget-view+json" not in html


def test_index_follows_the_readmes_map_and_links_every_page(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    for notebook in NOTEBOOKS:
        assert f'href="notebooks/{notebook.stem}.html"' in index, notebook.stem
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_row = re.search(r"^\| `00_start_here` \| (.+?) \|$", readme, re.M).group(1)
    assert first_row.split(",")[0] in index


def test_maths_is_typeset_offline(site):
    page = site / "notebooks" / "01_rnn_from_equations.html"
    html = page.read_text(encoding="utf-8")
    script = re.search(r'src="([^"]*MathJax\.js[^"]*)"', html).group(1)
    assert not script.startswith("http"), "MathJax must come from the site itself"
    assert (page.parent / script.split("?")[0]).resolve().is_file()
    playwright = pytest.importorskip("playwright.sync_api")
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    from jupyterlab_driver import launch_browser
    with playwright.sync_playwright() as p:
        browser = launch_browser(p)
        tab = browser.new_page()
        tab.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())   # nothing from outside
        tab.goto(page.as_uri())
        tab.wait_for_function("() => document.querySelectorAll('.MathJax, .MathJax_Display').length > 5",
                              timeout=60_000)
        tab.screenshot(path=str(ROOT / "build" / "site-01-maths.png"))
        browser.close()
