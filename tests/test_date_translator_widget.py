"""The date translator widget, driven headlessly: typing changes the attention map in place; bad input shows a message."""
import warnings

import ipywidgets as widgets
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lessons_lib.plotting import use_lesson_style
from lessons_lib.translation.date_task import DATE_RECIPE, translate_date
from lessons_lib.translation.seq2seq import Seq2Seq
from lessons_lib.widgets import date_translator
from lessons_lib.widgets.date_translator import date_translator_from_checkpoints, example_dates


def models():
    torch.manual_seed(0)
    return {"additive": Seq2Seq(DATE_RECIPE.config("additive")).eval(),
            "dot": Seq2Seq(DATE_RECIPE.config("dot")).eval()}


def shown(explorer):
    ax = explorer.fig.axes[0]
    image = ax.get_images()[0]
    return (np.asarray(image.get_array()), [t.get_text() for t in ax.get_xticklabels()],
            [t.get_text() for t in ax.get_yticklabels()], ax.get_title())


def test_controls_and_initial_figure():
    explorer = date_translator(models())
    assert isinstance(explorer, widgets.VBox) and isinstance(explorer.fig, Figure)
    assert set(explorer.controls) == {"date", "example", "model"}
    weights, xlabels, ylabels, title = shown(explorer)
    expected = translate_date(models()["additive"], "Sunday, 29 November 2026")
    assert np.allclose(weights, expected.weights)
    assert xlabels == ["␣" if c == " " else c for c in "sunday, 29 november 2026"]
    assert ylabels == list(expected.steps) and len(expected.steps) == expected.weights.shape[0]
    assert expected.output in title and explorer.message == ""


def test_typing_a_date_updates_the_same_figure_in_place():
    ms = models()
    explorer = date_translator(ms)
    fig, image = explorer.fig, explorer.fig.axes[0].get_images()[0]
    explorer.controls["date"].value = "二〇二六年十一月二十九日"
    weights, xlabels, _, _ = shown(explorer)
    assert explorer.fig is fig and explorer.fig.axes[0].get_images()[0] is image
    assert xlabels == list("二〇二六年十一月二十九日")
    assert np.allclose(weights, translate_date(ms["additive"], "二〇二六年十一月二十九日").weights)
    explorer.controls["model"].value = "dot"
    assert np.allclose(shown(explorer)[0], translate_date(ms["dot"], "二〇二六年十一月二十九日").weights)


def test_choosing_an_example_fills_the_text_box():
    explorer = date_translator(models())
    updates = []
    update = explorer._update
    explorer._update = lambda values: updates.append(values["date"]) or update(values)
    explorer.controls["example"].value = "11/29/26"
    assert explorer.controls["date"].value == "11/29/26"
    assert updates == ["11/29/26"], "one translation per choice, of the chosen date"
    assert shown(explorer)[1] == list("11/29/26")
    assert "11/29/26" in example_dates() and "2026年11月29日" in example_dates()


@pytest.mark.parametrize("text, fragment", [("", "empty"), ("29 Nov 2026 ☃", "never seen"),
                                            ("2026-11-29 " * 7, "at most 60")])
def test_bad_input_shows_a_message_never_a_traceback(text, fragment):
    explorer = date_translator(models())
    explorer.controls["date"].value = text
    assert fragment in explorer.message and explorer.translation is None
    ax = explorer.fig.axes[0]
    assert any(fragment in t.get_text().replace("\n", " ") for t in ax.texts)
    assert ax.get_title() == "cannot translate this input"
    explorer.controls["date"].value = "29 Nov 2026"                      # and it recovers
    assert explorer.message == "" and explorer.translation is not None
    assert all(t.get_text() == "" for t in ax.texts)


def test_chinese_labels_draw_without_missing_glyphs():
    use_lesson_style()
    explorer = date_translator(models(), initial="2026年11月29日（周日）")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        FigureCanvasAgg(explorer.fig).draw()


def test_refuses_models_without_attention():
    torch.manual_seed(0)
    with pytest.raises(ValueError, match="has no attention"):
        date_translator({"none": Seq2Seq(DATE_RECIPE.config("none"))})
    with pytest.raises(ValueError, match="non-empty dict"):
        date_translator({})


def test_one_model_gives_no_model_menu():
    explorer = date_translator({"additive": models()["additive"]})
    assert set(explorer.controls) == {"date", "example"}


def test_readout_says_the_translation_or_the_problem():
    explorer = date_translator(models())
    result = translate_date(models()["additive"], "Sunday, 29 November 2026")
    assert explorer.readout.value == f"'Sunday, 29 November 2026' → {result.output}"
    explorer.controls["date"].value = ""
    assert explorer.readout.value.startswith("cannot translate this input:") and explorer.message in explorer.readout.value


def test_the_notebooks_translator_from_the_committed_checkpoints():
    explorer = date_translator_from_checkpoints()
    assert explorer.readout.value == "'Sunday, 29 November 2026' → 2026-11-29"
    explorer.controls["date"].value = "3 Jan 1987"
    assert explorer.translation.output == "1987-01-03"
