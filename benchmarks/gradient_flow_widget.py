"""Time one update of the gradient-flow explorer (notebook 02): compute, and render separately.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/gradient_flow_widget.py

*compute* is what one control change costs in Python with no display attached: run the recurrence,
form the Jacobian products and their SVDs, and set the new data on the figure's artists (the
``observe`` callback, ``explorer.refresh()``). *render* is drawing the figure and encoding the PNG
that the notebook shows (what ``update_display`` sends to the browser). The goal is compute <= 50 ms
per update at the default sizes (H=32, B=8, T=60). Wall-clock medians, plus mean CPU time per update.
"""
from __future__ import annotations

import io

import numpy as np
from _timing import timed

from lessons_lib.plotting import use_lesson_style
from lessons_lib.widgets import gradient_flow_explorer

GOAL_MS = 50.0


def slider_moves(explorer, name: str, values) -> callable:
    """An action that sets control ``name`` to the next of ``values`` (consecutive values differ, so it fires)."""
    control = explorer.controls[name]
    return lambda k: setattr(control, "value", values[(k + 1) % len(values)])


def main() -> None:
    use_lesson_style()
    explorer = gradient_flow_explorer()
    radii = [float(r) for r in np.round(np.linspace(0.5, 1.5, 11), 2)]
    cases = [
        ("spectral radius moves, default T=60, tanh", "spectral_radius", radii),
        ("input scale moves, default T=60, tanh", "input_scale", [0.0, 0.5, 1.0, 2.0]),
        ("activation changes, default T=60", "activation", ["tanh", "linear", "relu"]),
    ]
    for label, name, values in cases:
        compute_ms, compute_cpu = timed(slider_moves(explorer, name, values))
        verdict = "within" if compute_ms <= GOAL_MS else "OVER"
        print(f"gradient-flow explorer (H=32, B=8), {label}: compute per update median {compute_ms:.2f} ms "
              f"(CPU {compute_cpu:.2f} ms) -> {verdict} the {GOAL_MS:.0f} ms goal")
    explorer.controls["activation"].value = "tanh"

    def render(_k):
        buffer = io.BytesIO()
        explorer.fig.savefig(buffer, format="png")

    render_ms, render_cpu = timed(render, repeats=15)
    print(f"gradient-flow explorer: render PNG median {render_ms:.0f} ms (CPU {render_cpu:.0f} ms), default sizes")

    explorer.controls["sequence_length"].value = 200
    compute_ms, compute_cpu = timed(slider_moves(explorer, "spectral_radius", radii), repeats=20)
    print(f"gradient-flow explorer, longest sequence T=200 (not the goal's size): compute per update median "
          f"{compute_ms:.2f} ms (CPU {compute_cpu:.2f} ms)")


if __name__ == "__main__":
    main()
