"""Speech recognition with CTC on connected FSDD digits: the longer training behind notebook 08.

    python benchmarks/speech_ctc.py                     # the three models with the chosen recipe (~35 min)
    python benchmarks/speech_ctc.py --save              # ... and write their checkpoints and results
    python benchmarks/speech_ctc.py --models bilstm     # only some of them
    python benchmarks/speech_ctc.py --ablation --save   # what helps an unseen speaker (validation speaker)
    python benchmarks/speech_ctc.py --quick             # smoke run (< 1 min), writes nothing

Default mode: trains the memoryless baseline (frame-wise MLP), a unidirectional LSTM and a
bidirectional LSTM with the same recipe and the same number of steps on fresh connected-digit
batches from the five training speakers (recordings 10–49), keeps the weights of the lowest
validation loss (recordings 5–9), stores them as float16 in ``benchmarks/checkpoints/speech_<model>.pt``
and prints the digit error rate (DER) and whole-string accuracy on the seen-speaker test (upstream's
recordings 0–4) and on the held-out speaker, greedy and beam decoding, measured *with the float16
weights* the notebook loads. With ``--save``, the checkpoints are written and everything goes to
``benchmarks/results/speech_ctc.json`` (entries of models not retrained are kept).

``--ablation`` chooses the front end and augmentation without touching the test speaker: train on four
of the five training speakers, validate on the fifth (``nicolas``: all his recordings), compare
global vs per-utterance normalisation and waveform / feature augmentation. With ``--save``, results go
to ``benchmarks/results/speech_ablation.json``.

Times: wall and process CPU seconds of each training; run it alone for the wall times to mean anything
(``flock -x /work/cpu.lock python benchmarks/speech_ctc.py``).
"""
from __future__ import annotations

import argparse
import copy
import datetime
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from adding_problem import machine
from lessons_lib.speech.features import FeatureConfig, band_statistics, log_mel
from lessons_lib.speech.models import count_parameters
from lessons_lib.speech.recipe import AUGMENTATION, RECIPES, Recipe, build_model, prepare, score, train_recognizer
from lessons_lib.speech.recordings import load_recordings
from lessons_lib.speech.utterances import evaluation_utterances, partition_utterances, sample_utterances, split_recordings
from lessons_lib.training import save_checkpoint, set_seed

HERE = Path(__file__).resolve().parent
CHECKPOINTS, RESULTS = HERE / "checkpoints", HERE / "results"
VALIDATION_SPEAKER = "nicolas"


def fmt(s) -> str:
    return f"DER {s.digit_error_rate:6.2%}  strings {s.string_accuracy:6.1%}"


def run_record(recipe: Recipe, run, model, steps: int, cpu: float, evaluations: dict) -> dict:
    return {"recipe": recipe.to_metadata(), "parameters": count_parameters(model), "max_steps": steps,
            "steps_run": run.steps_run, "best_step": run.best_step, "wall_seconds": round(run.seconds, 1),
            "cpu_seconds": round(cpu, 1), "curve_steps": run.history.steps,
            "curve_train_loss": [float(f"{v:.4g}") for v in run.history.train_loss],
            "curve_val_loss": [float(f"{v:.4g}") for v in run.history.val_loss],
            "curve_val_der": [round(v, 5) for v in run.val_error_rate], **evaluations}


def float16_copy(model):
    """The weights as the checkpoint stores them (float16), back in a float32 model."""
    rounded = copy.deepcopy(model)
    rounded.load_state_dict({k: v.half().float() for k, v in model.state_dict().items()})
    return rounded


def train_one(recipe, train, validation, steps, eval_every, seed):
    set_seed(seed)
    model = build_model(recipe)
    cpu = time.process_time()
    run = train_recognizer(model, recipe, train, validation, max_steps=steps, eval_every=eval_every, seed=seed,
                           progress=True)
    return model, run, time.process_time() - cpu


def final_models(args) -> None:
    recordings = load_recordings()
    splits = split_recordings(recordings)
    sets = evaluation_utterances(splits)
    if args.quick:
        sets = {k: v[:24] for k, v in sets.items()}
    out = {"produced_by": "benchmarks/speech_ctc.py " + " ".join(sys.argv[1:]),
           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": machine(), "held_out_speaker": splits.held_out_speaker,
           "evaluation_sizes": {k: {"utterances": len(v), "digits": sum(len(u.digits) for u in v)}
                                for k, v in sets.items()}, "models": {}}
    results_path = RESULTS / "speech_ctc.json"
    if results_path.is_file() and args.save:
        out["models"] = json.loads(results_path.read_text()).get("models", {})      # keep models not retrained now
    for name in args.models:
        recipe = RECIPES[name]
        batches = {k: prepare(v, recipe.features) for k, v in sets.items()}
        print(f"== {name}: {recipe}", flush=True)
        model, run, cpu = train_one(recipe, splits.train, batches["validation"], args.steps, args.eval_every, args.seed)
        stored = float16_copy(model)
        evaluations = {}
        for key in ("validation", "test_seen", "held_out"):
            greedy, beam = score(stored, batches[key]), score(stored, batches[key], beam_width=args.beam)
            evaluations[key] = {"der": round(greedy.digit_error_rate, 5), "string_accuracy": round(greedy.string_accuracy, 5),
                                "der_beam": round(beam.digit_error_rate, 5),
                                "string_accuracy_beam": round(beam.string_accuracy, 5)}
            print(f"   {key:<10} greedy {fmt(greedy)} | beam {args.beam}: {fmt(beam)}", flush=True)
        print(f"   {run.steps_run} steps (best validation loss at {run.best_step}), {run.seconds:.0f} s wall, "
              f"{cpu:.0f} s CPU, {count_parameters(model):,} parameters", flush=True)
        out["models"][name] = run_record(recipe, run, model, args.steps, cpu, evaluations)
        if args.save:
            path = save_checkpoint(model.half(), CHECKPOINTS / f"speech_{name}.pt", recipe=recipe.to_metadata(),
                                   steps=run.steps_run, best_step=run.best_step, weights="float16",
                                   held_out_speaker=splits.held_out_speaker)
            print(f"   wrote {path.relative_to(HERE.parent)} ({path.stat().st_size / 1e6:.2f} MB, float16)", flush=True)
    if args.save:
        results_path.write_text(json.dumps(out, indent=1) + "\n")
        print(f"results: {results_path}")


ABLATION = {
    "global normalisation": dict(normalise="global"),
    "per-utterance normalisation": dict(),
    "+ speed and noise": dict(speed=(0.9, 1.1), noise_snr_db=(10.0, 40.0)),
    "+ speed, noise, warp and masks": AUGMENTATION,
}


def ablation(args) -> None:
    recordings = load_recordings()
    inner = split_recordings(recordings, held_out_speaker=VALIDATION_SPEAKER, exclude=("george",))
    sets = evaluation_utterances(inner)
    if args.quick:
        sets = {k: v[:24] for k, v in sets.items()}
    clean_train = sample_utterances(inner.train, 300, seed=1)
    mean, std = band_statistics([log_mel(u.samples) for u in clean_train])
    out = {"produced_by": "benchmarks/speech_ctc.py " + " ".join(sys.argv[1:]),
           "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "machine": machine(), "validation_speaker": VALIDATION_SPEAKER, "training_speakers": list(inner.speakers),
           "steps": args.steps, "seeds": args.seeds, "runs": []}
    for label, change in ABLATION.items():
        for seed in range(args.seeds):
            features = FeatureConfig(normalise="global", mean=mean, std=std) if change.get("normalise") else FeatureConfig()
            recipe = replace(Recipe(model="bilstm", hidden_size=128), features=features,
                             **{k: v for k, v in change.items() if k != "normalise"})
            batches = {k: prepare(v, features) for k, v in sets.items() if k in ("validation", "held_out")}
            print(f"== {label}, seed {seed}", flush=True)
            model, run, cpu = train_one(recipe, inner.train, batches["validation"], args.steps, args.eval_every, seed)
            seen, unseen = score(model, batches["validation"]), score(model, batches["held_out"])
            print(f"   seen speakers (recordings 5-9): {fmt(seen)} | {VALIDATION_SPEAKER} (unseen): {fmt(unseen)} | "
                  f"{cpu:.0f} s CPU", flush=True)
            out["runs"].append({"label": label, "seed": seed, "seen_der": round(seen.digit_error_rate, 5),
                                "seen_string_accuracy": round(seen.string_accuracy, 5),
                                "unseen_der": round(unseen.digit_error_rate, 5),
                                "unseen_string_accuracy": round(unseen.string_accuracy, 5),
                                "cpu_seconds": round(cpu, 1), "wall_seconds": round(run.seconds, 1),
                                "curve_steps": run.history.steps, "curve_val_der": [round(v, 5) for v in run.val_error_rate]})
    if args.save:
        (RESULTS / "speech_ablation.json").write_text(json.dumps(out, indent=1) + "\n")
        print(f"results: {RESULTS / 'speech_ablation.json'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["mlp", "lstm", "bilstm"], choices=["mlp", "lstm", "bilstm"])
    parser.add_argument("--steps", type=int, default=None, help="optimisation steps per model (default 2500; ablation 800)")
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--beam", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=1, help="ablation: seeds per setting")
    parser.add_argument("--ablation", action="store_true")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--save", action="store_true", help="write checkpoints and results (not with --quick)")
    parser.add_argument("--quick", action="store_true", help="a smoke run of a few steps; writes nothing")
    args = parser.parse_args()
    args.save = args.save and not args.quick
    torch.set_num_threads(args.threads)
    if args.quick:
        args.steps, args.eval_every, args.models = 8, 4, args.models if "--models" in sys.argv else ["mlp", "bilstm"]
    elif args.steps is None:
        args.steps = 800 if args.ablation else 2500
    start = time.perf_counter()
    (ablation if args.ablation else final_models)(args)
    print(f"total {time.perf_counter() - start:.0f} s wall")


if __name__ == "__main__":
    main()
