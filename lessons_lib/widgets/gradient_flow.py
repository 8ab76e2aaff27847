"""The gradient-flow explorer (notebook 02): how ‖∂h_T/∂h_t‖ shrinks or grows with the lag T − t.

Controls (``explorer.controls[name]``):

- ``spectral_radius``  ρ of W_hh (largest |eigenvalue|)
- ``input_scale``      standard deviation of the input drive u_t = x_t W_xhᵀ (0: no input, h stays 0)
- ``sequence_length``  T
- ``activation``       ``"tanh"`` (φ' = 1 − h² ≤ 1: saturation shrinks the gradient),
                       ``"linear"`` (φ' = 1: only W_hh matters, the norm follows ρ^lag or the bound),
                       ``"relu"`` (φ' ∈ {0, 1}: units that are off block the gradient completely)
- ``matrix``           ``"orthogonal"`` (ρ·Q, normal: σ_max = ρ) or ``"gaussian"`` (non-normal: σ_max ≈ 2ρ)

Left panel: ‖∂h_T/∂h_t‖₂ against the lag for ``batch`` random sequences (thin lines) and their
median (thick), with ρ^lag (dashed) and Pascanu et al.'s (2013) bound σ_max^lag (dotted). Right
panel: the distribution of φ'(a_t) over every step, unit and sequence. The computation is
:mod:`lessons_lib.gradient_flow`; the latest arrays are kept in ``explorer.latest`` (a dict).
"""
from __future__ import annotations

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from .. import gradient_flow as flow
from .._validate import check_int
from ..jacobians import jacobian_norms
from ._explorer import Explorer, sticky_limit, sticky_log_limits

MAX_LENGTH = 200
FLOOR = 1e-30  # exact zeros (relu) are drawn here on the log axis
DERIVATIVE_BINS = np.linspace(0.0, 1.0, 21)


def gradient_flow_explorer(hidden_size: int = 32, batch: int = 8, seed: int = 0) -> Explorer:
    """An :class:`Explorer` of ‖∂h_T/∂h_t‖ against the lag; see the module docstring for the controls.

    ``hidden_size`` H and ``batch`` B (the number of random sequences drawn) are fixed per explorer;
    the matrices and the input noise are drawn once from ``seed`` and rescaled by the sliders, so
    moving a slider changes one thing only.
    """
    hidden_size, batch = check_int("hidden_size", hidden_size), check_int("batch", batch)
    if hidden_size > 256 or batch > 64:
        raise ValueError(f"hidden_size must be at most 256 and batch at most 64; got hidden_size={hidden_size}, "
                         f"batch={batch}")
    unit_matrices = {kind: flow.recurrent_matrix(hidden_size, 1.0, kind, seed) for kind in flow.MATRIX_KINDS}
    unit_noise = flow.input_drive(MAX_LENGTH, batch, hidden_size, 1.0, seed + 1)  # (T_max, B, H)

    controls = {
        "spectral_radius": widgets.FloatSlider(value=0.9, min=0.1, max=2.0, step=0.05, description="spectral radius ρ"),
        "input_scale": widgets.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.1, description="input scale"),
        "sequence_length": widgets.IntSlider(value=60, min=2, max=MAX_LENGTH, step=1, description="sequence length T"),
        "activation": widgets.Dropdown(options=[("tanh", "tanh"), ("linear (φ' = 1)", "linear"), ("relu", "relu")],
                                       value="tanh", description="activation φ"),
        "matrix": widgets.Dropdown(options=[("orthogonal × ρ (σ_max = ρ)", "orthogonal"),
                                            ("Gaussian × ρ (σ_max ≈ 2ρ)", "gaussian")],
                                   value="orthogonal", description="W_hh"),
    }

    # Fixed margins (no layout engine: it would re-measure every label at every redraw); the legend sits
    # above the curves, so it never hides one of them.
    fig = Figure(figsize=(9.0, 3.4))
    norm_ax, hist_ax = fig.subplots(1, 2, width_ratios=[2.0, 1.0])
    fig.subplots_adjust(left=0.09, right=0.98, bottom=0.15, top=0.80, wspace=0.22)
    sequence_lines = [norm_ax.plot([], [], color="tab:blue", lw=0.8, alpha=0.35)[0] for _ in range(batch)]
    sequence_lines[0].set_label(f"{batch} random sequences")
    (median_line,) = norm_ax.plot([], [], color="tab:blue", lw=2.2, label="median")
    (radius_line,) = norm_ax.plot([], [], "k--", lw=1.2, label="ρ^lag")
    (bound_line,) = norm_ax.plot([], [], ":", color="tab:red", lw=1.6, label="bound σ_max^lag")
    norm_ax.set_yscale("log")
    norm_ax.set_xlabel("lag T − t (steps back in time)")
    norm_ax.set_ylabel("‖∂h_T/∂h_t‖₂")
    norm_ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4, fontsize=8, frameon=False,
                   handlelength=1.6, columnspacing=1.0, borderaxespad=0.2)
    widths = np.diff(DERIVATIVE_BINS)
    bars = hist_ax.bar(DERIVATIVE_BINS[:-1], np.zeros_like(widths), width=widths, align="edge",
                       color="tab:orange", edgecolor="white")
    hist_ax.set_xlim(0, 1)
    hist_ax.set_ylim(0, 1)
    derivative_labels = {"tanh": "φ'(a_t) = 1 − h_t²", "linear": "φ'(a_t) = 1", "relu": "φ'(a_t) ∈ {0, 1}"}
    hist_ax.set_xlabel("φ'(a_t), the slope of the activation")   # the formula is in the title: the axes stays put
    hist_ax.set_ylabel("fraction of all (t, b, unit)")
    latest: dict = {}

    def update(values: dict) -> str:
        rho, T = values["spectral_radius"], values["sequence_length"]
        W_hh = rho * unit_matrices[values["matrix"]]
        drive = values["input_scale"] * unit_noise[:T]
        run = flow.run_recurrence(W_hh, drive, values["activation"])
        norms = jacobian_norms(W_hh, run.derivatives)  # (T, B), row t = lag T − t
        lags = np.arange(1, T + 1)
        by_lag = norms[::-1]  # row k: lag k + 1
        reference, bound = rho ** lags.astype(float), flow.singular_value_bound(W_hh, lags)
        for b, line in enumerate(sequence_lines):
            line.set_data(lags, np.maximum(by_lag[:, b], FLOOR))
        median = np.median(by_lag, axis=1)
        median_line.set_data(lags, np.maximum(median, FLOOR))
        radius_line.set_data(lags, reference)
        bound_line.set_data(lags, bound)
        shown = np.concatenate([np.maximum(by_lag.ravel(), FLOOR), reference, bound])
        norm_ax.set_xlim(0, sticky_limit(T + 1, norm_ax.get_xlim()[1]))
        norm_ax.set_ylim(*sticky_log_limits(shown.min(), shown.max(), norm_ax.get_ylim()))
        zeros = "  (0 drawn at 1e-30)" if np.any(by_lag == 0) else ""
        norm_title = f"median ‖∂h_T/∂h_0‖ = {median[-1]:.2g} at lag {T}{zeros}"
        norm_ax.set_title(norm_title, fontsize=10, pad=16)
        counts, _ = np.histogram(run.derivatives, bins=DERIVATIVE_BINS)
        for bar, fraction in zip(bars, counts / run.derivatives.size):
            bar.set_height(fraction)
        hist_title = f"{derivative_labels[values['activation']]}, mean {run.derivatives.mean():.2f}"
        hist_ax.set_title(hist_title, fontsize=10, pad=16)
        latest.update(lags=lags, norms=norms, median=median, reference=reference, bound=bound, W_hh=W_hh,
                      drive=drive, states=run.states, derivatives=run.derivatives,
                      derivative_fractions=counts / run.derivatives.size)
        return f"{norm_title}; {hist_title}"

    explorer = Explorer(controls, fig, update, title="Gradient flow through time: ‖∂h_T/∂h_t‖ against the lag")
    explorer.latest = latest
    return explorer
