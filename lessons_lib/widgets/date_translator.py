"""The date translator (notebook 07): type a date in any format, see its ISO form and where the model looked.

Controls (``explorer.controls[name]``):

- ``date``      a text box: the date as a person would write it (updates when you press Enter or leave the box)
- ``example``   a menu of examples in every format; choosing one puts it in the text box
- ``model``     which trained model translates (only when several are given, e.g. additive and dot-product)

The figure is the attention map of the translation: one row per output character (and <eos>), one
column per input character; the readout (and the title of the static figure) gives the translation. Input the model cannot read (empty,
characters it has never seen, too long) shows a message instead; the latest message is in
``explorer.message`` and the latest :class:`~lessons_lib.translation.date_task.DateTranslation` in
``explorer.translation`` (None after bad input).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..translation.attention_map import draw_attention
from ..translation.date_task import translate_date
from ..translation.dates import FORMATS
from ._explorer import Explorer

EXAMPLE_DAY = dt.date(2026, 11, 29)
CHECKPOINTS = Path(__file__).resolve().parents[2] / "benchmarks" / "checkpoints"


def example_dates() -> list[str]:
    """2026-11-29 in every format the model was trained on, then three it was not."""
    return [f.render(EXAMPLE_DAY) for f in FORMATS] + ["29/11/2026", "Nov 29th 26", "2026.11.29"]


class DateTranslator(Explorer):
    """An :class:`Explorer` that also keeps the latest ``message`` and ``translation``."""

    _state: dict

    @property
    def message(self) -> str:
        """The latest error message ("" after a successful translation)."""
        return self._state["message"]

    @property
    def translation(self):
        """The latest ``DateTranslation`` (None after bad input)."""
        return self._state["translation"]


def date_translator(models: dict, initial: str = "Sunday, 29 November 2026") -> DateTranslator:
    """An :class:`Explorer` translating typed dates with ``models`` (name → trained Seq2Seq with attention)."""
    if not isinstance(models, dict) or not models:
        raise ValueError(f"models must be a non-empty dict name -> model; got {type(models).__name__}")
    for name, model in models.items():
        if getattr(getattr(model, "decoder", None), "attention", None) is None:
            raise ValueError(f"model {name!r} has no attention: the translator draws attention maps")
    style = {"description_width": "70px"}
    examples = example_dates()
    controls = {"date": widgets.Text(value=initial, description="date", continuous_update=False, style=style,
                                     layout=widgets.Layout(width="370px")),
                "example": widgets.Dropdown(options=["(choose one)"] + examples, value="(choose one)",
                                            description="example", style=style, layout=widgets.Layout(width="370px"))}
    if len(models) > 1:
        controls["model"] = widgets.Dropdown(options=list(models), value=next(iter(models)), description="model",
                                             style=style)

    fig = Figure(figsize=(7.2, 3.6))
    ax = fig.add_subplot()
    image = draw_attention(ax, np.zeros((1, 1)), [" "], [" "])
    fig.colorbar(image, ax=ax, fraction=0.04, pad=0.02, label="attention weight α")
    message = ax.text(0.5, 0.5, "", transform=ax.transAxes, ha="center", va="center", wrap=True, fontsize=10,
                      color="firebrick", bbox={"facecolor": "white", "edgecolor": "firebrick"})
    title = ax.set_title("", fontsize=10, pad=24)

    state = {"message": "", "translation": None}

    def update(values: dict) -> None:
        model = models[values.get("model", next(iter(models)))]
        try:
            result = translate_date(model, values["date"])
        except ValueError as error:
            state["message"], state["translation"] = str(error), None
            draw_attention(ax, np.zeros((1, 1)), [" "], [" "], image=image)
            ax.set_xticks([])
            ax.set_yticks([])
            message.set_text(_wrap(str(error)))
            title.set_text("cannot translate this input")
            return f"cannot translate this input: {error}"
        draw_attention(ax, result.weights, result.source, result.steps, image=image, fontsize=9)
        message.set_text("")
        title.set_text(f"{values['date'].strip()!r}  →  {result.output}")
        state["message"], state["translation"] = "", result
        return f"{values['date'].strip()!r} → {result.output}"

    explorer = DateTranslator(controls, fig, update, title="Date translator: any format → YYYY-MM-DD")
    explorer._state = state

    def choose_example(change) -> None:
        if change["new"] != "(choose one)":
            controls["date"].value = change["new"]

    # The menu only fills the text box; the box's change runs the update (once, not twice).
    controls["example"].unobserve(explorer._on_change, names="value")
    controls["example"].observe(choose_example, names="value")
    return explorer


def date_translator_from_checkpoints(checkpoints=CHECKPOINTS) -> DateTranslator:
    """The translator of notebook 07: the additive and dot-product date models of ``benchmarks/dates.py`` (CPU)."""
    from ..training import load_checkpoint
    from ..translation.date_task import DATE_RECIPE
    from ..translation.seq2seq import Seq2Seq

    models = {}
    for name, kind in (("additive attention", "additive"), ("dot-product attention", "dot")):
        models[name] = Seq2Seq(DATE_RECIPE.config(kind))
        load_checkpoint(models[name], Path(checkpoints) / f"dates_{kind}.pt")
        models[name].eval()
    return date_translator(models)


def _wrap(text: str, width: int = 60) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(lines + [line])
