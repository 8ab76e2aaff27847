"""The posteriorgram explorer (notebook 08), driven headlessly: controls change the image and the curves,
and the curves are the model's output probabilities, recomputed here independently."""
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from lessons_lib.speech.features import FeatureConfig, utterance_features
from lessons_lib.speech.models import FrameClassifier, RecurrentRecognizer
from lessons_lib.speech.utterances import Utterance
from lessons_lib.widgets import speech_explorer


def fake_utterance(seed, digits, seconds):
    rng = np.random.default_rng(seed)
    samples = (0.1 * rng.standard_normal(int(8000 * seconds))).astype(np.float32)
    return Utterance(samples, tuple(digits), f"speaker{seed}", ((0, len(samples)),))


@pytest.fixture(scope="module")
def explorer():
    torch.manual_seed(0)
    size = FeatureConfig().size
    models = {"mlp": FrameClassifier(size, 16), "bilstm": RecurrentRecognizer(size, 8, 1)}
    sets = {"a": [fake_utterance(0, [1, 2], 0.6), fake_utterance(1, [3], 0.9)],
            "b": [fake_utterance(2, [4, 4, 5], 1.2), fake_utterance(3, [6], 0.5)]}
    return speech_explorer(models, sets), models, sets


def expected_probabilities(model, utterance):
    features = torch.from_numpy(utterance_features(utterance.samples))[:, None]   # (T', 1, F)
    with torch.no_grad():
        return torch.exp(model.eval()(features)).numpy()[:, 0]                   # (T', 11)


def plotted(explorer):
    return np.stack([line.get_ydata() for line in explorer.fig.axes[1].get_lines()], axis=1)


def test_controls_figure_and_readout(explorer):
    ex, models, sets = explorer
    assert set(ex.controls) == {"utterances", "number", "model"} and isinstance(ex.fig, Figure)
    assert ex.controls["number"].max == 1 and ex.controls["model"].value == "bilstm"
    np.testing.assert_allclose(plotted(ex), expected_probabilities(models["bilstm"], sets["a"][0]), rtol=1e-5, atol=1e-6)
    assert "reference 12" in ex.readout.value and "digit error" in ex.readout.value


def test_every_control_changes_the_figure(explorer):
    ex, models, sets = explorer
    ex.controls["number"].value = 1
    np.testing.assert_allclose(plotted(ex), expected_probabilities(models["bilstm"], sets["a"][1]), rtol=1e-5, atol=1e-6)
    ex.controls["utterances"].value = "b"
    ex.controls["model"].value = "mlp"
    np.testing.assert_allclose(plotted(ex), expected_probabilities(models["mlp"], sets["b"][1]), rtol=1e-5, atol=1e-6)
    image = ex.fig.axes[0].images[0]
    assert image.get_array().shape[1] == 1 + len(sets["b"][1].samples) // 80          # one column per log-mel frame
    fraction, shown = image.get_extent()[1], ex.fig.axes[1].get_xlim()[1]     # the image spans a fraction of the time axis
    assert fraction * shown == pytest.approx(image.get_array().shape[1] * 80 / 8000)   # its duration in seconds
    assert 0.4 <= fraction <= 1, "the time axis holds the whole utterance, which fills 40% of it or more"
    assert "speaker3" in ex.readout.value and "reference 6" in ex.readout.value
    ex.controls["number"].value, ex.controls["utterances"].value = 0, "a"


def test_bad_input():
    with pytest.raises(ValueError, match="models"):
        speech_explorer({}, {"a": [fake_utterance(0, [1], 0.5)]})
    with pytest.raises(ValueError, match="utterances"):
        speech_explorer({"mlp": FrameClassifier(120, 4)}, {"a": []})
