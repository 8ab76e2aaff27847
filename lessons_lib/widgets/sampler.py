"""The sampling explorer (notebook 06): corpus, model, temperature, top-k, prompt, seed, length -> text.

Top panel: the distribution of the character that follows the prompt, after temperature and top-k
(the 15 most likely; bars that top-k removed are drawn hollow at their untruncated height, so you
see what was cut). Bottom panel: the sampled text. Everything is recomputed when a control changes;
the same seed and settings always give the same text.

``models`` maps a corpus name to ``{model name: (model, vocabulary)}``; every model implements the
sampling interface of :mod:`lessons_lib.language.sampling` (the LSTM and the n-gram both do).
The latest text and probabilities are in ``explorer.latest``. :func:`course_sampling_explorer` builds
notebook 06's explorer (its two checkpoints and its two n-grams) with no arguments.
"""
from __future__ import annotations

import textwrap

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.figure import Figure

from ..language.sampling import generate, temperature_probabilities
from ..plotting import register_cjk_font
from ._explorer import Explorer, sticky_limit
from ._text_block import TextBlock

SHOWN = 15
"""Bars in the top panel."""


def _label(character: str) -> str:
    return {"\n": "\\n", " ": "' '", "\t": "\\t"}.get(character, character)


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width, replace_whitespace=False, drop_whitespace=False) if line else ""
                     for line in text.split("\n"))


def _fit(text: str, lines: int) -> str:
    """``text``, or its first ``lines − 1`` lines and a line that says how many more there are."""
    every = text.split("\n")
    if len(every) <= lines:
        return text
    hidden = len(every) - lines + 1
    return "\n".join(every[:lines - 1] + [f"… and {hidden} more lines (explorer.latest['text'] holds the whole sample)"])


def sampling_explorer(models: dict, prompts: dict | None = None, length: int = 240) -> Explorer:
    """An :class:`Explorer` that samples text; see the module docstring.

    ``prompts`` (optional) gives each corpus its prompts, a list (the first is shown first; ``"\\n"``
    stands for a line break). ``.controls``: ``'corpus'``, ``'model'``, ``'prompt'`` (Dropdowns),
    ``'temperature'`` (FloatSlider, 0 = greedy), ``'top-k'`` (IntSlider, 0 = keep all), ``'seed'`` and
    ``'length'`` (IntSliders).
    """
    if not isinstance(models, dict) or not models or not all(isinstance(v, dict) and v for v in models.values()):
        raise ValueError("models must map each corpus name to a non-empty {model name: (model, vocabulary)} dict")
    prompts = {corpus: list(prompts.get(corpus) or ["\\n"]) if prompts else ["\\n"] for corpus in models}
    corpora = list(models)
    first = corpora[0]
    controls = {
        "corpus": widgets.Dropdown(options=corpora, value=first, description="corpus"),
        "model": widgets.Dropdown(options=list(models[first]), description="model"),
        "prompt": widgets.Dropdown(options=prompts[first], description="prompt"),
        "temperature": widgets.FloatSlider(value=0.8, min=0.0, max=2.0, step=0.05, description="temperature τ",
                                           continuous_update=False),
        "seed": widgets.IntSlider(value=0, min=0, max=99, description="seed", continuous_update=False),
        "top-k": widgets.IntSlider(value=0, min=0, max=40, description="top-k (0 = all)", continuous_update=False),
        "length": widgets.IntSlider(value=length, min=20, max=600, step=10, description="length",
                                    continuous_update=False),
    }

    fig = Figure(figsize=(8.0, 5.4))
    bar_ax, text_ax = fig.subplots(2, 1, height_ratios=[1.0, 2.2])
    fig.subplots_adjust(left=0.08, right=0.98, top=0.93, bottom=0.02, hspace=0.25)
    positions = np.arange(SHOWN)
    full_bars = bar_ax.bar(positions, np.zeros(SHOWN), color="none", edgecolor="0.5", lw=0.8, label="before top-k")
    kept_bars = bar_ax.bar(positions, np.zeros(SHOWN), color="tab:blue", label="sampled from")
    bar_ax.set_xticks(positions, [""] * SHOWN)
    cjk = register_cjk_font()       # Chinese characters in the labels and the text, with or without the lesson style
    # The characters are content, not tick labels: they change without moving the axes.
    bar_labels = [TextBlock(bar_ax, p, -0.04, fontsize=matplotlib.rcParams["xtick.labelsize"], family=["DejaVu Sans", cjk],
                            transform=bar_ax.get_xaxis_transform(), centred=True) for p in positions]
    bar_ax.set_ylabel("probability")
    fig.legend(handles=[full_bars, kept_bars], loc="upper right", bbox_to_anchor=(0.98, 1.0), ncols=2, fontsize=8,
               frameon=False)                                  # above the bars, so that no bar hides it
    text_ax.axis("off")
    shown_text = TextBlock(text_ax, 0.0, 1.0, fontsize=9, family=["DejaVu Sans Mono", cjk])
    latest: dict = {}
    shown_corpus = [first]
    def update(values: dict) -> str:
        corpus = values["corpus"]
        if corpus != shown_corpus[0]:       # the corpus changed: its models, its prompts (the explorer starts no nested update)
            shown_corpus[0] = corpus
            controls["model"].options = list(models[corpus])
            controls["prompt"].options = prompts[corpus]
            controls["prompt"].value = prompts[corpus][0]
            values = {name: control.value for name, control in controls.items()}
        model, vocabulary = models[corpus][values["model"]]
        tau, top_k = values["temperature"], values["top-k"] or None
        prompt = values["prompt"].replace("\\n", "\n") or "\n"
        try:
            prompt_ids = vocabulary.encode(prompt)
        except ValueError as error:
            shown_text.set_text(f"{error}")
            latest.update(text=None, error=str(error))
            return f"{error}"
        logits = model.next_logits(model.start(prompt_ids[None]))[0]
        untruncated = temperature_probabilities(logits, tau)
        kept = temperature_probabilities(logits, tau, top_k)
        order = np.argsort(-untruncated, kind="stable")[:SHOWN]
        for bar, full, p in zip(kept_bars, full_bars, order):
            bar.set_height(kept[p])
            full.set_height(untruncated[p])
        for label, p in zip(bar_labels, order):
            label.set_text(_label(vocabulary.characters[p]))
        tallest = max(0.05, float(untruncated[order].max()), float(kept[order].max()))   # top-k renormalises: kept >= untruncated
        bar_ax.set_ylim(0, sticky_limit(1.05 * tallest, bar_ax.get_ylim()[1]))
        bar_ax.set_title(f"the next character after the prompt, τ = {tau:g}"
                         + (f", top-{top_k}" if top_k else ""), fontsize=10, loc="left")
        text = generate(model, vocabulary, prompt, values["length"], tau, top_k, values["seed"])
        width = 36 if any(ord(c) > 0x2e80 for c in text) else 72
        shown_text.set_text(_fit(_wrap(text, width), shown_text.lines_that_fit()))
        latest.update(text=text, probabilities=kept, untruncated=untruncated, order=order, error=None)
        top = order[0]
        return (f"{values['model']}, τ = {tau:g}, " + (f"top-{top_k}" if top_k else "all characters kept")
                + f": most likely next {_label(vocabulary.characters[top])} (p = {kept[top]:.2f}); "
                + f"{values['length']} characters, seed {values['seed']}")

    explorer = Explorer(controls, fig, update, title="Sampling explorer: the same model, other settings")
    explorer.latest = latest
    for corpus in corpora[1:]:      # the first view of each other corpus: its characters' outlines ready in advance
        model, vocabulary = next(iter(models[corpus].values()))
        prompt = prompts[corpus][0].replace("\\n", "\n") or "\n"
        if all(character in vocabulary for character in prompt):
            shown_text.prepare(generate(model, vocabulary, prompt, length, controls["temperature"].value, None, 0))
    return explorer


COURSE_PROMPTS = {"Shakespeare": ["Now is the w", "ROMEO:", "KING RICHARD", "\\n"],
                  "唐诗 Tang quatrains": ["明月", "春风", "\\n", "白日依山尽，"]}
"""The prompts of notebook 06's explorer (``"\\n"``: start a new speech or a new poem)."""


def course_sampling_explorer(models: dict | None = None) -> Explorer:
    """Notebook 06's explorer: the 20-minute Shakespeare LSTM, the Tang LSTM and the two n-grams chosen on
    validation. Without ``models`` it builds them (checkpoints from ``benchmarks/checkpoints/``, n-grams
    fitted and chosen as in the notebook: a few seconds). The LSTMs are sampled through a
    :class:`~lessons_lib.language.numpy_stepper.NumpyStepper` (same logits, five times faster at one
    character per step), so that a slider step redraws 240 characters at once.
    """
    if models is None:
        from ..language import NGramModel
        from ..language import course
        from ..language.numpy_stepper import NumpyStepper
        models = {}
        for name, (corpus, discounts, max_order) in {
                "Shakespeare": (course.shakespeare(), course.SHAKESPEARE_DISCOUNTS, 8),
                "唐诗 Tang quatrains": (course.tang()[0], course.TANG_DISCOUNTS, 8)}.items():
            counts = NGramModel.fit(corpus.ids.train, max_order, len(corpus.vocabulary))
            ngram, _, _ = course.choose_ngram(counts, corpus.ids.val, discounts)
            lstm, _, _ = course.load_checkpoint("shakespeare" if name == "Shakespeare" else "tang")
            models[name] = {"LSTM": (NumpyStepper(lstm), corpus.vocabulary), f"n-gram (order {ngram.order})": (ngram, corpus.vocabulary)}
    return sampling_explorer(models, prompts=COURSE_PROMPTS, length=240)
