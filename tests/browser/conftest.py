"""One JupyterLab server and one headless Chromium for the browser tests; screenshots to build/browser/."""
import hashlib
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="browser tests need the maintainer tools: make dev")
from playwright.sync_api import sync_playwright  # noqa: E402

import jupyterlab_driver as driver  # noqa: E402

SCREENSHOTS = driver.ROOT / "build" / "browser"


def notebook_hashes() -> dict:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted((driver.ROOT / "notebooks").glob("*.ipynb"))}


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    before = notebook_hashes()
    with driver.running_lab(tmp_path_factory.mktemp("jupyter")) as server:
        yield server
    assert notebook_hashes() == before, "the browser session changed a committed notebook"


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = driver.launch_browser(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A fresh 1366×768 page; console errors are collected in ``page.console_errors``."""
    context = browser.new_context(viewport=driver.VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on("console", lambda message: page.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


@pytest.fixture
def shot(page, request):
    """``shot(step)`` saves a screenshot as build/browser/<test>-<n>-<step>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = request.node.name.replace("[", "-").replace("]", "")
    count = [0]

    def take(step: str) -> Path:
        count[0] += 1
        path = SCREENSHOTS / f"{name}-{count[0]:02d}-{step}.png"
        page.screenshot(path=str(path))
        return path

    return take
