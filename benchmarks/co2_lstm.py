"""Weekly CO₂ one week ahead: the LSTM on levels and on changes against linear AR (notebook 04, section 4).

    python benchmarks/co2_lstm.py            # trains, prints validation and test RMSE (ppm), seconds
    python benchmarks/co2_lstm.py --save     # also writes results/co2_lstm.json and checkpoints/co2_lstm_*.pt
    python benchmarks/co2_lstm.py --quick    # seed 0 only, a few epochs: a smoke run that writes nothing

The protocol of notebook 04, section 4 (same windows, split and scaling): 52 weeks in, the next week out;
training 1958-1989, validation 1990-1995, test 1996-2001; the AR order chosen on validation.
1. The LSTM on standardised levels: 16 units, Adam lr 0.003, batches of 64 windows, clipping at 1, at most
   15 epochs, early stopping with patience 5.
2. The LSTM on changes (inputs minus the window's last value, target minus it too): 16 units, lr 0.01,
   at most 40 epochs, patience 8; seeds 0-4, to see how much the seed moves the validation RMSE.
3. The winner on validation by notebook 04's rule (the LSTM must beat AR by more than 5 %), then the test
   weeks once.

``--save`` writes the numbers with the date and the machine to ``benchmarks/results/co2_lstm.json`` and the
seed-0 models to ``benchmarks/checkpoints/co2_lstm_levels.pt`` and ``co2_lstm_changes.pt`` (float32, about
5 kB each), which notebook 04 loads. Run with one thread (``make benchmarks`` sets OMP_NUM_THREADS=1).
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

from adding_problem import machine
from lessons_lib.baselines import LinearAR, persistence, rmse
from lessons_lib.data import Standardizer, load_co2, make_windows, split_by_target
from lessons_lib.models import SequenceRegressor
from lessons_lib.training import EpochBatches, fit, predict, save_checkpoint, set_seed

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "co2_lstm.json"
CHECKPOINTS = {"levels": HERE / "checkpoints" / "co2_lstm_levels.pt", "changes": HERE / "checkpoints" / "co2_lstm_changes.pt"}
LOOKBACK, HIDDEN, BATCH_SIZE, CLIP_NORM = 52, 16, 64, 1.0
RECIPES = {"levels": dict(lr=3e-3, max_epochs=15, patience=5), "changes": dict(lr=0.01, max_epochs=40, patience=8)}
AR_ORDERS = [1, 2, 4, 13, 26, 52]
WIN_MARGIN = 0.05


def co2_windows() -> dict:
    """Notebook 04's CO₂ data: standardised with the training weeks' statistics, windows of 52 weeks."""
    co2 = load_co2(fill="linear")
    val_start = int(np.searchsorted(co2.time, np.datetime64("1990-01-01")))
    test_start = int(np.searchsorted(co2.time, np.datetime64("1996-01-01")))
    scaler = Standardizer.fit(co2.values[:val_start])
    X, Y, start = make_windows(scaler.transform(co2.values), LOOKBACK, 1, return_index=True)
    parts = split_by_target(start, 1, (val_start, test_start))
    return {"scaler": scaler, **{name: (X[:, mask], Y[mask]) for name, mask in zip(("train", "val", "test"), parts)}}


def relative(X: np.ndarray) -> np.ndarray:
    """Windows (T, N, 1) minus their last value (notebook 04's "changes")."""
    return X - X[-1:]


def forecaster(kind: str, model):
    """Standardised one-step forecasts (N, 1) of windows X (T, N, 1) by a model trained on ``kind``."""
    if kind == "levels":
        return lambda X: predict(model, X)
    return lambda X: predict(model, relative(X)) + X[-1]


def train(data: dict, kind: str, seed: int, quick: bool) -> tuple[SequenceRegressor, dict]:
    recipe = RECIPES[kind]
    shift = (lambda X, Y: (X, Y)) if kind == "levels" else (lambda X, Y: (relative(X), Y - X[-1]))
    set_seed(seed)
    model = SequenceRegressor(1, HIDDEN)
    batches = EpochBatches(*shift(*data["train"]), batch_size=BATCH_SIZE, seed=seed)
    epochs = 2 if quick else recipe["max_epochs"]
    start = time.process_time()
    history = fit(model, batches, shift(*data["val"]), max_steps=epochs * batches.steps_per_epoch,
                  eval_every=batches.steps_per_epoch, lr=recipe["lr"], clip_norm=CLIP_NORM,
                  patience=recipe["patience"], progress=False)
    return model, {"kind": kind, "seed": seed, "steps_run": history.steps[-1], "best_step": history.best_step,
                   "steps_per_epoch": batches.steps_per_epoch, "cpu_seconds": round(time.process_time() - start, 2),
                   "val_rmse": round(ppm(data, forecaster(kind, model)(data["val"][0]), "val"), 4)}


def ppm(data: dict, prediction: np.ndarray, part: str) -> float:
    """RMSE in ppm (the scaling undone) of a standardised forecast on one part."""
    return rmse(data["scaler"].inverse(prediction), data["scaler"].inverse(data[part][1]))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="seed 0, 2 epochs each, nothing written")
    parser.add_argument("--save", action="store_true", help="write the results file and the checkpoints")
    args = parser.parse_args(argv)
    if args.save and args.quick:
        parser.error("--save writes the files notebook 04 reads, which need the full runs: drop --quick")
    torch.set_num_threads(1)
    info = machine()
    print(f"machine: {info['cpu']}, torch {info['torch']}, {info['torch_threads']} thread(s)", flush=True)
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    data = co2_windows()
    ar_val = {p: ppm(data, LinearAR.fit(*data["train"], order=p).predict(data["val"][0]), "val") for p in AR_ORDERS}
    order = min(ar_val, key=ar_val.get)
    ar = LinearAR.fit(*data["train"], order=order)
    print(f"AR order on validation: {({p: round(v, 3) for p, v in ar_val.items()})} -> p = {order}", flush=True)

    models, runs = {}, []
    for kind, seeds in (("levels", [0]), ("changes", [0] if args.quick else [0, 1, 2, 3, 4])):
        for seed in seeds:
            models[kind, seed], row = train(data, kind, seed, args.quick)
            runs.append(row)
            print(f"LSTM on {kind:<7} seed {seed}: {row['steps_run']} steps (best at {row['best_step']}), "
                  f"validation RMSE {row['val_rmse']:.3f} ppm, {row['cpu_seconds']:.1f} s CPU", flush=True)
    changes_val = [r["val_rmse"] for r in runs if r["kind"] == "changes"]
    seed0 = changes_val[0]
    winner = "LSTM on changes" if seed0 < (1 - WIN_MARGIN) * ar_val[order] else f"linear AR({order})"
    print(f"validation: AR({order}) {ar_val[order]:.3f}, persistence {ppm(data, persistence(data['val'][0]), 'val'):.3f}, "
          f"LSTM on changes seed 0 {seed0:.3f} (seeds: {np.round(changes_val, 3).tolist()}) -> winner: {winner}")
    X_test = data["test"][0]
    test = {"persistence": ppm(data, persistence(X_test), "test"), f"linear AR({order})": ppm(data, ar.predict(X_test), "test"),
            "LSTM on levels": ppm(data, forecaster("levels", models["levels", 0])(X_test), "test"),
            "LSTM on changes": ppm(data, forecaster("changes", models["changes", 0])(X_test), "test")}
    print("test (once): " + ", ".join(f"{k} {v:.3f}" for k, v in test.items()))
    total_wall, total_cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    print(f"total: wall {total_wall:.0f} s, CPU {total_cpu:.0f} s")
    if args.save:
        content = {"produced_by": "benchmarks/co2_lstm.py " + " ".join(argv),
                   "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": info,
                   "protocol": {"lookback": LOOKBACK, "hidden_size": HIDDEN, "batch_size": BATCH_SIZE,
                                "clip_norm": CLIP_NORM, "recipes": RECIPES, "win_margin": WIN_MARGIN},
                   "ar_val_rmse": {str(p): round(v, 4) for p, v in ar_val.items()}, "ar_order": order,
                   "runs": runs, "winner_on_validation": winner, "test_rmse": {k: round(v, 4) for k, v in test.items()},
                   "total_wall_seconds": round(total_wall), "total_cpu_seconds": round(total_cpu)}
        RESULTS.write_text(json.dumps(content, indent=1) + "\n")
        for kind, path in CHECKPOINTS.items():
            row = next(r for r in runs if r["kind"] == kind and r["seed"] == 0)
            save_checkpoint(models[kind, 0], path, kind=kind, hidden_size=HIDDEN, seed=0, lookback=LOOKBACK,
                            **RECIPES[kind], best_step=row["best_step"], val_rmse=row["val_rmse"])
            print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size / 1e3:.0f} kB)")
        print(f"wrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main(sys.argv[1:])
