"""One training recipe for the recognisers: fresh connected-digit batches, CTC loss, Adam, clipping.

The loop (written out in notebook 08, section 3; :func:`train_recognizer` runs the same lines)::

    for step in range(max_steps):
        batch = training_batch(train_recordings, recipe, step)     # fresh utterances every step
        log_probs = model(batch.features, batch.lengths)           # forward: (T, B, C)
        loss = batch_ctc_loss(log_probs, batch)                    # CTC, mean over the batch of −log p / L
        check_finite(loss.item(), step + 1, lr=recipe.lr)          # divergence guard
        optimizer.zero_grad(); loss.backward()                     # backward
        clip_grad_norm_(model.parameters(), recipe.clip_norm)      # clip
        optimizer.step(); scheduler.step()                         # step (learning rate: cosine decay)
        every eval_every steps: validation loss and digit error rate, logged; keep the best weights

Augmentation (in :class:`Recipe`): speed perturbation and noise on the waveform, a random warp of the
mel filterbank (VTLP) and SpecAugment-style masks on the features; only training batches get it.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

from .._validate import check_int
from ..training import EarlyStopping, LossHistory, ProgressBar, check_finite, evaluating
from .augment import mask_features
from .batches import Batch, batch_ctc_loss, make_batch
from .decoding import beam_decode, greedy_decode
from .error_rate import digit_error_rate, string_accuracy
from .features import FeatureConfig, utterance_features
from .models import FrameClassifier, RecurrentRecognizer
from .recordings import Recording
from .utterances import Utterance, UtteranceStyle, sample_utterances

MODELS = ("mlp", "lstm", "bilstm")


@dataclass(frozen=True)
class Recipe:
    """Everything that defines a training run except the data and the number of steps."""

    model: str = "bilstm"                          # "mlp" (memoryless), "lstm", "bilstm"
    hidden_size: int = 128
    num_layers: int = 2
    features: FeatureConfig = FeatureConfig()
    batch_size: int = 32
    lr: float = 3e-3
    clip_norm: float = 1.0
    cosine_decay: bool = True                      # lr → 0 along a half cosine over max_steps
    max_digits: int = 5
    speed: tuple[float, float] | None = None       # speed perturbation range, e.g. (0.9, 1.1)
    noise_snr_db: tuple[float, float] | None = None
    warp: tuple[float, float] | None = None        # mel filterbank warp range (VTLP), e.g. (0.9, 1.1)
    masks: bool = False                            # SpecAugment-style time and band masks

    def __post_init__(self):
        if self.model not in MODELS:
            raise ValueError(f"model must be one of {MODELS}; got {self.model!r}")

    @property
    def style(self) -> UtteranceStyle:
        """How training utterances are made (pauses, speed, noise)."""
        return UtteranceStyle(speed=self.speed, noise_snr_db=self.noise_snr_db)

    def to_metadata(self) -> dict:
        """The recipe as plain python values (for a checkpoint's metadata)."""
        return asdict(self)

    @classmethod
    def from_metadata(cls, metadata: dict) -> "Recipe":
        values = dict(metadata)
        values["features"] = FeatureConfig(**{k: tuple(v) if isinstance(v, list) else v
                                              for k, v in values["features"].items()})
        for key in ("speed", "noise_snr_db", "warp"):
            values[key] = tuple(values[key]) if values[key] is not None else None
        return cls(**values)


AUGMENTATION = dict(speed=(0.9, 1.1), noise_snr_db=(10.0, 40.0), warp=(0.9, 1.1), masks=True)
#: The recipes of notebook 08's checkpoints (``benchmarks/speech_ctc.py``): one recipe, three models.
RECIPES = {"mlp": Recipe(model="mlp", hidden_size=256, **AUGMENTATION),
           "lstm": Recipe(model="lstm", hidden_size=128, num_layers=2, **AUGMENTATION),
           "bilstm": Recipe(model="bilstm", hidden_size=128, num_layers=2, **AUGMENTATION)}


def build_model(recipe: Recipe) -> nn.Module:
    """The model the recipe names, with input size ``recipe.features.size``."""
    size = recipe.features.size
    if recipe.model == "mlp":
        return FrameClassifier(size, recipe.hidden_size)
    return RecurrentRecognizer(size, recipe.hidden_size, recipe.num_layers, bidirectional=recipe.model == "bilstm")


def prepare(utterances: list[Utterance], config: FeatureConfig = FeatureConfig()) -> Batch:
    """Features of every utterance (no augmentation), padded into one :class:`Batch`."""
    return make_batch([utterance_features(u.samples, config) for u in utterances], [u.digits for u in utterances])


def training_batch(recordings: list[Recording], recipe: Recipe, step: int, seed: int = 0) -> Batch:
    """The fresh batch of optimisation step ``step``: ``recipe.batch_size`` new utterances, augmented as the
    recipe says. The same (step, seed) gives the same batch."""
    rng = np.random.default_rng([seed, step])
    utterances = sample_utterances(recordings, recipe.batch_size, seed=int(rng.integers(2**32)),
                                   max_digits=recipe.max_digits, style=recipe.style)
    features = []
    for u in utterances:
        warp = round(float(rng.uniform(*recipe.warp)), 2) if recipe.warp is not None else 1.0   # a 0.01 grid: filterbanks cached
        f = utterance_features(u.samples, recipe.features, warp=warp)
        features.append(mask_features(f, rng) if recipe.masks else f)
    return make_batch(features, [u.digits for u in utterances])


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def transcribe(model: nn.Module, batch: Batch, beam_width: int | None = None) -> list[str]:
    """The digit string the model hears in each utterance: greedy decoding, or prefix beam search."""
    batch = batch.to(_device_of(model))
    with evaluating(model):
        log_probs = model(batch.features, batch.lengths).cpu().double().numpy()
    texts = []
    for b, T in enumerate(batch.lengths.tolist()):
        frames = log_probs[:T, b]
        classes = greedy_decode(frames) if beam_width is None else beam_decode(frames, beam_width)
        texts.append("".join(str(k - 1) for k in classes))
    return texts


@dataclass
class Scores:
    """Validation or test figures: CTC loss, digit error rate, whole-string accuracy, and the counts."""

    loss: float
    digit_error_rate: float
    string_accuracy: float
    utterances: int
    digits: int
    hypotheses: list[str] = field(default_factory=list, repr=False)


def score(model: nn.Module, batch: Batch, beam_width: int | None = None) -> Scores:
    """Loss and error rates of ``model`` on ``batch`` (greedy decoding unless ``beam_width`` is given)."""
    batch = batch.to(_device_of(model))
    with evaluating(model):
        loss = batch_ctc_loss(model(batch.features, batch.lengths), batch).item()
    hypotheses = transcribe(model, batch, beam_width)
    return Scores(loss, digit_error_rate(batch.texts, hypotheses), string_accuracy(batch.texts, hypotheses),
                  len(batch.texts), sum(len(t) for t in batch.texts), hypotheses)


@dataclass
class TrainingRun:
    """What :func:`train_recognizer` recorded: losses per evaluation, validation DER, times, the best step."""

    history: LossHistory
    val_error_rate: list[float]
    best_step: int | None
    seconds: float
    steps_run: int


def train_recognizer(model: nn.Module, recipe: Recipe, train_recordings: list[Recording], validation: Batch,
                     max_steps: int, eval_every: int = 100, seed: int = 0, patience: int | None = None,
                     progress: bool = True, on_evaluation=None) -> TrainingRun:
    """Train ``model`` by the recipe on fresh batches; keep (and restore) the weights of the lowest
    validation loss. ``on_evaluation(step, run_so_far)`` is called after each evaluation if given."""
    check_int("max_steps", max_steps)
    check_int("eval_every", eval_every)
    optimizer = torch.optim.Adam(model.parameters(), lr=recipe.lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, (lambda s: 0.5 * (1 + math.cos(math.pi * min(s, max_steps) / max_steps)))
        if recipe.cosine_decay else (lambda s: 1.0))
    history, val_errors = LossHistory(), []
    stopper = EarlyStopping(model, patience=patience)
    start, recent, step = time.perf_counter(), [], 0
    bar = ProgressBar(max_steps, desc=f"training {recipe.model}") if progress else None
    model.train()
    for step in range(max_steps):
        batch = training_batch(train_recordings, recipe, step, seed).to(_device_of(model))
        loss = batch_ctc_loss(model(batch.features, batch.lengths), batch)
        recent.append(check_finite(loss.item(), step + 1, lr=recipe.lr, clip_norm=recipe.clip_norm))
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), recipe.clip_norm)
        optimizer.step()
        scheduler.step()
        if (step + 1) % eval_every == 0 or step + 1 == max_steps:
            val = score(model, validation)
            history.record(step + 1, float(np.mean(recent)), val.loss)
            val_errors.append(val.digit_error_rate)
            recent = []
            stopper.update(val.loss, step + 1)
            if bar is not None:
                bar.update(0, loss=f"{history.train_loss[-1]:.3f}", val_DER=f"{val.digit_error_rate:.1%}")
            if on_evaluation is not None:
                on_evaluation(step + 1, history, val_errors)
            if stopper.should_stop:
                break
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close(note="early stopping" if stopper.should_stop else "")
    stopper.restore_best()
    return TrainingRun(history, val_errors, stopper.best_step, time.perf_counter() - start, step + 1)
