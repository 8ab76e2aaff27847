"""Loss curves: a live plot updated in place while a model trains, and a static one.

The live plot is a matplotlib ``Figure`` (not pyplot, so nothing accumulates in pyplot's figure
list) shown once as a PNG with a display id; each update sets new data on the same line artists
and replaces that PNG in place. Outside a notebook nothing is displayed, but the figure's data
still change, which is what the tests check.
"""
from __future__ import annotations

import time

from matplotlib.figure import Figure


class LiveLossPlot:
    """Training (and validation) loss against optimisation steps, log-scaled; redrawn every ``min_interval`` s at most."""

    def __init__(self, min_interval: float = 0.5, title: str = "loss while training"):
        self.fig = Figure(figsize=(6.0, 3.0))
        self.ax = self.fig.add_subplot()
        (self.train_line,) = self.ax.plot([], [], label="training loss")
        (self.val_line,) = self.ax.plot([], [], label="validation loss")
        self.ax.set(xlabel="optimisation step", ylabel="loss", yscale="log", title=title)
        self.ax.legend(loc="upper right")
        self.min_interval = min_interval
        self._last_draw = -float("inf")
        self._handle = None
        try:
            from IPython import get_ipython
            from IPython.display import display
            if get_ipython() is not None:
                self._handle = display(self.fig, display_id=True)
        except ImportError:  # pragma: no cover - IPython is a dependency of the collection
            pass

    def update(self, history, force: bool = False) -> None:
        """Set the curves to ``history``'s evaluations; redraw the displayed PNG if due (or ``force``)."""
        self.train_line.set_data(history.steps, history.train_loss)
        self.val_line.set_data(history.steps[:len(history.val_loss)], history.val_loss)
        self.ax.relim()
        self.ax.autoscale_view()
        now = time.perf_counter()
        if self._handle is not None and (force or now - self._last_draw >= self.min_interval):
            self._handle.update(self.fig)
            self._last_draw = now


def plot_history(history, ax, label: str = "", log: bool = True, x: str = "steps",
                 steps_per_epoch: int | None = None) -> None:
    """Draw ``history``'s training (solid) and validation (dashed) loss on ``ax``; a dot marks the lowest validation loss.

    ``history`` is a :class:`LossHistory` or a ``fit`` ``History``. ``x="steps"`` or ``"epochs"``; epochs need
    ``steps_per_epoch`` (a ``History`` of a fixed training set knows its own).
    """
    if x not in ("steps", "epochs"):
        raise ValueError(f"x must be 'steps' or 'epochs'; got {x!r}")
    steps_per_epoch = steps_per_epoch or getattr(history, "steps_per_epoch", None)
    if x == "epochs" and not steps_per_epoch:
        raise ValueError("x='epochs' needs steps_per_epoch (the history does not know it)")
    xs = [s / steps_per_epoch for s in history.steps] if x == "epochs" else list(history.steps)
    prefix = f"{label}: " if label else ""
    (line,) = ax.plot(xs, history.train_loss, label=f"{prefix}training")
    if history.val_loss:
        ax.plot(xs[:len(history.val_loss)], history.val_loss, "--", color=line.get_color(), label=f"{prefix}validation")
        best = min(range(len(history.val_loss)), key=history.val_loss.__getitem__)   # the first lowest
        ax.plot([xs[best]], [history.val_loss[best]], "o", color=line.get_color())
    ax.set(xlabel="epoch" if x == "epochs" else "optimisation step", ylabel="loss")
    if log:
        ax.set_yscale("log")
