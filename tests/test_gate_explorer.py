"""The gate explorer, driven headlessly: controls change the plotted curves, and the curves are the LSTM's.

Every expected value is recomputed here from ``lstm_forward`` with the parameters changed by hand,
independently of the explorer's own ``adjusted_params``.
"""
import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.figure import Figure

from lessons_lib.hand_wired import write_keep_read_lstm
from lessons_lib.lstm import LSTMParams, lstm_forward
from lessons_lib.widgets import gate_explorer
from lessons_lib.widgets.gate_explorer import PANELS, STORE_AND_RECALL, default_params

FIELDS = [field for field, _ in PANELS]


def plotted(explorer) -> dict[str, np.ndarray]:
    """The y-data of every panel, ``(T, lines)``, by field name (x, input_gate, ..., hidden)."""
    axes = explorer.fig.axes
    return {field: np.stack([line.get_ydata() for line in ax.get_lines()], axis=1)
            for field, ax in zip(FIELDS, axes)}


def expected_trace(params: LSTMParams, xs, biases=None, scale=1.0):
    """lstm_forward with gate biases set by hand (mean of the gate's bias = value) and weights scaled."""
    H = params.hidden_size
    W_ih, W_hh, b = params.W_ih * scale, params.W_hh * scale, params.b.copy()
    for block, value in (biases or {}).items():   # block index: 0 input, 1 forget, 3 output
        rows = slice(block * H, (block + 1) * H)
        b[rows] = b[rows] - b[rows].mean() + value
    _, trace = lstm_forward(xs, np.zeros((1, H)), np.zeros((1, H)), LSTMParams(W_ih, W_hh, b))
    return trace


def test_controls_and_figure():
    explorer = gate_explorer()
    assert isinstance(explorer, widgets.VBox) and isinstance(explorer.fig, Figure)
    assert {"input pattern", "input bias", "forget bias", "output bias", "weight scale"} <= set(explorer.controls)
    assert len(explorer.fig.axes) == 7
    assert [ax.get_ylabel() for ax in explorer.fig.axes] == [label for _, label in PANELS]


def test_default_view_is_the_lstm_on_a_pulse():
    explorer = gate_explorer(seed=3)
    xs = np.zeros((40, 1, 1))
    xs[5, 0, 0] = 1.0
    trace = expected_trace(default_params(3), xs)
    data = plotted(explorer)
    np.testing.assert_array_equal(data["x"][:, 0], xs[:, 0, 0])
    for field in FIELDS[1:]:
        np.testing.assert_allclose(data[field], getattr(trace, field)[:, 0, :], atol=1e-12, err_msg=field)


@pytest.mark.parametrize("control,block,value", [("forget bias", 1, 3.0), ("input bias", 0, -2.0),
                                                 ("output bias", 3, 1.5)])
def test_bias_sliders_set_the_gate_bias(control, block, value):
    explorer = gate_explorer()
    before = plotted(explorer)
    explorer.controls[control].value = value
    after = plotted(explorer)
    trace = expected_trace(explorer.params, np.eye(40)[:, 5, None, None], biases={block: value})
    for field in FIELDS[1:]:
        np.testing.assert_allclose(after[field], getattr(trace, field)[:, 0, :], atol=1e-12, err_msg=field)
    gate = FIELDS[1 + block]
    assert not np.allclose(before[gate], after[gate]), f"{control} did not change the {gate} curve"


def test_forget_bias_lengthens_memory():
    """After the pulse, the cell keeps more of it with a larger forget bias (f = σ(b_f) when the input is 0)."""
    explorer = gate_explorer()
    kept = {}
    for b_f in (0.0, 4.0):
        explorer.controls["forget bias"].value = b_f
        cell = plotted(explorer)["cell"]
        kept[b_f] = np.abs(cell[25]).max() / np.abs(cell[6]).max()
    assert kept[4.0] > 10 * kept[0.0], kept
    assert "halves every" in explorer.fig._suptitle.get_text()


def test_weight_scale_and_pattern():
    explorer = gate_explorer()
    explorer.controls["weight scale"].value = 2.5
    explorer.controls["input pattern"].value = "sine, period 16"
    xs = np.sin(2 * np.pi * np.arange(40) / 16)[:, None, None]
    trace = expected_trace(explorer.params, xs, scale=2.5)
    data = plotted(explorer)
    np.testing.assert_allclose(data["x"][:, 0], xs[:, 0, 0])
    np.testing.assert_allclose(data["hidden"], trace.hidden[:, 0, :], atol=1e-12)
    explorer.controls["weight scale"].value = 0.0     # no weights: gates are σ(bias) = ½ at every step
    np.testing.assert_allclose(plotted(explorer)["forget_gate"], 0.5)


def test_hand_wired_lstm_in_the_explorer_stores_and_recalls():
    explorer = gate_explorer(write_keep_read_lstm())
    assert explorer.controls["input pattern"].value == STORE_AND_RECALL
    assert explorer.controls["forget bias"].value == pytest.approx(10.0)   # the wiring's own bias
    data = plotted(explorer)
    assert data["x"].shape == (40, 3)
    h = data["hidden"][:, 0]
    assert abs(h[30] - np.tanh(np.tanh(1.5))) < 0.01          # read at t=30 emits the value stored at t=5
    assert np.abs(np.delete(h, 30)).max() < 1e-3               # silent otherwise
    explorer.controls["forget bias"].value = 0.0               # f = σ(0 − 10·write) ≈ ½: the cell forgets
    assert abs(plotted(explorer)["hidden"][30, 0]) < 1e-4


def test_bad_arguments():
    with pytest.raises(ValueError, match="params must be an LSTMParams.*got dict"):
        gate_explorer({"W_ih": 1})
    with pytest.raises(ValueError, match="steps must be an integer >= 31.*got 10"):
        gate_explorer(steps=10)


def test_readers_without_a_kernel_get_a_sentence_not_a_widget_repr():
    """The text/plain fallback of the widget view tells what to do instead of dumping the widget tree."""
    text = gate_explorer()._repr_mimebundle_()["text/plain"]
    assert text.startswith("LSTM gate explorer") and "run the cell" in text and "children" not in text
