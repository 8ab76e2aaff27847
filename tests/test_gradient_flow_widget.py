"""The gradient-flow explorer, headless: set controls, check the plotted curves against independent
computations (torch autograd, ρ^lag, lessons_lib.jacobians.rnn_jacobian_norms) and that artists change in place."""
import ipywidgets as widgets
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from lessons_lib import gradient_flow as flow
from lessons_lib.jacobians import rnn_jacobian_norms
from lessons_lib.rnn import RNNParams
from lessons_lib.widgets import gradient_flow_explorer
from lessons_lib.widgets._explorer import Explorer


def curves(explorer):
    """(x, y) of every line in the norm panel, by label; the thin per-sequence lines as a list."""
    ax = explorer.fig.axes[0]
    lines = ax.get_lines()
    named = {line.get_label(): (np.asarray(line.get_xdata()), np.asarray(line.get_ydata())) for line in lines}
    thin = [(np.asarray(l.get_xdata()), np.asarray(l.get_ydata())) for l in lines if l.get_linewidth() < 1.0]
    return named, thin


def test_is_an_explorer_with_the_required_controls_and_a_figure():
    explorer = gradient_flow_explorer()
    assert isinstance(explorer, Explorer) and isinstance(explorer, widgets.VBox)
    assert isinstance(explorer.fig, Figure)
    assert {"spectral_radius", "input_scale", "sequence_length", "activation", "matrix"} <= set(explorer.controls)
    assert set(explorer.controls["activation"].options) == {("tanh", "tanh"), ("linear (φ' = 1)", "linear"),
                                                            ("relu", "relu")}


def test_zero_input_orthogonal_curves_lie_on_rho_to_the_lag():
    explorer = gradient_flow_explorer(hidden_size=16, batch=3)
    explorer.controls["input_scale"].value = 0.0
    for rho in (0.5, 1.0, 1.5):
        explorer.controls["spectral_radius"].value = rho
        for activation in ("tanh", "linear"):  # h stays 0: tanh'(0) = 1, same as linear
            explorer.controls["activation"].value = activation
            named, thin = curves(explorer)
            lags = np.arange(1, 61)
            for x, y in thin + [named["median"]]:
                np.testing.assert_array_equal(x, lags)
                np.testing.assert_allclose(y, rho ** lags, rtol=1e-9)
            np.testing.assert_allclose(named["ρ^lag"][1], rho ** lags, rtol=1e-12)
            np.testing.assert_allclose(named["bound σ_max^lag"][1], rho ** lags, rtol=1e-9)  # normal: σ_max = ρ


def test_tanh_curves_equal_an_independent_computation_after_control_changes():
    explorer = gradient_flow_explorer(hidden_size=12, batch=4, seed=3)
    before = curves(explorer)[1][0][1].copy()
    controls = explorer.controls
    controls["spectral_radius"].value = 1.3
    controls["input_scale"].value = 0.7
    controls["sequence_length"].value = 25
    controls["matrix"].value = "gaussian"
    _, thin = curves(explorer)
    assert thin[0][1].shape == (25,) and not np.allclose(thin[0][1], before[:25])
    # independent: the same matrix and drive, through lessons_lib.rnn (W_xh = I, b = 0, h0 = 0)
    W = flow.recurrent_matrix(12, 1.0, "gaussian", seed=3) * 1.3
    drive = 0.7 * flow.input_drive(200, 4, 12, 1.0, seed=4)[:25]
    params = RNNParams(W_xh=np.eye(12), W_hh=W, b=np.zeros(12))
    expected = rnn_jacobian_norms(drive, np.zeros((4, 12)), params).hidden[::-1]  # by lag
    for b, (x, y) in enumerate(thin):
        np.testing.assert_array_equal(x, np.arange(1, 26))
        np.testing.assert_allclose(y, expected[:, b], rtol=1e-9)
    assert curves(explorer)[0]["bound σ_max^lag"][1][0] == pytest.approx(np.linalg.norm(W, 2), rel=1e-12)


def test_relu_curves_equal_torch_autograd():
    explorer = gradient_flow_explorer(hidden_size=6, batch=2, seed=0)
    explorer.controls["sequence_length"].value = 8
    explorer.controls["spectral_radius"].value = 1.2
    explorer.controls["activation"].value = "relu"
    _, thin = curves(explorer)
    W = torch.tensor(explorer.latest["W_hh"])
    drive = torch.tensor(explorer.latest["drive"])
    np.testing.assert_allclose(W.numpy(), 1.2 * flow.recurrent_matrix(6, 1.0, "orthogonal", 0), rtol=1e-12)
    T = 8
    states = [torch.zeros(2, 6, dtype=torch.float64)]
    for t in range(T):
        states.append(torch.relu(drive[t] + states[-1] @ W.T))
    for lag in range(1, T + 1):
        t = T - lag
        def last(h, t=t):
            for s in range(t, T):
                h = torch.relu(drive[s] + h @ W.T)
            return h
        jac = torch.autograd.functional.jacobian(last, states[t])
        for b in range(2):
            norm = torch.linalg.matrix_norm(jac[b, :, b, :], ord=2).item()
            assert thin[b][1][lag - 1] == pytest.approx(max(norm, 1e-30), rel=1e-9)


def test_histogram_shows_the_derivative_distribution():
    explorer = gradient_flow_explorer(hidden_size=8, batch=2)
    bars = explorer.fig.axes[1].patches
    explorer.controls["activation"].value = "linear"
    heights = np.array([bar.get_height() for bar in bars])
    assert heights[-1] == pytest.approx(1.0) and heights[:-1].sum() == 0  # φ' = 1 everywhere
    explorer.controls["activation"].value = "tanh"
    explorer.controls["input_scale"].value = 3.0
    heights = np.array([bar.get_height() for bar in bars])
    assert heights.sum() == pytest.approx(1.0)
    assert heights[0] > 0.3  # strong input: many units saturated, 1 − h² < 0.05
    expected = np.histogram(explorer.latest["derivatives"], bins=np.linspace(0, 1, 21))[0] / explorer.latest["derivatives"].size
    np.testing.assert_allclose(heights, expected)
    np.testing.assert_allclose(explorer.latest["derivatives"], 1 - explorer.latest["states"] ** 2, rtol=1e-12)


def test_artists_are_updated_in_place():
    explorer = gradient_flow_explorer()
    ax = explorer.fig.axes[0]
    lines_before, patches_before = list(ax.get_lines()), list(explorer.fig.axes[1].patches)
    explorer.controls["spectral_radius"].value = 1.4
    explorer.controls["sequence_length"].value = 100
    assert list(ax.get_lines()) == lines_before and list(explorer.fig.axes[1].patches) == patches_before
    assert ax.get_xlim()[0] == 0 and 101 <= ax.get_xlim()[1] <= 101 / 0.4   # every lag shown, the axis not too wide
    assert "at lag 100" in ax.get_title()


def test_relu_zero_input_is_drawn_at_the_floor_and_said_so():
    explorer = gradient_flow_explorer(hidden_size=8, batch=2)
    explorer.controls["input_scale"].value = 0.0
    explorer.controls["activation"].value = "relu"
    named, _ = curves(explorer)
    assert np.all(named["median"][1] == 1e-30)
    assert "0 drawn at 1e-30" in explorer.fig.axes[0].get_title()


@pytest.mark.parametrize("kwargs,pattern", [({"hidden_size": 0}, "hidden_size"), ({"batch": 100}, "batch")])
def test_bad_sizes_raise(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        gradient_flow_explorer(**kwargs)
