"""The base of the interactive explorers: named controls plus a matplotlib figure updated in place.

How it shows up in a notebook: displaying an :class:`Explorer` shows one output. With a live kernel
it is the widget: the controls, a one-line readout and the figure on an ``ipympl`` canvas. When a
control changes, ``update`` recomputes and sets new data on the figure's artists, and only the new
pixels travel to the browser. If the axes did not move (same limits and labels), the canvas keeps
its drawn background (axes, ticks, labels) and redraws only the lines and bars on top — a few
milliseconds instead of a full redraw. Titles, which change at every step and are slow to draw,
are left off the live canvas: the readout above it says the same. The same output also carries a
PNG of the figure as first shown (titles included), which is what readers without a running kernel
see (JupyterLab before the cell runs, GitHub, nbviewer, the static site).

Headless use (tests, benchmarks): set ``explorer.controls[name].value``; the figure's artists
change; nothing is drawn and nothing needs a browser.
"""
from __future__ import annotations

import base64
import io
import sys
import warnings
from contextlib import ExitStack, contextmanager
from typing import Callable

import ipywidgets as widgets
import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image
from threadpoolctl import ThreadpoolController

LABEL_CHARACTER_WIDTH = 0.6
"""Width of one character of a control's description, in ``em`` (labels get the longest one's width)."""
CONTROL_WIDTH = "17em"
"""Width of a slider with its readout, or of a dropdown, beside its label."""


class Explorer(widgets.VBox):
    """An ipywidgets container with ``.controls`` (name -> widget), ``.fig`` (a matplotlib Figure) and ``.readout``.

    ``update(values)`` receives ``{name: control.value}`` and must change ``fig``'s artists in place;
    it may return a short text, shown in ``.readout`` (an HTML widget) under the controls. It runs
    once at construction and after every control change.
    """

    def __init__(self, controls: dict[str, widgets.Widget], fig: Figure, update: Callable[[dict], str | None],
                 title: str = ""):
        self.controls = dict(controls)
        self.fig = fig
        self._update = update
        self._title = title
        self._canvas = None  # the live canvas, made when the explorer is first displayed
        self._refreshing = False
        self.readout = widgets.HTML(layout=widgets.Layout(margin="2px 0 0 8px"))
        self.readout.add_class("explorer-readout")
        _full_labels(self.controls.values())
        rows = [widgets.HTML(f"<b>{title}</b>")] if title else []
        rows.append(widgets.GridBox(list(self.controls.values()), layout=widgets.Layout(
            grid_template_columns="repeat(2, max-content)", grid_gap="2px 24px")))
        rows.append(self.readout)
        super().__init__(rows)
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        self.refresh()

    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute from the current control values; redraw the live canvas if a browser shows it.

        ``update`` may itself change controls (06's corpus changes the list of models); those changes
        start no second update: the one running reads the controls' new values.
        """
        if self._refreshing:
            return
        self._refreshing = True
        try:
            with ExitStack() as held:
                for control in self.controls.values():   # controls an update changes (06's model list) reach the
                    held.enter_context(control.hold_sync())   # browser after the new figure, not before it
                with one_thread():
                    text = self._update(self.values())
                self.readout.value = text or ""
                self.readout.layout.display = None if text else "none"
                if self._canvas is not None and not self._canvas.syncing_data_url:   # a front end is connected
                    self._canvas.redraw()
        finally:
            self._refreshing = False

    def __repr__(self) -> str:
        """What readers without a live kernel are told (ipywidgets keeps 110 characters)."""
        return f"{self._title or 'Explorer'} — run the cell for live controls"

    def _on_change(self, _change) -> None:
        self.refresh()

    def _repr_mimebundle_(self, **kwargs):
        """The live widget, with a PNG of the current figure for readers without a kernel."""
        if self._canvas is None:
            self._canvas = _make_canvas(self.fig)
            self.children = (*self.children, self._canvas)
        bundle = super()._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)
        bundle["image/png"] = base64.b64encode(figure_png(self.fig)).decode("ascii")
        return bundle


_THREADPOOLS = ThreadpoolController()


@contextmanager
def one_thread():
    """Run the block with one BLAS thread and one torch thread; the previous settings come back afterwards.

    An update is many small products (06 samples 240 characters, one 512-unit step each). A second
    thread gains little on them, and on a machine that is also running the browser it waits for a
    busy core. Sampling 240 characters on a 2-core machine with one core kept busy took a median
    41 ms (worst 244 ms) with two BLAS threads, 25 ms (worst 32 ms) with one.
    """
    torch = sys.modules.get("torch")          # only if the explorer uses it: no import here
    threads = torch.get_num_threads() if torch is not None else None
    with _THREADPOOLS.limit(limits=1, user_api="blas"):
        if torch is not None:
            torch.set_num_threads(1)
        try:
            yield
        finally:
            if torch is not None:
                torch.set_num_threads(threads)


def figure_png(fig: Figure) -> bytes:
    """The whole figure as PNG bytes, drawn by Agg whatever canvas the figure has."""
    buffer = io.BytesIO()
    canvas = fig.canvas
    try:
        FigureCanvasAgg(fig).print_png(buffer)
    finally:
        fig.set_canvas(canvas)
    return buffer.getvalue()


def _full_labels(controls) -> None:
    """Give every description the width of the longest one, so no label is cut ("hidden siz…")."""
    longest = max((len(control.description) for control in controls), default=0)
    width = f"{longest * LABEL_CHARACTER_WIDTH + 0.8:.1f}em"
    for control in controls:
        control.style.description_width = width
        control.layout.width = f"calc({width} + {CONTROL_WIDTH})"


def dynamic_artists(fig: Figure) -> list:
    """What an explorer's update changes and the live canvas redraws: lines, patches, collections, images.

    Text that is content (06's sampled text) is a :class:`~lessons_lib.widgets._text_block.TextBlock`, a
    patch: redrawn at every update, and fast. Legends count as background: place them where no data goes
    (outside the axes), as legends should be.
    """
    artists = [artist for ax in fig.axes for artist in (*ax.lines, *ax.patches, *ax.collections, *ax.images)]
    return sorted(artists, key=lambda artist: artist.get_zorder())


def title_texts(fig: Figure) -> list:
    """Titles and free texts, which an update may rewrite: the live view shows them in the readout instead.

    (Drawing text is the slow part of a redraw; the static PNG keeps them.)
    """
    texts = [text for ax in fig.axes for text in (ax.title, ax._left_title, ax._right_title, *ax.texts)]
    texts += fig.texts
    if fig._suptitle is not None:
        texts.append(fig._suptitle)
    return texts


def axes_key(ax) -> tuple:
    """What an axes' drawn background depends on: its limits, scales and axis labels."""
    return ax.get_xlim(), ax.get_ylim(), ax.get_xscale(), ax.get_yscale(), ax.get_xlabel(), ax.get_ylabel()


@contextmanager
def _hidden(artists):
    visible = [artist.get_visible() for artist in artists]
    for artist in artists:
        artist.set_visible(False)
    try:
        yield
    finally:
        for artist, was_visible in zip(artists, visible):
            artist.set_visible(was_visible)


@contextmanager
def _blank(texts):
    """Empty the texts for the block (matplotlib skips laying out the titles of an axes whose titles are all empty)."""
    contents = [text.get_text() for text in texts]
    for text in texts:
        text.set_text("")
    try:
        yield
    finally:
        for text, content in zip(texts, contents):
            text.set_text(content)


def _ipympl():
    """ipympl's canvas and manager classes, imported without letting ipympl take over pyplot.

    (Importing ``ipympl`` switches matplotlib's backend to itself; the notebook's own figures must stay
    inline, so the backend is put back.)
    """
    backend = dict.__getitem__(matplotlib.rcParams, "backend")
    from ipympl.backend_nbagg import Canvas, FigureManager
    if dict.__getitem__(matplotlib.rcParams, "backend") != backend:
        if isinstance(backend, str):
            matplotlib.use(backend)
        else:   # matplotlib had not chosen one yet: let it choose as it would have
            dict.__setitem__(matplotlib.rcParams, "backend", backend)
            pyplot = sys.modules.get("matplotlib.pyplot")
            if pyplot is not None:            # ipympl had switched pyplot to itself too
                pyplot.switch_backend(backend)
    return Canvas, FigureManager


def _make_canvas(fig: Figure):
    """An ipympl canvas for ``fig`` that redraws only the changed artists when the axes stay put."""
    Canvas, FigureManager = _ipympl()

    class LiveCanvas(Canvas):
        """Keeps the figure drawn without its curves (the background); after an update it restores that,
        redraws the axes whose limits or labels changed (only those), then the curves on top."""

        def draw(self):
            """A full draw (first view, resize): the blank figure, the background, then the curves."""
            artists = dynamic_artists(self.figure)
            with _hidden([*self.figure.axes, *self.figure.legends, *artists, *title_texts(self.figure)]):
                FigureCanvasAgg.draw(self)
                self._live_blank = self.copy_from_bbox(self.figure.bbox)
            with _hidden(artists + title_texts(self.figure)):
                FigureCanvasAgg.draw(self)
            self._remember(artists)

        def redraw(self):
            """After an update: the cached background, the axes that moved redrawn in place, the curves."""
            if getattr(self, "_live_background", None) is None or self._live_size != tuple(self.figure.get_size_inches()):
                self.draw()
                return
            self.restore_region(self._live_background)
            renderer = self.get_renderer()
            artists = dynamic_artists(self.figure)
            moved = {ax: None for ax in self.figure.axes if axes_key(ax) != self._live_keys.get(ax)}
            titles = title_texts(self.figure)
            with _hidden(artists + titles), _blank(titles):   # blank titles are not laid out (it is slow)
                for ax in moved:
                    moved[ax] = ax.get_tightbbox(renderer)          # its background's extent at the new limits
                    extents = [moved[ax]] + ([self._live_extents[ax]] if ax in self._live_extents else [])
                    x0, y0, x1, y1 = Bbox.union(extents).padded(2).extents
                    top, bottom = renderer.height - y1, renderer.height - y0   # regions count rows from the top
                    self.restore_region(self._live_blank, bbox=(x0, top, x1, bottom), xy=(0, 0))   # xy: an offset
                    ax.draw(renderer)
            self._remember(artists, moved)

        def get_diff_image(self):
            """The PNG that goes to the browser: matplotlib's own (``backend_webagg_core``, 3.11), compressed at
            zlib level 1 instead of 6 — a third of the time (8 ms instead of 27 for a changed spectrogram) for
            a PNG about a fifth larger."""
            if not self._png_is_old:
                return None
            pixels = np.asarray(self.get_renderer().buffer_rgba())
            buff = pixels.view(np.uint32).squeeze(2)              # one uint32 per pixel: compared in one call
            if self._force_full or buff.shape != self._last_buff.shape or (pixels[:, :, 3] != 255).any():
                self.set_image_mode("full")
                output = buff
            else:                                                 # only the changed pixels, the rest transparent
                self.set_image_mode("diff")
                output = np.where(buff != self._last_buff, buff, 0)
            self._last_buff = buff.copy()
            self._force_full = False
            self._png_is_old = False
            with io.BytesIO() as png:
                Image.fromarray(output.view(dtype=np.uint8).reshape((*output.shape, 4))).save(
                    png, format="png", compress_level=1)
                return png.getvalue()

        def _remember(self, artists, moved=None):
            """Keep the background; note the limits and extents of the axes drawn (``moved``: axes -> its extent,
            measured by ``redraw``; all axes, measured here, when None). The extents of axes that did not move are
            kept: measuring them (``get_tightbbox`` lays out every tick label) took most of a redraw."""
            renderer = self.get_renderer()
            self._live_background = self.copy_from_bbox(self.figure.bbox)
            self._live_size = tuple(self.figure.get_size_inches())
            if moved is None:                     # measured as redraw measures: without titles and curves
                self._live_keys, self._live_extents = {}, {}
                with _hidden(artists + title_texts(self.figure)):
                    moved = {ax: ax.get_tightbbox(renderer) for ax in self.figure.axes}
            for ax, extent in moved.items():
                self._live_keys[ax] = axes_key(ax)
                self._live_extents[ax] = extent
            for artist in artists:
                artist.draw(renderer)
            for ax in self.figure.axes:           # the frame goes on top, as in a full draw (a bar at the edge
                if ax.axison and ax.get_frame_on():   # would hide it)
                    for spine in ax.spines.values():
                        spine.draw(renderer)
            self.blit()

    canvas = LiveCanvas(fig)
    with warnings.catch_warnings():   # ipympl's toolbar (hidden here) trips a traitlets deprecation warning
        warnings.simplefilter("ignore", DeprecationWarning)
        FigureManager(canvas, 0)
    canvas.header_visible = False
    canvas.footer_visible = False
    canvas.toolbar_visible = False
    canvas.resizable = False
    return canvas


# --- axis limits that stay put over most slider steps, so that only the curves are redrawn ----------

def sticky_limit(needed: float, current: float) -> float:
    """Keep the current limit while the data fit and fill at least 40% of it; else the next :func:`nice_limit`.

    Limits that stay put let the explorer redraw only its curves (ticks and labels stay as drawn).
    """
    if 0.4 * current <= needed <= current:
        return current
    return nice_limit(needed)


NICE_STEPS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)


def nice_limit(value: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k that is >= ``value`` (> 0).

    Axis limits that move in such steps stay put over most slider steps, so the explorer redraws
    only its curves.
    """
    exponent = np.floor(np.log10(value))
    for step in NICE_STEPS + (10.0,):
        if step * 10.0 ** exponent >= value * (1 - 1e-12):
            return float(step * 10.0 ** exponent)
    raise AssertionError("unreachable")


def sticky_log_limits(low: float, high: float, current: tuple[float, float]) -> tuple[float, float]:
    """Log-axis limits: whole decades around [low/3, high·3], kept while the data fit and fill half of them.

    The limits move only when the curves leave them or use less than half of the decades shown, so
    most slider steps redraw only the curves (the axes, ticks and labels stay as drawn).
    """
    need_low, need_high = np.floor(np.log10(low / 3)), np.ceil(np.log10(high * 3))
    have_low, have_high = np.log10(current[0]), np.log10(current[1])
    fits = have_low <= need_low and have_high >= need_high
    if fits and (need_high - need_low) >= 0.5 * (have_high - have_low):
        return current
    span = need_high - need_low
    margin = np.ceil(0.25 * span)
    return 10.0 ** (need_low - margin), 10.0 ** (need_high + margin)
