"""The posteriorgram explorer (notebook 08): what a CTC recogniser hears in one utterance.

Controls: which evaluation set (the seen speakers' test utterances, or the held-out speaker's), which
utterance in it, and which model (the frame-wise MLP, the unidirectional or the bidirectional LSTM).
Two panels share the time axis (in seconds, kept while the utterance fills at least 40% of it, so
that lengths compare at a glance): the log-mel spectrogram of the utterance, and the model's
posteriorgram — y_t(k) for the blank (dashed) and the ten digits. The readout gives the reference,
the greedy transcript and the number of digit errors (edit distance). What to look for: the BiLSTM's
spikes in a sea of blanks; the MLP's hesitant, spread-out probabilities; where on the held-out
speaker's utterances the spikes go missing or pick the wrong digit.
"""
from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets
import numpy as np
import torch
from matplotlib.figure import Figure
from torch import nn

from ..speech.batches import NUM_CLASSES
from ..speech.decoding import greedy_decode
from ..speech.error_rate import edit_distance
from ..speech.features import log_mel
from ..speech.recipe import prepare
from ..speech.recordings import SAMPLE_RATE
from ..speech.utterances import Utterance
from ..training import evaluating
from ._explorer import Explorer, sticky_limit

CHECKPOINTS = Path(__file__).resolve().parents[2] / "benchmarks" / "checkpoints"
MODEL_LABELS = {"mlp": "frame-wise MLP", "lstm": "unidirectional LSTM", "bilstm": "bidirectional LSTM"}
HOP_SECONDS = 80 / SAMPLE_RATE
"""Seconds between log-mel frames (hop 80 samples at 8 kHz)."""


def default_models() -> dict[str, nn.Module]:
    """The three checkpoints of ``benchmarks/speech_ctc.py``, by name (``mlp``, ``lstm``, ``bilstm``)."""
    from ..speech.recipe import Recipe, build_model
    from ..training import load_checkpoint
    models = {}
    for name in MODEL_LABELS:
        path = CHECKPOINTS / f"speech_{name}.pt"
        metadata = torch.load(path, map_location="cpu", weights_only=True)["metadata"]
        models[name] = build_model(Recipe.from_metadata(metadata["recipe"]))
        load_checkpoint(models[name], path)
        models[name].float()
    return models


def default_utterances() -> dict[str, list[Utterance]]:
    """notebook 08's fixed evaluation utterances: the seen-speaker test and the held-out speaker."""
    from ..speech.recordings import load_recordings
    from ..speech.utterances import evaluation_utterances, split_recordings
    sets = evaluation_utterances(split_recordings(load_recordings()))
    return {"seen-speaker test": sets["test_seen"], "held-out speaker": sets["held_out"]}


def posteriors(model: nn.Module, utterance: Utterance) -> np.ndarray:
    """``model``'s log-probabilities for one utterance, ``(T', C)`` float64 (network steps × classes)."""
    batch = prepare([utterance]).to(next(model.parameters()).device)
    with evaluating(model):
        return model(batch.features, batch.lengths)[:, 0].cpu().double().numpy()


def speech_explorer(models: dict[str, nn.Module] | None = None,
                    utterances: dict[str, list[Utterance]] | None = None) -> Explorer:
    """An :class:`Explorer` of CTC posteriorgrams.

    ``models``: name -> a recogniser mapping ``(T, B, F)`` features to ``(T, B, 11)`` log-probabilities
    (default: notebook 08's three checkpoints, :func:`default_models`); ``utterances``: set name -> a
    non-empty list of :class:`~lessons_lib.speech.utterances.Utterance` (default: :func:`default_utterances`).
    ``.controls``: ``'utterances'`` (Dropdown of the set names), ``'number'`` (IntSlider, index in the
    set), ``'model'`` (Dropdown of the model names). ``.fig``: the log-mel image over the posteriorgram
    (11 lines: blank first, then digits 0–9).
    """
    models = default_models() if models is None else dict(models)
    utterances = default_utterances() if utterances is None else dict(utterances)
    if not models or not all(isinstance(m, nn.Module) for m in models.values()):
        raise ValueError(f"models must be a non-empty dict of torch modules; got {models!r}")
    if not utterances or not all(isinstance(u, list) and u and all(isinstance(x, Utterance) for x in u)
                                 for u in utterances.values()):
        raise ValueError("utterances must be a non-empty dict of non-empty lists of Utterance; got "
                         f"{ {k: type(v).__name__ for k, v in utterances.items()} }")
    size = min(len(u) for u in utterances.values())
    controls = {
        "utterances": widgets.Dropdown(options=list(utterances), description="utterances"),
        "number": widgets.IntSlider(value=0, min=0, max=size - 1, description="number"),
        "model": widgets.Dropdown(options=[(MODEL_LABELS.get(name, name), name) for name in models],
                                  value=list(models)[-1], description="model"),
    }
    fig = Figure(figsize=(8.0, 4.4))
    ax_mel, ax_post = fig.subplots(2, 1)
    fig.subplots_adjust(left=0.08, right=0.96, top=0.93, bottom=0.2, hspace=0.08)   # fixed: the live canvas redraws in place
    image = ax_mel.imshow(np.zeros((40, 2)), origin="lower", aspect="auto", cmap="magma", extent=(0, 1, 0, 40))
    ax_mel.set(ylabel="mel band", xlim=(0, 1), xticks=[])   # x: a fraction of ax_post's time axis, so it never moves
    ax_mel.grid(False)                       # the image is the content: no grid or frame drawn over or under it
    ax_mel.spines[:].set_visible(False)
    blank_line, = ax_post.plot([], [], color="k", lw=1.0, ls="--", label="blank")
    digit_lines = [ax_post.plot([], [], lw=1.5, color=f"C{d}", label=str(d))[0] for d in range(NUM_CLASSES - 1)]
    ax_post.set(xlabel="time (s)", ylabel="y_t(k)", ylim=(-0.03, 1.03))
    fig.legend(handles=[blank_line, *digit_lines], ncols=11, fontsize=7, loc="lower center", frameon=False)

    def update(values: dict) -> str:
        utterance = utterances[values["utterances"]][values["number"]]
        model_name = values["model"]
        mel = log_mel(utterance.samples)                                   # (T, 40)
        log_probs = posteriors(models[model_name], utterance)               # (T', 11)
        step = len(mel) * HOP_SECONDS / len(log_probs)                      # seconds per network step
        duration = len(mel) * HOP_SECONDS
        image.set_data(mel.T)
        image.set_clim(float(mel.min()), float(mel.max()))
        shown = sticky_limit(duration, ax_post.get_xlim()[1])               # stays put over most steps: a cheap redraw
        ax_post.set_xlim(0, shown)
        image.set_extent((0, duration / shown, 0, mel.shape[1]))            # the same time axis as the panel below
        times = (np.arange(len(log_probs)) + 0.5) * step
        probabilities = np.exp(log_probs)
        blank_line.set_data(times, probabilities[:, 0])
        for d, line in enumerate(digit_lines):
            line.set_data(times, probabilities[:, d + 1])
        heard = "".join(str(k - 1) for k in greedy_decode(log_probs))
        errors = edit_distance(utterance.text, heard)
        title = (f"{MODEL_LABELS.get(model_name, model_name)}, speaker {utterance.speaker}: "
                 f"reference {utterance.text}, heard {heard or '(nothing)'}")
        ax_mel.set_title(title)
        return f"{title} · {errors} digit error{'s' if errors != 1 else ''}"

    return Explorer(controls, fig, update, title="CTC posteriorgram explorer")
