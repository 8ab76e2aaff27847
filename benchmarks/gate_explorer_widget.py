"""Time one update of the gate explorer (notebook 03) at its default sizes: compute, and render separately.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/gate_explorer_widget.py

*compute* is what a slider move costs in Python: the LSTM forward pass over the pattern and setting the
new data on the figure's artists (``explorer.refresh()`` without a display). *render* is drawing the
figure and encoding the PNG that the notebook shows (what ``update_display`` sends to the browser).
The goal is compute <= 50 ms per update. Wall-clock medians, plus the process CPU time per update.
"""
from __future__ import annotations

import io

import numpy as np
from _timing import timed

from lessons_lib.hand_wired import write_keep_read_lstm
from lessons_lib.plotting import use_lesson_style
from lessons_lib.widgets import gate_explorer



def main() -> None:
    use_lesson_style()
    for label, explorer in (("default LSTM (I=1, H=3, T=40)", gate_explorer()),
                            ("hand-wired LSTM (I=3, H=1, T=40)", gate_explorer(write_keep_read_lstm()))):
        biases = np.linspace(-4, 4, 9)
        slider = explorer.controls["forget bias"]
        move = lambda k: setattr(slider, "value", float(biases[k % len(biases)]))   # observe -> refresh
        compute_ms, compute_cpu = timed(move)

        def render(_k):
            buffer = io.BytesIO()
            explorer.fig.savefig(buffer, format="png")

        render_ms, render_cpu = timed(render, repeats=15)
        print(f"gate explorer, {label}: compute per update median {compute_ms:.2f} ms "
              f"(CPU {compute_cpu:.2f} ms; goal <= 50 ms) | render PNG median {render_ms:.0f} ms "
              f"(CPU {render_cpu:.0f} ms)")


if __name__ == "__main__":
    main()
