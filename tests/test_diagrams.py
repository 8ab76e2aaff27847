"""The cell diagrams (lessons_lib.diagrams): each draws without a warning, has its labelled gates and
operations where the equations put them, and an unknown cell name is a clear error."""
from __future__ import annotations

import logging
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Circle, FancyBboxPatch

from lessons_lib.diagrams import CELLS, draw_cell
from lessons_lib.plotting import use_lesson_style

EXPECTED = {
    "rnn": ({"hidden": "tanh"}, {}, ["$h_{t-1}$", "$x_t$", "$h_t$", "输入", "隐藏状态", "输出", "循环神经网络"]),
    "lstm": ({"forget": "σ", "input": "σ", "candidate": "tanh", "output": "σ"},
             {"forget": "×", "input": "×", "add": "+", "squash": "tanh", "output": "×"},
             ["$f_t$", "$i_t$", "$g_t$", "$o_t$", "遗忘门", "输入门", "候选记忆", "输出门", "$c_{t-1}$", "$c_t$",
              "记忆单元", "长短期记忆网络"]),
    "gru": ({"update": "σ", "reset": "σ", "recurrent": "linear", "candidate": "tanh"},
            {"keep": "×", "one_minus": "1−", "reset": "×", "new": "×", "add": "+"},
            ["$z_t$", "$r_t$", "$n_t$", "更新门", "重置门", "候选状态", "门控循环单元"]),
}


def texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts] + [ax.get_title()]


@pytest.fixture
def drawn(request, caplog):
    """Draw one cell with its equations and render it, failing on any warning or logged complaint."""
    with warnings.catch_warnings(), caplog.at_level(logging.WARNING):
        warnings.simplefilter("error")              # e.g. "Glyph ... missing from font(s)"
        diagram = draw_cell(request.param, equations=True)
        diagram.fig.canvas.draw()
    complaints = [r.getMessage() for r in caplog.records if r.name.startswith("matplotlib")]
    assert complaints == [], complaints             # mathtext logs "Font 'default' does not have a glyph"
    yield request.param, diagram
    plt.close(diagram.fig)


@pytest.mark.parametrize("drawn", CELLS, indirect=True)
def test_each_cell_draws_its_layers_operations_and_labels(drawn):
    name, diagram = drawn
    layers, ops, labels = EXPECTED[name]
    assert {k: v.symbol for k, v in diagram.layers.items()} == layers
    assert {k: v.symbol for k, v in diagram.ops.items()} == ops
    on_axes = texts(diagram.ax)
    missing = [label for label in labels + [layer.label for layer in diagram.layers.values()] if label not in on_axes]
    assert missing == [], missing
    patches = diagram.ax.patches
    assert sum(isinstance(p, Circle) for p in patches) == len(ops)
    assert sum(isinstance(p, FancyBboxPatch) for p in patches) == len(layers) + 1      # the layers and the cell
    image = np.asarray(diagram.fig.canvas.buffer_rgba())
    assert (image[..., :3] < 100).any(), "something dark (lines, text) was drawn"


@pytest.mark.parametrize("drawn", CELLS, indirect=True)
def test_every_label_lies_inside_the_figure(drawn):
    _, diagram = drawn
    figure_box = diagram.fig.bbox
    renderer = diagram.fig.canvas.get_renderer()
    for text in diagram.ax.texts:
        box = text.get_window_extent(renderer)
        assert figure_box.x0 - 1 <= box.x0 and box.x1 <= figure_box.x1 + 1, text.get_text()
        assert figure_box.y0 - 1 <= box.y0 and box.y1 <= figure_box.y1 + 1, text.get_text()


@pytest.mark.parametrize("drawn", ["lstm"], indirect=True)
def test_the_lstm_is_wired_as_its_equations(drawn):
    _, d = drawn
    cell_line = d.ops["forget"].y
    assert d.ops["add"].y == cell_line and d.ops["squash"].x == d.ops["output"].x   # c_t = f⊙c + i⊙g; h = o⊙tanh(c)
    assert d.ops["forget"].x == d.layers["forget"].x and d.ops["input"].x == d.layers["candidate"].x
    equations = [t.get_text() for t in d.fig.axes[1].texts]
    assert r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$" in equations and r"$h_t = o_t \odot \tanh(c_t)$" in equations


@pytest.mark.parametrize("drawn", ["gru"], indirect=True)
def test_the_gru_is_drawn_in_torchs_form(drawn):
    _, d = drawn
    # the reset gate multiplies W_hn h_{t-1} + b_hn (after the product), on its way into the candidate
    assert d.ops["reset"].x == d.layers["recurrent"].x and d.layers["recurrent"].y < d.ops["reset"].y
    assert d.ops["reset"].y == d.layers["candidate"].y
    # z keeps the old state (on the h line); 1 − z scales the candidate
    assert d.ops["keep"].x == d.layers["update"].x and d.ops["new"].x == d.layers["candidate"].x
    equations = [t.get_text() for t in d.fig.axes[1].texts]
    assert r"$h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$" in equations


def test_without_chinese_no_cjk_character_is_drawn():
    for name in CELLS:
        diagram = draw_cell(name, chinese=False)
        assert not any(0x3000 <= ord(c) <= 0x9FFF for text in texts(diagram.ax) for c in text), name
        plt.close(diagram.fig)


def test_drawing_into_given_axes_side_by_side():
    use_lesson_style()
    fig, axes = plt.subplots(1, 3, figsize=(16, 3.6))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        drawn = [draw_cell(name, ax=ax) for name, ax in zip(CELLS, axes)]
        fig.canvas.draw()
    assert [d.ax for d in drawn] == list(axes) and all(d.fig is fig for d in drawn)
    small = min(t.get_fontsize() for t in axes[1].texts)
    assert small < 7.5, "text shrinks with a smaller axes"
    plt.close(fig)


@pytest.mark.parametrize("name", ["lstm_cell", "transformer", "", 3, None])
def test_an_unknown_cell_is_a_clear_error(name):
    with pytest.raises(ValueError, match=r"cell name must be one of \('rnn', 'lstm', 'gru'\); got"):
        draw_cell(name)


def test_names_are_case_insensitive_and_equations_need_their_own_figure():
    diagram = draw_cell("LSTM")
    assert "forget" in diagram.layers
    with pytest.raises(ValueError, match="equations=True draws a figure of its own"):
        draw_cell("gru", ax=diagram.ax, equations=True)
    plt.close(diagram.fig)

