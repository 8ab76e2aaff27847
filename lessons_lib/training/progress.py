"""A progress bar that reads well twice: live while a cell runs, and finished in the saved notebook.

In a Jupyter kernel the bar is an HTML element with a display id, replaced in place at most every
``min_interval`` seconds; :meth:`ProgressBar.close` writes its final state (``done`` or why it
stopped early), which is what the saved notebook, nbviewer and the static site show. (A ``tqdm``
widget is not saved with the notebook: readers would see its first, empty state.) Outside a kernel
(scripts, benchmarks, tests) it prints a plain line to stderr now and then instead.

Use it around a training loop::

    with ProgressBar(max_steps, desc="training") as bar:
        for step in range(max_steps):
            ...
            bar.update(loss=f"{loss:.3f}")
            if stopper.should_stop:
                bar.close(note="early stopping")
                break
"""
from __future__ import annotations

import html
import sys
import time

from .._validate import check_int


def _in_a_notebook_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the collection
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds // 60)} min {seconds % 60:02.0f} s"


class ProgressBar:
    """Counts ``total`` units of work (steps, batches, epochs); shows count, rate, elapsed time and a postfix.

    Args:
        total: how many units make 100 %.
        desc: what is being counted, shown first ("training", "evaluating").
        unit: the unit's name ("step").
        min_interval: seconds between two redraws at most (updates in between are only counted).
        file: where a non-notebook bar writes (default ``sys.stderr``).
    """

    def __init__(self, total: int, desc: str = "training", unit: str = "step", min_interval: float = 0.25,
                 file=None):
        self.total = check_int("total", total)
        self.desc, self.unit, self.min_interval = desc, unit, float(min_interval)
        self.count = 0
        self.postfix: dict[str, str] = {}
        self.closed = False
        self.note = ""
        self._start = time.perf_counter()
        self._last_draw = -float("inf")
        self._file = file if file is not None else sys.stderr
        self._handle = None
        if _in_a_notebook_kernel():
            from IPython.display import display
            self._handle = display(self._bundle(), raw=True, display_id=True)

    # ---------------------------------------------------------------- counting
    def update(self, n: int = 1, **postfix) -> None:
        """Count ``n`` more units; ``postfix`` values (e.g. ``loss="0.31"``) are shown after the count."""
        if self.closed:
            raise RuntimeError(f"this progress bar ({self.desc!r}) is closed; make a new one")
        self.count += n
        self.set_postfix(**postfix)
        now = time.perf_counter()
        if now - self._last_draw >= self.min_interval:
            self._draw(now)

    def set_postfix(self, **postfix) -> None:
        """Replace or add values shown after the count (not redrawn until the next update or close)."""
        self.postfix.update({key: str(value) for key, value in postfix.items()})

    def close(self, note: str = "") -> None:
        """Draw the final state once: 'done' when the count reached ``total``, else ``note`` or 'stopped'."""
        if self.closed:
            return
        self.closed = True
        self.note = note or ("done" if self.count >= self.total else "stopped")
        self._draw(time.perf_counter())

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        self.close(note=f"stopped by {exc_type.__name__}" if exc_type is not None else "")

    # ---------------------------------------------------------------- drawing
    def text(self) -> str:
        """The bar as one line of text, e.g. ``training: 413/2100 steps (20%) in 3.1 s, 133 steps/s, loss 0.31 — early stopping``."""
        elapsed = time.perf_counter() - self._start
        rate = self.count / elapsed if elapsed > 0 else 0.0
        line = (f"{self.desc}: {self.count}/{self.total} {self.unit}s ({100 * self.count / self.total:.0f}%) "
                f"in {_duration(elapsed)}, {rate:.3g} {self.unit}s/s")
        if self.postfix:
            line += ", " + ", ".join(f"{key} {value}" for key, value in self.postfix.items())
        if self.note:
            line += f" — {self.note}"
        return line

    def _bundle(self) -> dict:
        fraction = min(1.0, self.count / self.total)
        colour = "#2e7d32" if self.note == "done" else ("#1f77b4" if not self.note else "#e08b00")
        bar = (f'<div style="display:inline-block;width:180px;height:10px;background:#e0e0e0;'
               f'vertical-align:middle;margin-right:8px"><div style="width:{100 * fraction:.1f}%;height:100%;'
               f'background:{colour}"></div></div>')
        return {"text/plain": self.text(),
                "text/html": f'<div style="font-family:monospace;font-size:12px">{bar}{html.escape(self.text())}</div>'}

    def _draw(self, now: float) -> None:
        self._last_draw = now
        if self._handle is not None:
            self._handle.update(self._bundle(), raw=True)
        else:
            print(self.text(), file=self._file, flush=True)
