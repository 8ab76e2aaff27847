"""The Explorer base: what a notebook output carries, full labels, the readout, the live canvas's partial redraws
(checked pixel by pixel against a full draw) and the axis-limit helpers that make them possible."""
import base64
import os
import subprocess
import sys
import io

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

from lessons_lib.widgets import gate_explorer, gradient_flow_explorer, speech_explorer
from lessons_lib.widgets._explorer import (Explorer, figure_png, nice_limit, sticky_limit,
                                           sticky_log_limits, title_texts, _hidden)
from lessons_lib.widgets._text_block import TextBlock


def line_explorer():
    """A minimal explorer: y = a·x on one axes, its title the readout."""
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    (line,) = ax.plot(np.arange(5), np.zeros(5))

    def update(values):
        line.set_ydata(values["slope"] * np.arange(5))
        ax.set_ylim(-1, sticky_limit(max(1.0, 4 * abs(values["slope"])), ax.get_ylim()[1]))
        ax.set_title(f"slope {values['slope']:.1f}")
        return ax.get_title()

    slider = widgets.FloatSlider(value=0.5, min=-3, max=3, step=0.1, description="a rather long description")
    return Explorer({"slope": slider, "other": widgets.Dropdown(options=["x"], description="short")}, fig, update,
                    title="line")


def live(explorer):
    """Display the explorer as a notebook would, and pretend a browser connected to its canvas."""
    explorer._repr_mimebundle_()
    canvas = explorer._canvas
    canvas._handle_message(canvas, {"type": "initialized"}, [])   # what ipympl's front end sends first
    assert not canvas.syncing_data_url
    canvas.draw()                                                  # what its first 'draw' request runs
    return canvas


def difference_from_a_full_draw(explorer) -> int:
    """Pixels (of any channel, by more than 40 of 255) where the live canvas differs from a fresh full draw."""
    shown = np.asarray(explorer._canvas.get_renderer().buffer_rgba()).astype(int)
    canvas = explorer.fig.canvas
    reference = FigureCanvasAgg(explorer.fig)
    with _hidden(title_texts(explorer.fig)):    # the live view leaves titles to the readout
        reference.draw()
    explorer.fig.set_canvas(canvas)
    return int((np.abs(shown - np.asarray(reference.buffer_rgba()).astype(int)).max(axis=2) > 40).sum())


def test_the_output_is_the_widget_with_a_png_and_a_sentence_for_readers_without_a_kernel():
    explorer = line_explorer()
    bundle = explorer._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == explorer.model_id
    assert bundle["text/plain"] == "line — run the cell for live controls"
    image = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
    assert image.size == (int(3 * explorer.fig.dpi), int(2 * explorer.fig.dpi))
    assert explorer.children[-1] is explorer._canvas      # the live canvas sits under the controls


def test_readout_shows_what_update_returns_and_follows_the_controls():
    explorer = line_explorer()
    assert explorer.readout.value == "slope 0.5"
    explorer.controls["slope"].value = -2.0
    assert explorer.readout.value == "slope -2.0"


def test_every_label_gets_the_width_of_the_longest():
    explorer = line_explorer()
    widths = {control.style.description_width for control in explorer.controls.values()}
    assert widths == {f"{len('a rather long description') * 0.6 + 0.8:.1f}em"}


def test_static_png_has_the_titles_the_live_canvas_leaves_out():
    explorer = line_explorer()
    with_title = np.asarray(Image.open(io.BytesIO(figure_png(explorer.fig))))
    explorer.fig.axes[0].set_title("")
    without = np.asarray(Image.open(io.BytesIO(figure_png(explorer.fig))))
    assert (with_title != without).any()


def course_sampling_explorer():
    from lessons_lib.plotting import use_lesson_style
    from lessons_lib.widgets.sampler import course_sampling_explorer as make
    use_lesson_style()                          # the CJK font, for the Tang poems
    return make()


@pytest.mark.parametrize("make,moves", [
    (gradient_flow_explorer, [("spectral_radius", 0.95), ("matrix", "gaussian"), ("activation", "relu"),
                              ("sequence_length", 150), ("input_scale", 2.0), ("spectral_radius", 1.6)]),
    (gate_explorer, [("forget bias", 3.0), ("input pattern", "noise N(0, 1)"), ("weight scale", 2.5),
                     ("input pattern", "step up at t=10"), ("output bias", -4.0)]),
    (course_sampling_explorer, [("temperature", 1.5), ("top-k", 3), ("seed", 7), ("prompt", "KING RICHARD"),
                                ("corpus", "唐诗 Tang quatrains"), ("top-k", 0), ("length", 400)]),
    (speech_explorer, [("number", 1), ("number", 2), ("model", "mlp"), ("utterances", "held-out speaker"),
                       ("number", 9)]),
])
def test_partial_redraws_match_a_full_draw(make, moves):
    """After each move the live canvas (background kept, moved axes and curves redrawn) shows what a full draw shows."""
    explorer = make()
    live(explorer)
    for name, value in moves:
        explorer.controls[name].value = value
        assert difference_from_a_full_draw(explorer) < 30, (name, value)      # a few antialiased pixels at most


def test_an_update_that_changes_a_control_starts_no_second_update():
    """06's corpus control changes the list of models; that change must not run (and draw) a nested update."""
    fig = Figure(figsize=(3, 2))
    calls = []

    def update(values):
        calls.append(values)
        if values["letters"] == "greek":
            controls["letter"].options = ["alpha", "beta"]
            controls["letter"].value = "beta"
        return f"{len(calls)} updates"

    controls = {"letters": widgets.Dropdown(options=["latin", "greek"], description="letters"),
                "letter": widgets.Dropdown(options=["a", "b"], description="letter")}
    explorer = Explorer(controls, fig, update)
    controls["letters"].value = "greek"
    assert len(calls) == 2 and explorer.readout.value == "2 updates"
    controls["letter"].value = "alpha"
    assert len(calls) == 3


def test_updates_run_on_one_thread_and_leave_the_settings_as_they_were():
    import torch
    from threadpoolctl import threadpool_info
    seen = []
    fig = Figure(figsize=(3, 2))

    def update(values):
        blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
        seen.append((torch.get_num_threads(), blas))

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        explorer = Explorer({"n": widgets.IntSlider(value=1, description="n")}, fig, update)
        explorer.controls["n"].value = 2
        assert seen and all(torch_threads == 1 and set(blas) <= {1} for torch_threads, blas in seen), seen
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def text_explorer():
    """An explorer whose content is a text (as 06's sampled text): a TextBlock, so the live canvas redraws it."""
    fig = Figure(figsize=(3, 2))
    ax = fig.subplots()
    ax.axis("off")
    text = TextBlock(ax, 0.0, 1.0, fontsize=12)

    def update(values):
        text.set_text(f"sample number {values['n']}\n" + "abc " * values["n"])

    return Explorer({"n": widgets.IntSlider(value=1, min=1, max=5, description="n")}, fig, update)


def test_a_live_text_is_redrawn_at_every_update():
    explorer = text_explorer()
    live(explorer)
    for n in (3, 5, 2):
        explorer.controls["n"].value = n
        assert difference_from_a_full_draw(explorer) < 30, n
    shown = np.asarray(explorer._canvas.get_renderer().buffer_rgba())
    assert (shown[..., :3] < 128).any(), "the text is drawn on the live canvas"


def test_the_png_sent_to_the_browser_has_the_pixels_matplotlib_would_send():
    """The live canvas compresses its PNGs faster than matplotlib's own method; what they decode to is the same."""
    from matplotlib.backends.backend_webagg_core import FigureCanvasWebAggCore
    explorer = gradient_flow_explorer()
    canvas = live(explorer)
    before = canvas._last_buff.copy()
    explorer.controls["spectral_radius"].value = 1.2             # redraws and sends a diff PNG
    sent = {}
    for name, method in [("ours", type(canvas).get_diff_image), ("matplotlib", FigureCanvasWebAggCore.get_diff_image)]:
        canvas._last_buff, canvas._png_is_old = before.copy(), True
        png = method(canvas)
        sent[name] = (np.asarray(Image.open(io.BytesIO(png))), canvas._current_image_mode)
    assert sent["ours"][1] == sent["matplotlib"][1] == "diff"
    np.testing.assert_array_equal(sent["ours"][0], sent["matplotlib"][0])
    assert (sent["ours"][0][..., 3] > 0).sum() > 1000, "the spectral-radius step changed pixels"


def test_nothing_is_drawn_without_a_front_end():
    explorer = line_explorer()
    explorer._repr_mimebundle_()            # displayed, but no browser ever connected (nbclient, nbval)
    explorer.controls["slope"].value = 1.0
    assert getattr(explorer._canvas, "_live_background", None) is None


def test_the_canvas_keeps_the_figures_pixel_size():
    """ipympl syncs the canvas size to the browser (its ``_size`` trait): redraws must leave it alone."""
    explorer = gradient_flow_explorer()
    canvas = live(explorer)
    explorer.controls["spectral_radius"].value = 1.2
    canvas.redraw()
    assert tuple(canvas._size) == (9.0 * explorer.fig.dpi, 3.4 * explorer.fig.dpi)


def test_nice_and_sticky_limits():
    assert [nice_limit(v) for v in (0.9, 1.0, 1.1, 1.3, 2.2, 7.0, 9.0, 0.031)] == \
        pytest.approx([1.0, 1.0, 1.2, 1.5, 2.5, 8.0, 10.0, 0.04])
    assert sticky_limit(3.0, 5.0) == 5.0                 # fits and fills 60%: stays
    assert sticky_limit(1.5, 5.0) == 1.5                 # fills 30%: shrinks to a nice value
    assert sticky_limit(5.5, 5.0) == 6.0                 # does not fit: grows
    low, high = sticky_log_limits(1e-15, 1.0, (1e-3, 1e3))
    assert low <= 1e-15 / 3 and high >= 3.0
    assert sticky_log_limits(1e-14, 0.5, (low, high)) == (low, high)   # still fits and fills half: kept
    assert sticky_log_limits(1e-3, 1.0, (low, high)) != (low, high)     # uses too few decades: tightened


def test_displaying_an_explorer_leaves_the_notebooks_own_backend_alone():
    """ipympl switches matplotlib to itself on import; the learner's other figures must stay inline."""
    code = ("import matplotlib; matplotlib.use('agg'); from lessons_lib.widgets import gate_explorer; "
            "gate_explorer()._repr_mimebundle_(); print(matplotlib.get_backend())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "agg"


def test_pyplot_figures_stay_off_ipympl_when_no_backend_was_chosen_yet():
    """pyplot imported, no figure made yet (no backend chosen): after an explorer is shown, plt.figure() is not ipympl's."""
    code = ("import os; os.environ.pop('MPLBACKEND', None); import matplotlib.pyplot as plt; "
            "from lessons_lib.widgets import gate_explorer; gate_explorer()._repr_mimebundle_(); "
            "print(type(plt.figure().canvas).__module__)")
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "ipympl" not in result.stdout, result.stdout
