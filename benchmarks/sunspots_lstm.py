"""Which LSTM settings forecast the yearly sunspots best on validation, and does it beat linear AR? (notebook 04)

    python benchmarks/sunspots_lstm.py            # the search, the choice, the test set once; prints tables
    python benchmarks/sunspots_lstm.py --save     # also writes results/sunspots_lstm.json, checkpoints/sunspots_lstm.pt
    python benchmarks/sunspots_lstm.py --quick    # 2 settings x 2 seeds: a smoke run that writes nothing

The protocol of notebook 04, section 3 (same windows, split and scaling):
1. AR(p): the order p with the lowest validation RMSE among ``AR_ORDERS``.
2. LSTM: every hidden size x learning rate of the grid, 5 seeds each; Adam, batches of 32 windows
   reshuffled each epoch, gradient clipping at norm 1, evaluation once per epoch, early stopping with
   patience 30 (at most 300 epochs) and the best epoch's weights restored. The settings with the lowest
   mean validation RMSE over the seeds are chosen.
3. The winner, on validation: the LSTM only if its mean validation RMSE is more than 5 % below AR's
   (about the LSTM's seed-to-seed spread); otherwise the simpler model, AR.
4. The test years, once: the baselines, AR, and the chosen LSTM settings (every seed).
5. Over-fitting: the chosen settings, seed 0, trained for ``OVERFIT_EPOCHS`` epochs *without* early stopping;
   its training and validation losses per epoch are saved for notebook 04's over-fitting plot.

``--save`` writes every run (settings, validation RMSE, steps, CPU seconds), the choice and the test
numbers with the date and the machine to ``benchmarks/results/sunspots_lstm.json``, and the seed-0 model of
the chosen settings to ``benchmarks/checkpoints/sunspots_lstm.pt`` (float32, about 270 kB), which notebook
04 loads, and the curves of the over-fitting run (part 5). Run with one thread (``make benchmarks`` sets OMP_NUM_THREADS=1).
"""
from __future__ import annotations

import argparse
import datetime
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from adding_problem import machine
from lessons_lib.baselines import LinearAR, mean_forecast, persistence, rmse, seasonal_naive
from lessons_lib.data import Standardizer, load_sunspots, make_windows, split_by_target
from lessons_lib.models import SequenceRegressor
from lessons_lib.training import EpochBatches, fit, predict, save_checkpoint, set_seed

HERE = Path(__file__).resolve().parent
RESULTS, CHECKPOINT = HERE / "results" / "sunspots_lstm.json", HERE / "checkpoints" / "sunspots_lstm.pt"
LOOKBACK, BATCH_SIZE, CLIP_NORM, MAX_EPOCHS, PATIENCE = 20, 32, 1.0, 300, 30
AR_ORDERS = [1, 2, 3, 5, 9, 12, 15, 20]
HIDDEN_SIZES, LEARNING_RATES, SEEDS = [8, 16, 32, 64, 128], [0.003, 0.01, 0.03], [0, 1, 2, 3, 4]
OVERFIT_EPOCHS = 150
WIN_MARGIN = 0.05   # the LSTM must be this much better than AR on validation to be chosen


def sunspot_windows() -> dict:
    """Notebook 04's data: windows of 20 standardised years; train 1700-1919, validation 1920-59, test 1960-2008."""
    sun = load_sunspots()
    val_start, test_start = (int(np.flatnonzero(sun.time == year)[0]) for year in (1920, 1960))
    scaler = Standardizer.fit(sun.values[:val_start])
    X, Y, target_start = make_windows(scaler.transform(sun.values), LOOKBACK, 1, return_index=True)
    parts = split_by_target(target_start, 1, (val_start, test_start))
    data = {name: (X[:, mask], Y[mask]) for name, mask in zip(("train", "val", "test"), parts)}
    return {"scaler": scaler, **data}


def train_lstm(data: dict, hidden_size: int, lr: float, seed: int) -> tuple[SequenceRegressor, dict]:
    """One run of the protocol; returns the model (best epoch restored) and what it recorded."""
    set_seed(seed)
    model = SequenceRegressor(1, hidden_size)
    batches = EpochBatches(*data["train"], batch_size=BATCH_SIZE, seed=seed)
    start = time.process_time()
    history = fit(model, batches, data["val"], max_steps=MAX_EPOCHS * batches.steps_per_epoch,
                  eval_every=batches.steps_per_epoch, lr=lr, clip_norm=CLIP_NORM, patience=PATIENCE, progress=False)
    return model, {"hidden_size": hidden_size, "lr": lr, "seed": seed, "steps_run": history.steps[-1],
                   "best_step": history.best_step, "val_rmse": round(errors(data, predict(model, data["val"][0]), "val"), 4),
                   "cpu_seconds": round(time.process_time() - start, 2)}


def overfit_run(data: dict, hidden_size: int, lr: float, seed: int = 0, epochs: int = OVERFIT_EPOCHS) -> dict:
    """The protocol's run without early stopping, for OVERFIT_EPOCHS epochs: the losses at every epoch.

    Until the early-stopped run of the same settings and seed ends, the two are the same run (same seed,
    same batches), so their validation curves agree there.
    """
    set_seed(seed)
    model = SequenceRegressor(1, hidden_size)
    batches = EpochBatches(*data["train"], batch_size=BATCH_SIZE, seed=seed)
    history = fit(model, batches, data["val"], max_steps=epochs * batches.steps_per_epoch,
                  eval_every=batches.steps_per_epoch, lr=lr, clip_norm=CLIP_NORM, progress=False)
    return {"hidden_size": hidden_size, "lr": lr, "seed": seed, "epochs": epochs,
            "steps_per_epoch": batches.steps_per_epoch, "steps": history.steps,
            "train_loss": [float(f"{v:.5g}") for v in history.train_loss],
            "val_loss": [float(f"{v:.5g}") for v in history.val_loss],
            "parameters": sum(p.numel() for p in model.parameters())}


def errors(data: dict, prediction: np.ndarray, part: str) -> float:
    """RMSE in sunspot numbers (the scaling undone) of a standardised forecast on one part."""
    return rmse(data["scaler"].inverse(prediction), data["scaler"].inverse(data[part][1]))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2 settings x 2 seeds, nothing written")
    parser.add_argument("--save", action="store_true", help="write the results file and the checkpoint")
    args = parser.parse_args(argv)
    if args.save and args.quick:
        parser.error("--save writes the files notebook 04 reads, which need the full search: drop --quick")
    torch.set_num_threads(1)
    hidden_sizes, learning_rates, seeds = ([16, 32], [0.01], [0, 1]) if args.quick else (HIDDEN_SIZES, LEARNING_RATES, SEEDS)
    info = machine()
    print(f"machine: {info['cpu']}, torch {info['torch']}, {info['torch_threads']} thread(s)", flush=True)
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    data = sunspot_windows()

    ar_val = {p: errors(data, LinearAR.fit(*data["train"], order=p).predict(data["val"][0]), "val") for p in AR_ORDERS}
    order = min(ar_val, key=ar_val.get)
    ar = LinearAR.fit(*data["train"], order=order)
    print(f"== 1. AR order on validation: {({p: round(v, 2) for p, v in ar_val.items()})} -> p = {order}\n", flush=True)

    print(f"== 2. LSTM settings on validation ({len(seeds)} seeds each; RMSE in sunspot numbers)", flush=True)
    print(f"{'hidden':>6} {'lr':>6} {'val RMSE mean':>13} {'sd':>5} {'epochs run (median)':>20} {'CPU s':>6}")
    runs, models = [], {}
    steps_per_epoch = EpochBatches(*data["train"], batch_size=BATCH_SIZE).steps_per_epoch
    for hidden_size in hidden_sizes:
        for lr in learning_rates:
            rows = []
            for seed in seeds:
                models[hidden_size, lr, seed], row = train_lstm(data, hidden_size, lr, seed)
                rows.append(row)
            runs.extend(rows)
            values = [r["val_rmse"] for r in rows]
            print(f"{hidden_size:>6} {lr:>6g} {np.mean(values):>13.2f} {np.std(values):>5.2f} "
                  f"{statistics.median(r['steps_run'] for r in rows) / steps_per_epoch:>20.0f} "
                  f"{sum(r['cpu_seconds'] for r in rows):>6.1f}", flush=True)
    settings = {(h, lr): np.mean([r["val_rmse"] for r in runs if (r["hidden_size"], r["lr"]) == (h, lr)])
                for h in hidden_sizes for lr in learning_rates}
    chosen = min(settings, key=settings.get)
    lstm_val = float(settings[chosen])
    winner = "LSTM" if lstm_val < (1 - WIN_MARGIN) * ar_val[order] else f"AR({order})"
    print(f"\nchosen: hidden {chosen[0]}, lr {chosen[1]:g} (mean validation RMSE {lstm_val:.2f}); "
          f"AR({order}) {ar_val[order]:.2f} -> winner on validation: {winner}\n", flush=True)

    X_test = data["test"][0]
    test = {"persistence": errors(data, persistence(X_test), "test"),
            "seasonal naive (11 y)": errors(data, seasonal_naive(X_test, period=11), "test"),
            "training mean": errors(data, mean_forecast(data["train"][1], X_test.shape[1]), "test"),
            f"linear AR({order})": errors(data, ar.predict(X_test), "test")}
    lstm_test = [errors(data, predict(models[chosen + (seed,)], X_test), "test") for seed in seeds]
    print(f"== 3. The test years, once (RMSE): " + ", ".join(f"{k} {v:.1f}" for k, v in test.items())
          + f"; LSTM (hidden {chosen[0]}, lr {chosen[1]:g}) per seed {np.round(lstm_test, 1).tolist()}, "
          f"mean {np.mean(lstm_test):.1f} ± {np.std(lstm_test):.1f}", flush=True)

    overfit = overfit_run(data, *chosen, epochs=5 if args.quick else OVERFIT_EPOCHS)
    best = min(range(len(overfit["val_loss"])), key=overfit["val_loss"].__getitem__)
    print(f"== 4. Over-fitting: hidden {chosen[0]}, lr {chosen[1]:g}, seed 0, {overfit['epochs']} epochs without early "
          f"stopping: best validation MSE {overfit['val_loss'][best]:.3f} after epoch {best + 1}; at the end training "
          f"MSE {overfit['train_loss'][-1]:.4f}, validation MSE {overfit['val_loss'][-1]:.3f}", flush=True)
    total_wall, total_cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start
    print(f"total: wall {total_wall:.0f} s, CPU {total_cpu:.0f} s")
    if args.save:
        content = {"produced_by": "benchmarks/sunspots_lstm.py " + " ".join(argv),
                   "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": info,
                   "protocol": {"lookback": LOOKBACK, "batch_size": BATCH_SIZE, "clip_norm": CLIP_NORM,
                                "max_epochs": MAX_EPOCHS, "patience": PATIENCE, "win_margin": WIN_MARGIN},
                   "ar_val_rmse": {str(p): round(v, 4) for p, v in ar_val.items()}, "ar_order": order,
                   "runs": runs, "chosen": {"hidden_size": chosen[0], "lr": chosen[1], "val_rmse": round(lstm_val, 4)},
                   "winner_on_validation": winner,
                   "test_rmse": {**{k: round(v, 4) for k, v in test.items()},
                                 "LSTM per seed": [round(v, 4) for v in lstm_test]},
                   "overfit": overfit,
                   "total_wall_seconds": round(total_wall), "total_cpu_seconds": round(total_cpu)}
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(content, indent=1) + "\n")
        CHECKPOINT.parent.mkdir(parents=True, exist_ok=True)
        run = next(r for r in runs if (r["hidden_size"], r["lr"], r["seed"]) == chosen + (0,))
        save_checkpoint(models[chosen + (0,)], CHECKPOINT, hidden_size=chosen[0], lr=chosen[1], seed=0,
                        lookback=LOOKBACK, best_step=run["best_step"], val_rmse=run["val_rmse"],
                        scaler_mean=data["scaler"].mean, scaler_std=data["scaler"].std)
        print(f"wrote {RESULTS.relative_to(HERE.parent)} and {CHECKPOINT.relative_to(HERE.parent)} "
              f"({CHECKPOINT.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
