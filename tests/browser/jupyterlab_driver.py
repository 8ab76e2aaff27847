"""Drive the project's JupyterLab in headless Chromium: start it as `make lab` does, open notebooks, run cells.

Shared by the browser tests (``tests/browser``) and the latency benchmark
(``benchmarks/widget_latency_browser.py``). The browser is Debian's Chromium (``CHROMIUM`` overrides the
path); the server runs with a throw-away Jupyter config, data and runtime folder, as for a newcomer, and
with autosave off so that running cells never rewrites the committed notebooks.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORT = {"width": 1366, "height": 768}
"""A common laptop screen: explorers (controls and figure) must fit it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running server: where it is and how to open a path on it."""
    port: int
    token: str
    landing_url: str

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}?token={self.token}"


def _user_settings(config_dir: Path) -> None:
    """A newcomer's JupyterLab (no saved settings), except that documents are never saved automatically,
    every cell is kept in the page (no windowing), and the page exposes ``window.jupyterapp`` (so that
    tests can run a given cell)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "jupyter_lab_config.json").write_text(json.dumps({"LabApp": {"expose_app_in_browser": True}}))
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab"
    for plugin, values in (("docmanager-extension/plugin", {"autosave": False}),
                           ("notebook-extension/tracker", {"windowingMode": "none"})):   # every cell in the page
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def running_lab(workdir: Path, seconds: float = 120):
    """Start ``make lab`` on a free port with a fresh Jupyter config; yield a :class:`Lab`; stop it."""
    port = free_port()
    _user_settings(workdir / "config")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(workdir / "runtime"), JUPYTER_CONFIG_DIR=str(workdir / "config"),
               JUPYTER_DATA_DIR=str(workdir / "data"), OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_PORT={port}"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        url, seen, deadline = None, [], time.time() + seconds
        while url is None and time.time() < deadline:
            line = server.stdout.readline()
            if not line and server.poll() is not None:
                break
            seen.append(line)
            match = re.search(rf"(http://127\.0\.0\.1:{port}/lab\S*\?token=(\w+))", line)
            if match:
                url, token = match.group(1), match.group(2)
        if url is None:
            raise RuntimeError("make lab printed no URL:\n" + "".join(seen[-30:]))
        lab = Lab(port, token, url)
        _wait_until_listening(lab.url("api/status"), deadline)
        yield lab
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_until_listening(url: str, deadline: float) -> None:
    while True:
        try:
            urllib.request.urlopen(url, timeout=10).read()
            return
        except urllib.error.URLError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def launch_browser(playwright):
    """Headless Chromium from Debian (``playwright install`` is not needed)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])


def wait_for_kernel_idle(page, timeout_ms: float = 60_000) -> None:
    """Until the current notebook's kernel has started and is idle."""
    page.wait_for_function("""() => {
        const panel = window.jupyterapp.shell.currentWidget;
        const session = panel && panel.sessionContext;
        const kernel = session && session.isReady && session.session && session.session.kernel;
        return kernel && kernel.status === 'idle';
    }""", timeout=timeout_ms, polling=50)


def open_notebook(page, lab: Lab, notebook: str, kernel: bool = True) -> None:
    """Open ``notebooks/<notebook>`` alone in the page (the workspace is reset) and wait for its kernel."""
    page.goto(lab.url(f"lab/tree/notebooks/{notebook}") + "&reset")
    page.wait_for_function("""name => {
        const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
        return panel && panel.title.label === name && panel.context && panel.context.isReady
            && panel.content.widgets.length === panel.content.model.cells.length;
    }""", arg=Path(notebook).name, timeout=60_000)
    if kernel:
        wait_for_kernel_idle(page)


def run_cell(page, contains: str | None = None, timeout_ms: float = 120_000):
    """Run the first code cell whose source contains ``contains`` (the first code cell if None).

    The cell is made active and run through JupyterLab's own code (``CodeCell.execute`` on the notebook's
    session, reached through ``window.jupyterapp``, which the throw-away config exposes), then scrolled into
    view; returns a locator of the cell's node.
    """
    marker = f"cell-{abs(hash((contains, time.time())))}"
    found = page.evaluate("""async ([contains, marker]) => {
        const notebook = window.jupyterapp.shell.currentWidget.content;
        const index = notebook.widgets.findIndex(cell => cell.model.type === 'code'
            && (contains === null || cell.model.sharedModel.getSource().includes(contains)));
        if (index < 0) return false;
        notebook.activeCellIndex = index;
        notebook.mode = 'command';
        await notebook.scrollToItem(index);
        notebook.widgets[index].node.setAttribute('data-test-cell', marker);
        const panel = window.jupyterapp.shell.currentWidget;
        await notebook.widgets[index].constructor.execute(notebook.widgets[index], panel.sessionContext);
        return true;
    }""", [contains, marker])
    if not found:
        raise LookupError(f"no code cell contains {contains!r}")
    cell = page.locator(f"[data-test-cell='{marker}']")
    page.wait_for_function(
        "cell => { const p = cell.querySelector('.jp-InputPrompt'); return p && /\\[\\d+\\]/.test(p.textContent); }",
        arg=cell.element_handle(), timeout=timeout_ms)
    wait_for_kernel_idle(page, timeout_ms)
    cell.scroll_into_view_if_needed()
    return cell


# --- explorers: find their controls and watch their figure's pixels --------------------------------

WATCH_JS = """
(() => {
  if (window.__figureWatch) return;
  // A signature of every image and canvas in an output area: changes when the figure's pixels change.
  const signature = (root) => {
    const parts = [];
    for (const el of root.querySelectorAll('img, canvas')) {
      if (el.tagName === 'IMG') {
        parts.push(el.complete && el.naturalWidth ? 'img' + el.src.length + el.src.slice(-300) : 'loading');
      } else if (el.width && el.height) {
        const d = el.getContext('2d').getImageData(0, 0, el.width, el.height).data;
        let h = 0;
        // every 3rd pixel: a changed curve moves hundreds of pixels, and the watch must not slow the page down
        for (let i = 0; i < d.length; i += 12) h = (Math.imul(h, 31) + d[i] + (d[i + 1] << 8) + (d[i + 2] << 16)) | 0;
        parts.push('canvas' + h);
      }
    }
    return parts.join('|');
  };
  // Arm before an input: the next keydown/change is t0; the first animation frame that sees new pixels is t1.
  const arm = (root) => {
    const state = {before: signature(root), t0: null, ms: null};
    const onInput = (e) => { if (state.t0 === null) state.t0 = e.timeStamp; };
    const types = ['keydown', 'change'];
    types.forEach(t => document.addEventListener(t, onInput, true));
    const stop = (ms) => { state.ms = ms; types.forEach(t => document.removeEventListener(t, onInput, true)); };
    const deadline = performance.now() + 15000;
    const tick = () => {
      const now = performance.now();
      if (state.t0 !== null && signature(root) !== state.before) return stop(now - state.t0);
      if (now > deadline) return stop(-1);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    window.__figureWatchState = state;
  };
  window.__figureWatch = {signature, arm};
})()
"""


def output_area(cell):
    return cell.locator(".jp-OutputArea").first


def control(area, description: str):
    """The slider, dropdown or text box whose description label reads exactly ``description``."""
    label = re.compile(rf"^\s*{re.escape(description)}\s*$")
    return area.locator(".widget-slider, .widget-dropdown, .widget-text").filter(
        has=area.page.locator(".widget-label", has_text=label)).first


def figure_signature(area) -> str:
    area.page.evaluate(WATCH_JS)
    return area.evaluate("root => window.__figureWatch.signature(root)")


def timed_input(area, act, timeout_ms: float = 15_000) -> float:
    """Milliseconds from the input that ``act()`` makes (a key press or a select) to new pixels in ``area``.

    -1 if the figure did not change within the timeout.
    """
    page = area.page
    page.evaluate(WATCH_JS)
    area.evaluate("root => window.__figureWatch.arm(root)")
    act()
    page.wait_for_function("window.__figureWatchState.ms !== null", timeout=timeout_ms + 5000, polling=50)
    return page.evaluate("window.__figureWatchState.ms")


def press_slider(area, description: str, key: str) -> None:
    """Focus a slider's handle and press ``key`` (ArrowRight/ArrowLeft: one step)."""
    handle = control(area, description).locator(".noUi-handle")
    handle.focus()
    area.page.keyboard.press(key)


def slider_readout(area, description: str) -> str:
    return control(area, description).locator(".widget-readout").inner_text().strip()


def select_option(area, description: str, label: str) -> None:
    control(area, description).locator("select").select_option(label=label)


def type_text(area, description: str, text: str) -> None:
    """Replace a text box's content with ``text`` and press Enter (text boxes update on Enter or blur)."""
    box = control(area, description).locator("input")
    box.fill(text)
    box.press("Enter")
