"""The sampling explorer (notebook 06): corpus, model, temperature, top-k, prompt, seed, length -> text.

Top panel: the distribution of the character that follows the prompt, after temperature and top-k
(the 15 most likely; bars that top-k removed are drawn hollow at their untruncated height, so you
see what was cut). Bottom panel: the sampled text. Everything is recomputed when a control changes;
the same seed and settings always give the same text.

``models`` maps a corpus name to ``{model name: (model, vocabulary)}``; every model implements the
sampling interface of :mod:`lessons_lib.language.sampling` (the LSTM and the n-gram both do).
The latest text and probabilities are in ``explorer.latest``.
"""
from __future__ import annotations

import textwrap

import ipywidgets as widgets
import numpy as np
from matplotlib.figure import Figure

from ..language.sampling import generate, temperature_probabilities
from ._explorer import Explorer

SHOWN = 15
"""Bars in the top panel."""


def _label(character: str) -> str:
    return {"\n": "\\n", " ": "' '", "\t": "\\t"}.get(character, character)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width, replace_whitespace=False, drop_whitespace=False) if line else ""
                     for line in text.split("\n"))


def sampling_explorer(models: dict, prompts: dict | None = None, length: int = 240) -> Explorer:
    """An :class:`Explorer` that samples text; see the module docstring.

    ``prompts`` (optional) gives each corpus its first prompt. ``.controls``: ``'corpus'``, ``'model'``
    (Dropdowns), ``'temperature'`` (FloatSlider, 0 = greedy), ``'top-k'`` (IntSlider, 0 = keep all),
    ``'prompt'`` (Text), ``'seed'`` (IntText), ``'length'`` (IntSlider).
    """
    if not isinstance(models, dict) or not models or not all(isinstance(v, dict) and v for v in models.values()):
        raise ValueError("models must map each corpus name to a non-empty {model name: (model, vocabulary)} dict")
    prompts = dict(prompts or {})
    corpora = list(models)
    style, wide = {"description_width": "90px"}, widgets.Layout(width="370px")
    first = corpora[0]
    controls = {
        "corpus": widgets.Dropdown(options=corpora, value=first, description="corpus", style=style, layout=wide),
        "model": widgets.Dropdown(options=list(models[first]), description="model", style=style, layout=wide),
        "temperature": widgets.FloatSlider(value=0.8, min=0.0, max=2.0, step=0.05, description="temperature τ",
                                           style=style, layout=wide, continuous_update=False),
        "top-k": widgets.IntSlider(value=0, min=0, max=40, description="top-k (0 = all)", style=style, layout=wide,
                                   continuous_update=False),
        "prompt": widgets.Text(value=prompts.get(first, "\n"), description="prompt", style=style, layout=wide,
                               continuous_update=False),
        "seed": widgets.IntText(value=0, description="seed", style=style, layout=wide),
        "length": widgets.IntSlider(value=length, min=20, max=600, step=10, description="length", style=style,
                                    layout=wide, continuous_update=False),
    }

    fig = Figure(figsize=(8.0, 6.0))
    bar_ax, text_ax = fig.subplots(2, 1, height_ratios=[1.0, 2.2])
    fig.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.02, hspace=0.25)
    positions = np.arange(SHOWN)
    full_bars = bar_ax.bar(positions, np.zeros(SHOWN), color="none", edgecolor="0.5", lw=0.8, label="before top-k")
    kept_bars = bar_ax.bar(positions, np.zeros(SHOWN), color="tab:blue", label="sampled from")
    bar_ax.set_xticks(positions)
    bar_ax.set_ylabel("probability")
    bar_ax.legend(loc="upper right", fontsize=8)
    text_ax.axis("off")
    shown_text = text_ax.text(0.0, 1.0, "", va="top", ha="left", fontsize=9, transform=text_ax.transAxes,
                              family=["DejaVu Sans Mono", "Noto Sans SC (lessons subset)"])
    latest: dict = {}
    busy = []   # non-empty while update runs: changing the model list or the prompt below must not recurse

    def update(values: dict) -> None:
        if busy:
            return
        busy.append(True)
        try:
            _update(values)
        finally:
            busy.clear()

    def _update(values: dict) -> None:
        corpus = values["corpus"]
        if list(controls["model"].options) != list(models[corpus]):          # the corpus changed: its models, its prompt
            controls["model"].options = list(models[corpus])
            controls["prompt"].value = prompts.get(corpus, controls["prompt"].value)
            values = {name: control.value for name, control in controls.items()}
        model, vocabulary = models[corpus][values["model"]]
        tau, top_k = values["temperature"], values["top-k"] or None
        prompt = values["prompt"].replace("\\n", "\n") or "\n"
        try:
            prompt_ids = vocabulary.encode(prompt)
        except ValueError as error:
            shown_text.set_text(f"{error}")
            latest.update(text=None, error=str(error))
            return
        logits = model.next_logits(model.start(prompt_ids[None]))[0]
        untruncated = temperature_probabilities(logits, tau)
        kept = temperature_probabilities(logits, tau, top_k)
        order = np.argsort(-untruncated, kind="stable")[:SHOWN]
        for bar, full, p in zip(kept_bars, full_bars, order):
            bar.set_height(kept[p])
            full.set_height(untruncated[p])
        bar_ax.set_xticks(positions, [_label(vocabulary.characters[p]) for p in order])
        bar_ax.set_ylim(0, max(0.05, float(untruncated[order].max()) * 1.1))
        bar_ax.set_title(f"the next character after the prompt, τ = {tau:g}"
                         + (f", top-{top_k}" if top_k else ""), fontsize=10)
        text = generate(model, vocabulary, prompt, values["length"], tau, top_k, values["seed"])
        width = 36 if any(ord(c) > 0x2e80 for c in text) else 72
        shown_text.set_text(_wrap(text, width))
        latest.update(text=text, probabilities=kept, untruncated=untruncated, order=order, error=None)

    explorer = Explorer(controls, fig, update, title="Sampling explorer: the same model, other settings")
    explorer.latest = latest
    return explorer
