"""The gate explorer (notebook 03): one small LSTM's input, gates, cell and hidden state over time.

Controls: the input pattern, the biases of the input, forget and output gates, and a scale on
every weight matrix. Seven panels share the time axis: x, i, f, g, o, c, h (one line per hidden
unit). What to look for: the forget-gate bias sets how long c keeps a pulse (the title gives the
half-life ln ½ / ln f that the median forget gate f implies), the input-gate bias how much of each
input is written, the output-gate bias how much of the cell shows in h.

Each bias slider sets the gate's *mean* bias over the units; each unit keeps its own offset from
that mean, so the default explorer shows exactly the ``params`` it was given.
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..hand_wired import store_and_recall_inputs
from ..lstm import LSTMParams, lstm_forward
from .._validate import check_int
from ._explorer import Explorer, sticky_limit

STEPS = 40
"""Length of the sequences the explorer runs."""

BIAS_CONTROLS = {"input bias": "input", "forget bias": "forget", "output bias": "output"}
"""Control name -> gate name (``LSTMParams.gate``)."""

PANELS = (("x", "input\nx"), ("input_gate", "input\ngate i"), ("forget_gate", "forget\ngate f"),
          ("candidate", "candidate\ng"), ("output_gate", "output\ngate o"), ("cell", "cell\nc"),
          ("hidden", "hidden\nh"))
"""(trace field or 'x', y-axis label), top to bottom."""


def _signal(steps: int, name: str, rng: np.random.Generator) -> np.ndarray:
    """The one-channel patterns, ``(steps,)``."""
    t = np.arange(steps)
    if name == "pulse at t=5":
        return (t == 5).astype(float)
    if name == "pulses +1 at t=5, -1 at t=20":
        return (t == 5).astype(float) - (t == 20)
    if name == "step up at t=10":
        return (t >= 10).astype(float)
    if name == "sine, period 16":
        return np.sin(2 * np.pi * t / 16)
    if name == "noise N(0, 1)":
        return rng.standard_normal(steps)
    raise ValueError(f"unknown input pattern {name!r}")


ONE_CHANNEL_PATTERNS = ("pulse at t=5", "pulses +1 at t=5, -1 at t=20", "step up at t=10",
                        "sine, period 16", "noise N(0, 1)")
STORE_AND_RECALL = "store 1.5 at t=5, read at t=30 (value, write, read)"
"""Offered when the LSTM has 3 inputs, e.g. :func:`lessons_lib.hand_wired.write_keep_read_lstm`."""


def input_patterns(input_size: int) -> tuple[str, ...]:
    """Names of the patterns available for an LSTM with ``input_size`` inputs."""
    return ONE_CHANNEL_PATTERNS + ((STORE_AND_RECALL,) if input_size == 3 else ())


def make_input(name: str, input_size: int, steps: int = STEPS, seed: int = 0) -> np.ndarray:
    """The input sequence ``(T=steps, B=1, I=input_size)`` of a pattern.

    One-channel patterns drive feature 0 and leave the others at 0; the store-and-recall pattern
    fills the three features (value, write, read) of the hand-wired LSTM.
    """
    if name not in input_patterns(input_size):
        raise ValueError(f"input pattern must be one of {input_patterns(input_size)}; got {name!r}")
    if name == STORE_AND_RECALL:
        return store_and_recall_inputs([1.5], steps=steps, write_at=5, read_at=30, seed=seed)
    xs = np.zeros((steps, 1, input_size))
    xs[:, 0, 0] = _signal(steps, name, np.random.default_rng(seed))
    return xs


def adjusted_params(params: LSTMParams, values: dict) -> LSTMParams:
    """A copy of ``params`` with the controls applied: weights × ``weight scale``, gate mean biases set.

    For each gate g among input, forget, output: ``b_g ← b_g − mean(b_g) + values[f'{g} bias']``.
    The candidate's bias is left as it is.
    """
    scale = values["weight scale"]
    adjusted = LSTMParams(W_ih=params.W_ih * scale, W_hh=params.W_hh * scale, b=params.b.copy())
    for control, gate in BIAS_CONTROLS.items():
        bias = adjusted.gate(gate).b
        bias += values[control] - bias.mean()       # in place: a view into adjusted.b
    return adjusted


def default_params(seed: int = 0) -> LSTMParams:
    """The explorer's default LSTM: ``I = 1``, ``H = 3``; all biases 0.

    ``W_hh`` has torch's initialisation U(−1/√H, 1/√H); ``W_ih`` is drawn 4× wider, U(−4/√H, 4/√H), so
    that a unit pulse visibly opens and closes gates (with torch's scale it would barely move them).
    """
    params = LSTMParams.init(1, 3, seed=seed)
    params.W_ih *= 4.0
    params.b[:] = 0.0
    return params


def gate_explorer(params: LSTMParams | None = None, seed: int = 0, steps: int = STEPS) -> Explorer:
    """An :class:`Explorer` of one LSTM's gates over time.

    ``params``: any :class:`~lessons_lib.lstm.LSTMParams` (default :func:`default_params`);
    ``seed`` seeds the default weights and the noise pattern; ``steps`` is the sequence length.
    ``.controls``: ``'input pattern'`` (Dropdown), ``'input bias'``, ``'forget bias'``,
    ``'output bias'``, ``'weight scale'`` (FloatSliders). ``.fig``: seven panels x, i, f, g, o, c, h
    against time, one line per unit (``H`` lines; for ``x``, one per input feature).
    """
    if params is None:
        params = default_params(seed)
    if not isinstance(params, LSTMParams):
        raise ValueError(f"params must be an LSTMParams (or None); got {type(params).__name__}")
    steps = check_int("steps", steps, minimum=31)   # the patterns use t = 0..30
    params = LSTMParams(params.W_ih.astype(np.float64), params.W_hh.astype(np.float64),
                        params.b.astype(np.float64))
    H, I = params.hidden_size, params.input_size
    slider = lambda description, value, lo, hi: widgets.FloatSlider(
        value=float(value), min=lo, max=hi, step=0.1, description=description, readout_format=".1f")
    patterns = input_patterns(I)
    controls = {"input pattern": widgets.Dropdown(options=patterns,
                                                  value=STORE_AND_RECALL if I == 3 else patterns[0],
                                                  description="input pattern")}
    for control, gate in BIAS_CONTROLS.items():
        mean = float(params.gate(gate).b.mean())
        controls[control] = slider(control, mean, min(-6.0, mean), max(6.0, mean))
    controls["weight scale"] = slider("weight scale", 1.0, 0.0, 5.0)

    # Two columns (x, i, f, g | o, c, h and the legend), so that figure and controls fit a 1366×768 screen.
    fig = Figure(figsize=(9.0, 4.9))
    grid = fig.add_gridspec(4, 2, left=0.115, right=0.99, top=0.9, bottom=0.1, hspace=0.3, wspace=0.24)
    slots = [grid[row, 0] for row in range(4)] + [grid[row, 1] for row in range(3)]
    axes = []
    for slot in slots:
        axes.append(fig.add_subplot(slot))   # (not sharex: shared axes re-measure each other's labels at every draw)
    time = np.arange(steps)
    colours = [f"C{j % 10}" for j in range(max(H, I))]
    lines: dict[str, list] = {}
    for ax, (field, label) in zip(axes, PANELS):
        n = I if field == "x" else H
        lines[field] = [ax.plot(time, np.zeros(steps), color=colours[j], lw=1.4, marker=".", ms=3,
                                label=(f"feature {j + 1}" if field == "x" else f"unit {j + 1}"))[0]
                        for j in range(n)]
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8.5, linespacing=1.0)
        ax.tick_params(labelsize=8)
        ax.set_xlim(-1, steps)
        ax.tick_params(axis="x", labelbottom=ax in (axes[3], axes[6]))
        if field in ("input_gate", "forget_gate", "output_gate"):
            ax.set_ylim(-0.05, 1.05)
            ax.set_yticks([0, 0.5, 1])
        elif field in ("candidate", "hidden"):
            ax.set_ylim(-1.05, 1.05)
            ax.set_yticks([-1, 0, 1])
    axes[3].set_xlabel("time step t", fontsize=9)
    axes[6].set_xlabel("time step t", fontsize=9)
    legend_slot = grid[3, 1].get_position(fig)             # the free fourth row of the right column
    legends = [(lines["input_gate"][:6], [line.get_label() for line in lines["input_gate"][:6]], "units (i, f, g, o, c, h)")]
    if I > 1:
        names = ("value", "write", "read") if I == 3 else [f"feature {j + 1}" for j in range(I)]
        legends.append((lines["x"], list(names), "input x"))
    for k, (handles, names, heading) in enumerate(legends):
        fig.legend(handles, names, title=heading, loc="center", fontsize=8, title_fontsize=8, frameon=False,
                   ncols=1 if len(handles) <= 3 else 2, bbox_to_anchor=(legend_slot.x0 + (k + 0.5) * legend_slot.width / len(legends),
                                                                legend_slot.y0 + 0.2 * legend_slot.height))
    title = fig.suptitle("", fontsize=10)

    def update(values: dict) -> str:
        xs = make_input(values["input pattern"], I, steps, seed)
        adjusted = adjusted_params(params, values)
        _, trace = lstm_forward(xs, np.zeros((1, H)), np.zeros((1, H)), adjusted)
        for field, field_lines in lines.items():
            data = xs[:, 0, :] if field == "x" else getattr(trace, field)[:, 0, :]   # (T, n)
            for j, line in enumerate(field_lines):
                line.set_ydata(data[:, j])
        for ax, data, floor in ((axes[0], xs[:, 0, :], 1.0), (axes[5], trace.cell[:, 0, :], 0.5)):
            top = sticky_limit(max(floor, float(np.abs(data).max())) * 1.1, ax.get_ylim()[1])  # x, c unbounded
            ax.set_ylim(-top, top)
        title.set_text(_title(trace.forget_gate))
        return title.get_text()

    explorer = Explorer(controls, fig, update, title="LSTM gate explorer")
    explorer.params = params
    return explorer


def _title(forget_gate: np.ndarray) -> str:
    """E.g. "median forget gate f = 0.73: at that f the cell halves every 2.2 steps", from ``(T, B, H)``."""
    f = float(np.median(forget_gate))
    if f >= 1.0 - 1e-12:
        return "median forget gate f = 1.00: the cell never forgets (the 1997 carousel)"
    if f <= 1e-12:
        return "median forget gate f = 0.00: the cell is wiped at every step"
    half_life = np.log(0.5) / np.log(f)
    steps = f"{half_life:.1f}" if half_life < 1000 else f"{half_life:.2g}"
    return f"median forget gate f = {f:.2f}: at that f the cell halves every {steps} steps (ln ½ / ln f)"
