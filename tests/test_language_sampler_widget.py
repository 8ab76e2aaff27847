"""The sampling explorer, driven headlessly: its text is the sampler's, its bars are the model's distribution."""
import warnings

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from lessons_lib.language import CharLM, NGramModel, Vocabulary, generate, temperature_probabilities
from lessons_lib.plotting import use_lesson_style
from lessons_lib.widgets import sampling_explorer
from lessons_lib.widgets._text_block import TextBlock

ENGLISH = "to be or not to be, that is the question.\nwhether 'tis nobler in the mind to suffer\n" * 4
POEMS = "白日依山尽，黄河入海流。欲穷千里目，更上一层楼。\n床前明月光，疑是地上霜。举头望明月，低头思故乡。\n"


def filled_bars(ex):
    """The bars of the distribution sampled from (after the 15 hollow ones drawn before top-k)."""
    return [patch for patch in ex.fig.axes[0].patches if isinstance(patch, Rectangle)][15:]


@pytest.fixture(scope="module")
def explorer():
    use_lesson_style()
    english = Vocabulary.from_text(ENGLISH, unknown=None)
    chinese = Vocabulary.from_text(POEMS)
    torch.manual_seed(0)
    models = {"English": {"n-gram": (NGramModel.fit(english.encode(ENGLISH), 4, len(english)), english),
                          "LSTM": (CharLM(len(english), 8, 16), english)},
              "唐诗": {"n-gram": (NGramModel.fit(chinese.encode(POEMS), 3, len(chinese)), chinese)}}
    return sampling_explorer(models, prompts={"English": ["to be", "to b", "ZZZ"], "唐诗": ["白日"]}, length=60), models


def test_controls_and_figure(explorer):
    ex, _ = explorer
    assert isinstance(ex, widgets.VBox) and isinstance(ex.fig, Figure)
    assert {"corpus", "model", "temperature", "top-k", "prompt", "seed", "length"} <= set(ex.controls)
    assert "run the cell for live controls" in repr(ex)
    assert all(isinstance(c, (widgets.Dropdown, widgets.IntSlider, widgets.FloatSlider)) for c in ex.controls.values())
    assert "most likely next" in ex.readout.value


def test_text_is_the_samplers_and_depends_on_the_seed(explorer):
    ex, models = explorer
    model, vocabulary = models["English"]["n-gram"]
    ex.controls["model"].value = "n-gram"
    ex.controls["seed"].value = 3
    assert ex.latest["text"] == generate(model, vocabulary, "to be", 60, 0.8, None, 3)
    assert ex.latest["text"][:20] in ex.fig.axes[1].patches[0].get_text()
    first = ex.latest["text"]
    ex.controls["seed"].value = 4
    assert ex.latest["text"] != first


def test_bars_show_temperature_and_top_k(explorer):
    ex, models = explorer
    model, vocabulary = models["English"]["LSTM"]
    ex.controls["model"].value = "LSTM"
    ex.controls["prompt"].value = "to b"
    ex.controls["temperature"].value = 0.5
    ex.controls["top-k"].value = 3
    logits = model.next_logits(model.start(vocabulary.encode("to b")[None]))[0]
    np.testing.assert_allclose(ex.latest["probabilities"], temperature_probabilities(logits, 0.5, 3))
    labels = [patch.get_text() for patch in ex.fig.axes[0].patches if isinstance(patch, TextBlock)]
    assert labels == [{"\n": "\\n", " ": "' '"}.get(c, c) for c in (vocabulary.characters[p] for p in ex.latest["order"])]
    heights = [bar.get_height() for bar in filled_bars(ex)]       # the filled bars
    assert sum(h > 0 for h in heights) == 3 and sum(heights) == pytest.approx(1.0)
    assert max(heights) <= ex.fig.axes[0].get_ylim()[1], "renormalised bars stay inside the axes"
    ex.controls["top-k"].value = 0
    ex.controls["temperature"].value = 0.0                                     # greedy: one bar at 1
    assert max(bar.get_height() for bar in filled_bars(ex)) == 1.0
    ex.controls["temperature"].value = 0.8


def test_switching_corpus_switches_models_and_prompt_and_draws_chinese(explorer):
    ex, models = explorer
    with warnings.catch_warnings():
        warnings.simplefilter("error")                                         # no missing-glyph warning
        ex.controls["corpus"].value = "唐诗"
        ex.fig.canvas.draw()
    assert list(ex.controls["model"].options) == ["n-gram"] and ex.controls["prompt"].value == "白日"
    assert ex.latest["text"].startswith("白日")
    ex.controls["corpus"].value = "English"
    assert ex.controls["prompt"].value == "to be" and list(ex.controls["prompt"].options) == ["to be", "to b", "ZZZ"]


def test_a_prompt_outside_the_vocabulary_is_explained_not_raised(explorer):
    ex, _ = explorer
    ex.controls["corpus"].value = "English"
    ex.controls["prompt"].value = "ZZZ"
    assert ex.latest["text"] is None and "not in the vocabulary" in ex.fig.axes[1].patches[0].get_text()
    assert "not in the vocabulary" in ex.readout.value
    ex.controls["prompt"].value = "to be"
    assert ex.latest["text"].startswith("to be")


def test_bad_models_argument():
    with pytest.raises(ValueError, match="models must map each corpus name"):
        sampling_explorer({})


def test_course_explorer_samples_from_the_checkpoints():
    from lessons_lib.widgets.sampler import course_sampling_explorer
    ex = course_sampling_explorer()
    assert list(ex.controls["model"].options)[0] == "LSTM" and "n-gram (order" in list(ex.controls["model"].options)[1]
    assert ex.latest["text"].startswith("Now is the w") and "LSTM, τ = 0.8" in ex.readout.value
    ex.controls["corpus"].value = "唐诗 Tang quatrains"
    assert ex.latest["text"].startswith("明月")


def test_a_sample_longer_than_the_panel_says_how_much_is_not_shown(explorer):
    from lessons_lib.widgets.sampler import _fit, _wrap
    assert _fit("a\nb\nc", 3) == "a\nb\nc"
    assert _fit("a\nb\nc\nd", 3).split("\n")[:2] == ["a", "b"] and "and 2 more lines" in _fit("a\nb\nc\nd", 3)
    ex, _ = explorer
    block = ex.fig.axes[1].patches[0]
    ex.controls["corpus"].value = "English"
    ex.controls["length"].value = 600                                          # about 13 lines of this text, wrapped
    shown = block.get_text().split("\n")
    assert len(shown) <= block.lines_that_fit() and len(ex.latest["text"]) == len("to be") + 600
    wrapped, fit = _wrap(ex.latest["text"], 72).split("\n"), block.lines_that_fit()
    if len(wrapped) > fit:
        assert shown[:-1] == wrapped[:fit - 1] and shown[-1].startswith(f"… and {len(wrapped) - fit + 1} more lines")
    else:
        assert shown == wrapped
    ex.controls["length"].value = 60


def test_the_first_view_of_every_corpus_is_laid_out_in_advance(explorer):
    _, models = explorer
    model, vocabulary = models["唐诗"]["n-gram"]
    from lessons_lib.widgets._text_block import _GLYPHS
    _GLYPHS.clear()                                                   # no outline from earlier tests
    fresh = sampling_explorer(models, prompts={"English": ["to be"], "唐诗": ["白日"]}, length=60)
    first_poem = generate(model, vocabulary, "白日", 60, 0.8, None, 0)
    assert set(first_poem) - {"\n"} <= set(fresh.fig.axes[1].patches[0]._glyphs)
    fresh.controls["corpus"].value = "唐诗"
    assert fresh.latest["text"] == first_poem


def test_chinese_is_drawn_without_the_lesson_style():
    """The explorer brings its CJK font itself: no missing-glyph boxes where use_lesson_style() was never called."""
    import subprocess
    import sys
    code = ("import warnings; warnings.simplefilter('error'); import matplotlib; matplotlib.use('agg'); "
            "from matplotlib.backends.backend_agg import FigureCanvasAgg; "
            "from lessons_lib.language import NGramModel, Vocabulary; from lessons_lib.widgets import sampling_explorer; "
            f"text = {POEMS!r}; v = Vocabulary.from_text(text); "
            "ex = sampling_explorer({'poems': {'n-gram': (NGramModel.fit(v.encode(text), 3, len(v)), v)}}, "
            "prompts={'poems': ['白日']}, length=40); FigureCanvasAgg(ex.fig).draw(); print('drawn')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "drawn", result.stderr[-2000:]
