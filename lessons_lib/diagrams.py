"""Diagrams of the RNN, LSTM and GRU cells in the style of Olah (2015), drawn with matplotlib.

Yellow boxes are layers — a weighted sum of the inputs through σ or tanh (white: a weighted sum alone);
pink circles are pointwise operations (×, +, tanh, 1−); lines carry vectors, and lines that merge are
concatenated. Symbols follow the notebooks (torch's names, g for the candidate) with the Chinese names
beside them. The GRU is drawn in torch's form: h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}, with the reset gate
applied *after* the product W_hn h_{t−1} (Cho et al.'s original applies it before).

    from lessons_lib.diagrams import draw_cell
    diagram = draw_cell("lstm", equations=True)     # a figure with the cell's equations beside it
    diagram.layers["forget"].symbol                  # 'σ': what was drawn is described, for tests

Chinese labels need the bundled font: ``lessons_lib.plotting.use_lesson_style()`` (called here when this
module makes the figure itself).
"""
from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyBboxPatch

from .plotting import use_lesson_style

CELLS = ("rnn", "lstm", "gru")
LAYER_COLOUR, LINEAR_COLOUR, OP_COLOUR, CELL_COLOUR, INK = "#fde9a9", "#ffffff", "#f7c6d0", "#eef1f6", "#2f3b52"
RADIUS = 0.3   # of a pointwise operation's circle (the wires stop at it)


class Layer(NamedTuple):
    """A layer box centred at (x, y): ``symbol`` (σ, tanh, or "linear") inside, ``label`` (mathtext) and
    ``chinese`` under it; a linear layer shows its label inside instead."""

    x: float
    y: float
    symbol: str
    label: str
    chinese: str = ""


class Op(NamedTuple):
    """A pointwise operation (×, +, tanh, 1−) drawn as a circle at (x, y)."""

    x: float
    y: float
    symbol: str


class Wire(NamedTuple):
    """A polyline carrying a vector; ``arrow`` puts an arrowhead at its last point (not where lines merge)."""

    points: tuple[tuple[float, float], ...]
    arrow: bool = True


class Terminal(NamedTuple):
    """An input, output or state at the cell's edge: ``label`` (mathtext) and its Chinese name after it."""

    x: float
    y: float
    label: str
    chinese: str = ""


class Spec(NamedTuple):
    """One cell's drawing, in a 12 × 7 frame with the cell inside (0.8, 0.4)–(11.2, 6.5)."""

    title: str
    layers: dict[str, Layer]
    ops: dict[str, Op]
    wires: list[Wire]
    terminals: list[Terminal]
    equations: list[str]


class CellDiagram(NamedTuple):
    """What :func:`draw_cell` drew: the figure, the cell's axes, and its elements by name."""

    fig: plt.Figure
    ax: plt.Axes
    layers: dict[str, Layer]
    ops: dict[str, Op]


def _wire(*points, arrow: bool = True) -> Wire:
    return Wire(tuple(points), arrow)


H_PREV, X_T = r"$h_{t-1}$", r"$x_t$"


def _rnn() -> Spec:
    return Spec(
        "RNN", {"hidden": Layer(6.0, 3.2, "tanh", r"$W_{ih} x_t + W_{hh} h_{t-1} + b$")}, {},
        [_wire((0.0, 1.6), (6.0, 1.6), arrow=False), _wire((3.0, 0.0), (3.0, 1.6), arrow=False),
         _wire((6.0, 1.6), (6.0, 2.9)), _wire((6.0, 3.5), (6.0, 4.4), (10.4, 4.4), arrow=False),
         _wire((10.4, 4.4), (10.4, 7.0)), _wire((10.4, 4.4), (10.4, 1.0), (12.0, 1.0))],
        [Terminal(-0.15, 1.6, H_PREV), Terminal(3.0, -0.4, X_T, "输入"), Terminal(12.15, 1.0, r"$h_t$", "隐藏状态"),
         Terminal(10.4, 7.4, r"$h_t$", "输出")],
        [r"$h_t = \tanh(W_{ih}\, x_t + W_{hh}\, h_{t-1} + b)$"])


def _lstm() -> Spec:
    gates = (2.8, 4.4, 6.0, 7.6)
    return Spec(
        "LSTM",
        {"forget": Layer(2.8, 3.2, "σ", r"$f_t$", "遗忘门"), "input": Layer(4.4, 3.2, "σ", r"$i_t$", "输入门"),
         "candidate": Layer(6.0, 3.2, "tanh", r"$g_t$", "候选记忆"), "output": Layer(7.6, 3.2, "σ", r"$o_t$", "输出门")},
        {"forget": Op(2.8, 5.8, "×"), "input": Op(6.0, 4.6, "×"), "add": Op(6.0, 5.8, "+"),
         "squash": Op(9.2, 4.7, "tanh"), "output": Op(9.2, 3.2, "×")},
        [_wire((0.0, 5.8), (2.5, 5.8)), _wire((3.1, 5.8), (5.7, 5.8)),                                  # cell state
         _wire((6.3, 5.8), (10.25, 5.8), arrow=False), _wire((10.55, 5.8), (12.0, 5.8)),                # (h_t hops it)
         _wire((0.0, 1.6), (7.6, 1.6), arrow=False), _wire((1.6, 0.0), (1.6, 1.6), arrow=False),          # [h, x]
         *[_wire((x, 1.6), (x, 2.9)) for x in gates],
         _wire((2.8, 3.5), (2.8, 5.5)), _wire((4.4, 3.5), (4.4, 4.6), (5.7, 4.6)), _wire((6.0, 3.5), (6.0, 4.3)),
         _wire((6.0, 4.9), (6.0, 5.5)), _wire((9.2, 5.8), (9.2, 5.0)), _wire((9.2, 4.4), (9.2, 3.5)),
         _wire((8.0, 3.2), (8.9, 3.2)), _wire((9.5, 3.2), (10.4, 3.2), arrow=False),
         _wire((10.4, 3.2), (10.4, 7.0)), _wire((10.4, 3.2), (10.4, 1.0), (12.0, 1.0))],
        [Terminal(-0.15, 5.8, r"$c_{t-1}$"), Terminal(-0.15, 1.6, H_PREV), Terminal(1.6, -0.4, X_T, "输入"),
         Terminal(12.15, 5.8, r"$c_t$", "记忆单元"), Terminal(12.15, 1.0, r"$h_t$", "隐藏状态"),
         Terminal(10.4, 7.4, r"$h_t$", "输出")],
        [r"$i_t = \sigma(W_{ii}\, x_t + W_{hi}\, h_{t-1} + b_i)$", r"$f_t = \sigma(W_{if}\, x_t + W_{hf}\, h_{t-1} + b_f)$",
         r"$g_t = \tanh(W_{ig}\, x_t + W_{hg}\, h_{t-1} + b_g)$", r"$o_t = \sigma(W_{io}\, x_t + W_{ho}\, h_{t-1} + b_o)$",
         r"$c_t = f_t \odot c_{t-1} + i_t \odot g_t$", r"$h_t = o_t \odot \tanh(c_t)$"])


def _gru() -> Spec:
    return Spec(
        "GRU",
        {"update": Layer(3.4, 3.2, "σ", r"$z_t$", "更新门"), "reset": Layer(5.2, 3.2, "σ", r"$r_t$", "重置门"),
         "recurrent": Layer(7.0, 1.1, "linear", r"$W_{hn}\, h_{t-1} + b_{hn}$"),
         "candidate": Layer(9.4, 2.4, "tanh", r"$n_t$", "候选状态")},
        {"keep": Op(3.4, 5.8, "×"), "one_minus": Op(6.0, 4.8, "1−"), "reset": Op(7.0, 2.4, "×"),
         "new": Op(9.4, 4.8, "×"), "add": Op(9.4, 5.8, "+")},
        [_wire((0.0, 5.8), (3.1, 5.8)), _wire((3.7, 5.8), (9.1, 5.8)), _wire((9.7, 5.8), (12.0, 5.8)),    # h line
         _wire((1.2, 5.8), (1.2, 1.1), (2.05, 1.1), arrow=False), _wire((2.35, 1.1), (5.9, 1.1)),        # to W_hn
         _wire((1.2, 1.8), (5.2, 1.8), arrow=False), _wire((2.2, 0.0), (2.2, 1.8), arrow=False),          # [h, x]
         _wire((3.4, 1.8), (3.4, 2.9)), _wire((5.2, 1.8), (5.2, 2.9)),
         _wire((3.4, 3.5), (3.4, 5.5)), _wire((3.4, 4.8), (5.7, 4.8)), _wire((6.3, 4.8), (9.1, 4.8)),
         _wire((5.2, 3.5), (5.2, 3.9), (7.0, 3.9), (7.0, 2.7)), _wire((7.0, 1.4), (7.0, 2.1)),
         _wire((7.3, 2.4), (8.85, 2.4)), _wire((2.2, 0.55), (9.4, 0.55), (9.4, 2.1)),                    # x to n
         _wire((9.4, 2.7), (9.4, 4.5)), _wire((9.4, 5.1), (9.4, 5.5)), _wire((10.6, 5.8), (10.6, 7.0))],
        [Terminal(-0.15, 5.8, H_PREV), Terminal(2.2, -0.4, X_T, "输入"), Terminal(12.15, 5.8, r"$h_t$", "隐藏状态"),
         Terminal(10.6, 7.4, r"$h_t$", "输出")],
        [r"$r_t = \sigma(W_{ir}\, x_t + W_{hr}\, h_{t-1} + b_r)$", r"$z_t = \sigma(W_{iz}\, x_t + W_{hz}\, h_{t-1} + b_z)$",
         r"$n_t = \tanh(W_{in}\, x_t + b_{in} + r_t \odot (W_{hn}\, h_{t-1} + b_{hn}))$",
         r"$h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$"])


SPECS = {"rnn": _rnn, "lstm": _lstm, "gru": _gru}
TITLES_ZH = {"rnn": "循环神经网络", "lstm": "长短期记忆网络", "gru": "门控循环单元"}


def _after(ax, text_artist, chinese: str, fontsize: float) -> None:
    """Write ``chinese`` just right of ``text_artist`` (mathtext cannot mix in the CJK fallback font)."""
    ax.annotate(chinese, xy=(1.0, 0.5), xycoords=text_artist, xytext=(3, 0), textcoords="offset points",
                ha="left", va="center", fontsize=fontsize)


def _text_scale(ax: plt.Axes) -> float:
    """Font sizes follow the drawing: 1 for an axes of about 5.6 × 3.3 inches, less in a smaller one."""
    width, height = ax.get_position().size * ax.figure.get_size_inches()
    return min(1.3, max(0.45, min(width / 5.6, height / 3.3)))


def _draw(ax: plt.Axes, spec: Spec, chinese: bool) -> None:
    k = _text_scale(ax)
    ax.add_patch(FancyBboxPatch((0.8, 0.4), 10.4, 6.1, boxstyle="round,pad=0.1,rounding_size=0.5",
                                facecolor=CELL_COLOUR, edgecolor="#7a869a", linewidth=1.2, zorder=0))
    for wire in spec.wires:
        xs, ys = zip(*wire.points)
        ax.plot(xs, ys, color=INK, linewidth=1.6, solid_capstyle="round", zorder=1)
        if wire.arrow:
            ax.annotate("", xy=wire.points[-1], xytext=wire.points[-2], zorder=1,
                        arrowprops=dict(arrowstyle="-|>", color=INK, linewidth=1.6, shrinkA=0, shrinkB=0))
    for layer in spec.layers.values():
        linear = layer.symbol == "linear"
        width = 2.2 if linear else 1.1 if layer.symbol == "tanh" else 0.7
        ax.add_patch(FancyBboxPatch((layer.x - width / 2, layer.y - 0.3), width, 0.6, boxstyle="round,pad=0.02",
                                    facecolor=LINEAR_COLOUR if linear else LAYER_COLOUR, edgecolor="#a07c00", zorder=2))
        if linear:                                   # a weighted sum alone: its formula is its name
            ax.text(layer.x, layer.y, layer.label, ha="center", va="center", fontsize=8.5 * k, zorder=3)
            continue
        ax.text(layer.x, layer.y, layer.symbol, ha="center", va="center", fontsize=10 * k, zorder=3)
        label = ax.text(layer.x + 0.15, layer.y - 0.62, layer.label, ha="left", va="center", fontsize=9 * k, zorder=3)
        if chinese and layer.chinese:               # the Chinese name under the symbol
            ax.annotate(layer.chinese, xy=(0.0, 0.0), xycoords=label, xytext=(0, -2), textcoords="offset points",
                        ha="left", va="top", fontsize=7.5 * k)
    for op in spec.ops.values():
        ax.add_patch(Circle((op.x, op.y), RADIUS, facecolor=OP_COLOUR, edgecolor="#a0405a", zorder=2))
        ax.text(op.x, op.y, op.symbol, ha="center", va="center", fontsize=(6.5 if len(op.symbol) > 2 else 11) * k,
                zorder=3)
    for terminal in spec.terminals:
        ha = "right" if terminal.x < 0 else "left" if terminal.x > 12 else "center"
        text = ax.text(terminal.x, terminal.y, terminal.label, ha=ha, va="center", fontsize=10 * k)
        if chinese and terminal.chinese:
            _after(ax, text, terminal.chinese, 8.5 * k)
    ax.set_xlim(-1.4, 14.6)
    ax.set_ylim(-0.9, 7.9)
    ax.set_aspect("equal")
    ax.axis("off")


def draw_cell(name: str, ax: plt.Axes | None = None, equations: bool = False, chinese: bool = True) -> CellDiagram:
    """Draw the ``name`` cell (``'rnn'``, ``'lstm'`` or ``'gru'``) into ``ax``, or into a new figure.

    ``equations=True`` (new figure only) writes the cell's equations, in the notebooks' notation, to its
    right; ``chinese=False`` leaves out the Chinese names. A diagram reads well at about 6 × 3.5 inches;
    in a smaller axes the text shrinks with it (side by side, give each at least 5 inches).
    """
    if not isinstance(name, str) or name.lower() not in CELLS:
        raise ValueError(f"cell name must be one of {CELLS}; got {name!r}")
    if ax is not None and equations:
        raise ValueError("equations=True draws a figure of its own; leave ax=None")
    key = name.lower()
    spec = SPECS[key]()
    if ax is None:
        use_lesson_style()
        if equations:
            fig, (ax, text_ax) = plt.subplots(1, 2, figsize=(11.0, 4.4), gridspec_kw={"width_ratios": [1.3, 1]})
            text_ax.axis("off")
            rows = len(spec.equations)
            for row, line in enumerate(spec.equations):   # spread over the height, one equation in the middle
                y = 0.5 if rows == 1 else 0.85 - row * 0.7 / (rows - 1)
                text_ax.text(0.0, y, line, fontsize=12, va="center", transform=text_ax.transAxes)
        else:
            fig, ax = plt.subplots(figsize=(6.4, 3.6))
        fig.subplots_adjust(left=0.01, right=0.99, top=0.9, bottom=0.02, wspace=0.05)
    k = _text_scale(ax)
    title = ax.set_title(spec.title, fontsize=12 * k)
    if chinese:
        _after(ax, title, TITLES_ZH[key], 11 * k)
    _draw(ax, spec, chinese)
    return CellDiagram(ax.figure, ax, spec.layers, spec.ops)
