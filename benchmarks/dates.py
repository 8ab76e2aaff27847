"""Dates → ISO with and without attention: how long training takes, and what the bottleneck costs (notebook 07).

    python benchmarks/dates.py            # 3 seeds x (additive, dot-product, none); checkpoints + results
    python benchmarks/dates.py --quick    # one seed, 60 steps each: a smoke run that writes nothing

Every model follows ``lessons_lib.translation.date_task.DATE_RECIPE``: a fresh batch of 128 examples
(random training date, random format) every step, Adam, clipping at 1; every 50 steps the exact match
on 1,000 validation examples (held-out dates); stop at 99.8 % or after 600 steps. Then the test
examples (2,000, other held-out dates) are scored once: exact match and per-character accuracy,
overall and per input length.

Prints, per model and seed: steps, training wall seconds (evaluations included) and process CPU
seconds, validation and test exact match; then the medians. Seed 0's models are saved (float32,
well under 1 MB each) to ``benchmarks/checkpoints/dates_<attention>.pt`` with their recipe and scores,
and every run to ``benchmarks/results/dates.json``; notebook 07 loads both. Run it with one thread
(``OMP_NUM_THREADS=1``), under ``flock -x /work/cpu.lock`` for the timings it reports.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from adding_problem import machine  # noqa: E402

from lessons_lib.training import evaluating, save_checkpoint, set_seed  # noqa: E402
from lessons_lib.translation.date_task import (DATE_RECIPE, by_length, date_batches, date_data,  # noqa: E402
                                               evaluate_dates, examples_batch)
from lessons_lib.translation.seq2seq import Seq2Seq, count_parameters  # noqa: E402
from lessons_lib.translation.trainer import batch_loss, train_seq2seq  # noqa: E402

HERE = Path(__file__).resolve().parent
CHECKPOINTS, RESULTS = HERE / "checkpoints", HERE / "results" / "dates.json"
KINDS = ("additive", "dot", "none")


def run(kind: str, seed: int, recipe, data) -> tuple[Seq2Seq, dict]:
    set_seed(seed)
    model = Seq2Seq(recipe.config(kind))
    val_batch = examples_batch(data.val)

    def evaluate() -> dict:
        with evaluating(model):
            loss = batch_loss(model, val_batch).item()
        return {"loss": loss, "exact_match": evaluate_dates(model, data.val).exact_match}

    cpu = time.process_time()
    result = train_seq2seq(model, date_batches(data.split.train, recipe.batch_size, seed=seed), recipe.max_steps,
                           recipe.lr, evaluate, eval_every=recipe.eval_every, clip_norm=recipe.clip_norm,
                           stop_when=lambda m: m["exact_match"] >= recipe.target_exact_match, progress=False)
    cpu = time.process_time() - cpu
    test = evaluate_dates(model, data.test)
    record = {"attention": kind, "seed": seed, "parameters": count_parameters(model), "steps": result.steps,
              "stopped_because": result.stopped_because, "train_seconds": result.seconds, "train_cpu_seconds": cpu,
              "val_exact_match": result.evaluations[-1]["exact_match"],
              "curve": [{k: e[k] for k in ("step", "seconds", "loss", "exact_match")} for e in result.evaluations],
              "train_loss": result.history.train_loss,
              "test_exact_match": test.exact_match, "test_char_accuracy": test.char_accuracy,
              "test_by_length": by_length(test, data.test)}
    return model, record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one seed, 60 steps, nothing written")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    recipe = replace(DATE_RECIPE, max_steps=60) if args.quick else DATE_RECIPE
    seeds = range(1 if args.quick else args.seeds)
    data = date_data(0, recipe)
    print(f"recipe: {recipe}")
    print(f"data: {len(data.split.train)} training dates, {len(data.val)} validation and {len(data.test)} test "
          "examples from held-out dates")
    print(f"{'attention':>9} {'seed':>4} {'params':>7} {'steps':>5} {'wall s':>7} {'CPU s':>6} {'val EM':>7} "
          f"{'test EM':>8} {'test char':>9}", flush=True)
    records = []
    for kind in KINDS:
        for seed in seeds:
            model, record = run(kind, seed, recipe, data)
            records.append(record)
            print(f"{kind:>9} {seed:>4} {record['parameters']:>7} {record['steps']:>5} {record['train_seconds']:>7.1f} "
                  f"{record['train_cpu_seconds']:>6.1f} {record['val_exact_match']:>7.2%} "
                  f"{record['test_exact_match']:>8.2%} {record['test_char_accuracy']:>9.2%}", flush=True)
            if seed == 0 and not args.quick:
                CHECKPOINTS.mkdir(exist_ok=True)
                save_checkpoint(model, CHECKPOINTS / f"dates_{kind}.pt", config=recipe.config(kind).as_dict(),
                                recipe=asdict(recipe), steps=record["steps"],
                                train_seconds=round(record["train_seconds"], 1),
                                test_exact_match=record["test_exact_match"],
                                test_char_accuracy=record["test_char_accuracy"])
    print("\nmedians over seeds")
    for kind in KINDS:
        mine = [r for r in records if r["attention"] == kind]
        median = lambda key: statistics.median(r[key] for r in mine)
        print(f"{kind:>9}: steps {median('steps'):.0f}, training {median('train_seconds'):.1f} s wall "
              f"({median('train_cpu_seconds'):.1f} s CPU), test exact match {median('test_exact_match'):.2%} "
              f"(lowest {min(r['test_exact_match'] for r in mine):.2%}), per character {median('test_char_accuracy'):.2%}")
        for label, n, em, ch in zip(*(mine[0]["test_by_length"][k] for k in ("label", "n", "exact_match",
                                                                              "char_accuracy"))):
            print(f"{'':>13}seed 0, input length {label:>6} characters (n = {n:>4}): exact {em:7.2%}, per char {ch:7.2%}")
    if not args.quick:
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps({"recipe": asdict(recipe), "machine": machine(),
                                       "date": time.strftime("%Y-%m-%d"), "runs": records}, indent=1) + "\n")
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)} and benchmarks/checkpoints/dates_*.pt")


if __name__ == "__main__":
    main()
