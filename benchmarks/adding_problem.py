"""How fast does an LSTM solve the adding problem at T = 100, and how do the cells compare? (notebook 05)

    python benchmarks/adding_problem.py            # headline (5 seeds) + sweep (3 seeds) + copy task
    python benchmarks/adding_problem.py --quick    # headline only
    python benchmarks/adding_problem.py --save     # also write benchmarks/results/long_range.json
    python benchmarks/adding_problem.py --quick --save   # re-measure the headline only, in the existing file
    python benchmarks/adding_problem.py --quick --search   # the recipe search (LSTM, T = 100), ~10 min

Prints:
1. the headline: steps, training sequences and seconds (process CPU and wall) for the LSTM
   (forget bias 1) to reach test MSE < 0.01 on the adding problem at T = 100, per seed and the median;
2. the sweep: tanh RNN, LSTM (forget bias 0 and 1) and GRU at several lengths T, every model with
   the same step budget, the same batches and the same recipe (lessons_lib.long_range.ADDING_RECIPE);
   solved runs, median steps to solve, median CPU seconds, median final test MSE;
3. a fairness check: the tanh RNN at T = 100 with a 10x smaller learning rate and a larger budget;
4. the copy task: LSTM and GRU at a short and a long delay, against the memoryless baseline;
5. with ``--search`` only: the small search that chose the recipe — the LSTM (forget bias 1) at T = 100
   over hidden size x batch size x learning rate, steps and CPU seconds to solve.

``--save`` writes every run (settings, validation curve, test loss, seconds) with the date, the
machine and the library versions to ``benchmarks/results/long_range.json``, and the four seed-0 models of
the sweep at T = 100 (with the gradient norm of every step in the results file) to
``benchmarks/checkpoints/adding_T100_<model>.pt`` (about 20 kB each); notebook 05 plots the results and
loads the models.
Run it with one thread (``make benchmarks`` sets OMP_NUM_THREADS=1). CPU time is the process time of
the training alone; wall time includes waiting for the CPU on a shared machine. Timings taken while other
programs run are inflated (two busy hyperthreads slow each other down): ``--quick --save`` re-measures the
headline on a quiet machine and replaces only the headline runs of the results file.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from lessons_lib.long_range import ADDING_RECIPE, RunResult, train_long_range
from lessons_lib.synthetic_tasks import ADDING_BASELINE_MSE, copy_baseline_cross_entropy
from lessons_lib.training import save_checkpoint

RESULTS = Path(__file__).resolve().parent / "results" / "long_range.json"
CHECKPOINTS = Path(__file__).resolve().parent / "checkpoints"
KEPT_T = 100   # the sweep's seed-0 models at this length are saved for notebook 05
MODELS = [("rnn", None), ("lstm", 0.0), ("lstm", 1.0), ("gru", None)]
LABELS = {("rnn", None): "tanh RNN", ("lstm", 0.0): "LSTM fb 0", ("lstm", 1.0): "LSTM fb 1", ("gru", None): "GRU"}


def machine() -> dict:
    """Where the numbers were measured."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "logical_cores": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads(), "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS"),
            "load_average_1min": round(os.getloadavg()[0], 2)}


def checkpoint_name(cell: str, forget_bias) -> str:
    """``adding_T100_rnn.pt``, ``adding_T100_lstm_fb1.pt``, ...: where a kept model is saved."""
    return f"adding_T{KEPT_T}_{cell}" + ("" if forget_bias is None else f"_fb{forget_bias:g}") + ".pt"


def record(result: RunResult, **extra) -> dict:
    """A run as plain JSON: settings, validation curve (4 significant digits), outcome, seconds."""
    history = result.history
    return {"task": result.task, "cell": result.cell, "forget_bias": result.forget_bias, "T": result.T,
            "seed": result.seed, "recipe": result.recipe.__dict__, "solved_step": result.solved_step,
            "steps_run": history.steps[-1], "test_loss": round(result.test_loss, 5),
            "test_accuracy": None if result.test_accuracy is None else round(result.test_accuracy, 4),
            "cpu_seconds": round(result.cpu_seconds, 2), "wall_seconds": round(result.wall_seconds, 2),
            "curve_steps": history.steps, "curve_val_loss": [float(f"{v:.4g}") for v in history.val_loss],
            **extra}


def median(values):
    return statistics.median(values) if values else float("nan")


def headline(seeds: int, budget: int, runs: list) -> None:
    print(f"== 1. LSTM (forget bias 1) on the adding problem, T = 100: stop at validation MSE < 0.01, solved if test MSE < 0.01 too "
          f"(recipe: {ADDING_RECIPE})", flush=True)
    rows = []
    for seed in range(seeds):
        result = train_long_range("adding", "lstm", 100, forget_bias=1.0, max_steps=budget, seed=seed)
        runs.append(record(result, part="headline"))
        solved = result.solved_step is not None and result.test_loss < 0.01
        rows.append((result, solved))
        print(f"seed {seed}: {'solved' if solved else 'NOT solved'} at step {result.history.steps[-1]} "
              f"({result.sequences_seen} sequences), test MSE {result.test_loss:.4f}, "
              f"CPU {result.cpu_seconds:.1f} s, wall {result.wall_seconds:.1f} s", flush=True)
    solved = [r for r, ok in rows if ok]
    print(f"solved {len(solved)}/{seeds}; median over solved runs: "
          f"{median([r.history.steps[-1] for r in solved]):.0f} steps, "
          f"{median([r.sequences_seen for r in solved]):.0f} sequences, "
          f"CPU {median([r.cpu_seconds for r in solved]):.1f} s, wall {median([r.wall_seconds for r in solved]):.1f} s "
          f"(goal: <= 30 s)\n", flush=True)


def sweep(lengths: list[int], seeds: int, budget: int, runs: list, kept: dict) -> None:
    print(f"== 2. Sweep: same recipe, same batches, budget {budget} steps, stop at val MSE < 0.01; "
          f"{seeds} seeds. Baseline (predict 1.0): MSE {ADDING_BASELINE_MSE:.3f}", flush=True)
    print(f"{'T':>4} {'model':<10} {'solved':>6} {'median steps':>12} {'median CPU s':>12} {'median test MSE':>15}")
    for T in lengths:
        for cell, forget_bias in MODELS:
            results = []
            for seed in range(seeds):
                result = train_long_range("adding", cell, T, forget_bias=forget_bias, max_steps=budget, seed=seed)
                extra = {}
                if T == KEPT_T and seed == 0:   # notebook 05 loads this model and plots its gradient norms
                    kept[checkpoint_name(cell, forget_bias)] = result.model
                    extra = {"checkpoint": checkpoint_name(cell, forget_bias),
                             "grad_norm": [float(f"{g:.3g}") for g in result.history.grad_norm]}
                runs.append(record(result, part="sweep", **extra))
                results.append(result)
            solved = [r for r in results if r.solved_step is not None]
            steps = median([r.solved_step for r in solved]) if solved else float("nan")
            print(f"{T:>4} {LABELS[(cell, forget_bias)]:<10} {len(solved):>3}/{seeds:<2} "
                  f"{steps:>12.0f} {median([r.cpu_seconds for r in results]):>12.1f} "
                  f"{median([r.test_loss for r in results]):>15.4f}", flush=True)
    print(flush=True)


def rnn_fairness(seeds: int, budget: int, runs: list) -> None:
    print(f"== 3. Is lr = 1e-2 unfair to the tanh RNN? T = 100 with lr = 1e-3, budget {budget} steps", flush=True)
    for seed in range(seeds):
        result = train_long_range("adding", "rnn", 100, max_steps=budget, seed=seed, lr=1e-3)
        runs.append(record(result, part="rnn_lr_1e-3"))
        print(f"seed {seed}: solved at {result.solved_step}, min val MSE {min(result.history.val_loss):.4f}, "
              f"test MSE {result.test_loss:.4f}, CPU {result.cpu_seconds:.1f} s", flush=True)
    print(flush=True)


def copy(delays: list[int], budget: int, runs: list) -> None:
    print(f"== 4. Copy task (10 symbols from 8), same recipe, no early stop, budget {budget} steps, seed 0", flush=True)
    print(f"{'T':>4} {'model':<10} {'baseline CE':>11} {'test CE':>8} {'recall acc':>10} {'CPU s':>6}")
    for T in delays:
        baseline = copy_baseline_cross_entropy(T)
        for cell, forget_bias in (("lstm", 1.0), ("gru", None)):
            result = train_long_range("copy", cell, T, forget_bias=forget_bias, max_steps=budget, seed=0,
                                      target_loss=None)
            runs.append(record(result, part="copy", baseline=baseline))
            print(f"{T:>4} {LABELS[(cell, forget_bias)]:<10} {baseline:>11.4f} {result.test_loss:>8.4f} "
                  f"{result.test_accuracy:>10.3f} {result.cpu_seconds:>6.1f}", flush=True)
    print("(recall accuracy of a guess: 0.125)\n", flush=True)


def search(seeds: int, budget: int, runs: list) -> None:
    print(f"== 5. Recipe search: LSTM (forget bias 1), T = 100, budget {budget} steps, {seeds} seeds", flush=True)
    print(f"{'hidden':>6} {'batch':>5} {'lr':>6} {'solved':>6} {'median steps':>12} {'median CPU s':>12}")
    for hidden in (16, 32, 64):
        for batch in (32, 64, 128):
            for lr in (3e-3, 1e-2):
                results = [train_long_range("adding", "lstm", 100, forget_bias=1.0, max_steps=budget, seed=seed,
                                            hidden_size=hidden, batch_size=batch, lr=lr) for seed in range(seeds)]
                runs.extend(record(r, part="search") for r in results)
                solved = [r for r in results if r.solved_step is not None]
                steps = median([r.solved_step for r in solved]) if solved else float("nan")
                print(f"{hidden:>6} {batch:>5} {lr:>6g} {len(solved):>3}/{seeds:<2} {steps:>12.0f} "
                      f"{median([r.cpu_seconds for r in results]):>12.1f}", flush=True)
    print(flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="the headline only")
    parser.add_argument("--seeds", type=int, default=5, help="seeds for the headline (default 5)")
    parser.add_argument("--sweep-seeds", type=int, default=3, help="seeds per sweep cell (default 3)")
    parser.add_argument("--lengths", type=int, nargs="+", default=[10, 25, 50, 100])
    parser.add_argument("--budget", type=int, default=3000, help="step budget of each sweep run (default 3000)")
    parser.add_argument("--copy-delays", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--copy-budget", type=int, default=2000)
    parser.add_argument("--search", action="store_true", help="also run the recipe search (part 5)")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.relative_to(RESULTS.parents[2])}")
    args = parser.parse_args(argv)
    if args.save and args.quick and not RESULTS.exists():
        parser.error(f"--quick --save updates the headline of {RESULTS.name}, which does not exist yet: run --save first")
    torch.set_num_threads(1)
    info = machine()
    print(f"machine: {info['cpu']}, {info['logical_cores']} logical cores, torch {info['torch']}, "
          f"{info['torch_threads']} torch thread(s), OMP_NUM_THREADS={info['OMP_NUM_THREADS']}\n", flush=True)
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    runs: list = []
    kept: dict = {}
    headline(args.seeds, 5000, runs)
    if not args.quick:
        sweep(args.lengths, args.sweep_seeds, args.budget, runs, kept)
        rnn_fairness(args.sweep_seeds, 3 * args.budget, runs)
        copy(args.copy_delays, args.copy_budget, runs)
    if args.search:
        search(args.sweep_seeds, 4000, runs)
    total_wall, total_cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    print(f"total: wall {total_wall:.0f} s, CPU {total_cpu:.0f} s")
    if args.save and args.quick:
        content = json.loads(RESULTS.read_text())
        content["runs"] = runs + [r for r in content["runs"] if r["part"] != "headline"]
        content["headline_measured"] = {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                                        "machine": info, "by": "benchmarks/adding_problem.py " + " ".join(argv)}
        RESULTS.write_text(json.dumps(content, indent=None, separators=(",", ":")) + "\n")
        print(f"replaced the headline runs of {RESULTS}")
    elif args.save:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        content = {"produced_by": "benchmarks/adding_problem.py " + " ".join(argv),
                   "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                   "machine": info, "total_wall_seconds": round(total_wall), "total_cpu_seconds": round(total_cpu),
                   "runs": runs}
        RESULTS.write_text(json.dumps(content, indent=None, separators=(",", ":")) + "\n")
        print(f"wrote {RESULTS} ({RESULTS.stat().st_size / 1e3:.0f} kB)")
        CHECKPOINTS.mkdir(exist_ok=True)
        for name, model in kept.items():
            save_checkpoint(model, CHECKPOINTS / name, T=KEPT_T, seed=0, recipe=ADDING_RECIPE.__dict__)
            print(f"wrote {CHECKPOINTS / name} ({(CHECKPOINTS / name).stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main(sys.argv[1:])
