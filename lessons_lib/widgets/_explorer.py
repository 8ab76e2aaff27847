"""The base of the interactive explorers: named controls plus a matplotlib figure updated in place.

How it shows up in a notebook: displaying an :class:`Explorer` shows its controls (an ipywidgets
``VBox``) and, below them, the figure as an ordinary PNG with a display id. When a control changes,
``update`` recomputes and sets the new data on the figure's artists, and the PNG is replaced in
place (``update_display``). Because the figure is a plain PNG output, a committed notebook shows
the initial state to readers without a running kernel (GitHub, nbviewer, a closed kernel).

Headless use (tests, benchmarks): set ``explorer.controls[name].value``; the figure's artists
change; nothing needs a browser.
"""
from __future__ import annotations

from typing import Callable

import ipywidgets as widgets
from IPython.display import display
from matplotlib.figure import Figure


class Explorer(widgets.VBox):
    """An ipywidgets container with ``.controls`` (name -> widget) and ``.fig`` (a matplotlib Figure).

    ``update(values)`` receives ``{name: control.value}`` and must change ``fig``'s artists in place.
    It runs once at construction and after every control change.
    """

    def __init__(self, controls: dict[str, widgets.Widget], fig: Figure, update: Callable[[dict], None],
                 title: str = ""):
        self.controls = dict(controls)
        self.fig = fig
        self._update = update
        self._figure_display = None
        self._title = title
        rows = [widgets.HTML(f"<b>{title}</b>")] if title else []
        rows.append(widgets.GridBox(list(self.controls.values()),
                                    layout=widgets.Layout(grid_template_columns="repeat(2, 380px)")))
        super().__init__(rows)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute from the current control values and redraw the displayed figure, if shown."""
        self._update(self.values())
        if self._figure_display is not None:
            self._figure_display.update(self.fig)

    def __repr__(self) -> str:
        """What readers without a live kernel see in place of the controls (ipywidgets keeps 110 characters)."""
        return f"{self._title or 'Explorer'} — run the cell for live controls; static figure below"

    def _on_change(self, _change) -> None:
        self.refresh()

    def _ipython_display_(self) -> None:
        display(self._repr_mimebundle_(), raw=True)  # the controls (a live widget)
        self._figure_display = display(self.fig, display_id=True)  # the figure, a PNG updated in place
