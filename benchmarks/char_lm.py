"""Train the character language models that notebook 06 loads, and print their figures.

    python benchmarks/char_lm.py                      # tiny Shakespeare: the chosen recipe (about 20 min)
    python benchmarks/char_lm.py --corpus tang        # the Tang quatrains
    python benchmarks/char_lm.py --quick              # a smoke run of a few seconds; writes only to a temporary folder
    python benchmarks/char_lm.py --stateless          # the same recipe and steps, the state zeroed at every window
    python benchmarks/char_lm.py --seconds 120 --out /tmp/x   # the same recipe with another time budget, elsewhere

Each run trains one recipe on the training part of the corpus (contiguous split 90/5/5, see
``lessons_lib.language.corpus``), evaluates on the validation part every ``eval_every`` steps, keeps the
best weights, and prints: the wall time, the validation cross-entropy of the trained model and of
its float16 checkpoint (the file stores float16 weights; they are converted back to float32 on
loading), and the best n-gram's validation cross-entropy for comparison. The test part is never
read here: notebook 06 reports it once.

Writes ``benchmarks/checkpoints/char_lm_<corpus>.pt`` (loaded with ``weights_only=True``) and
``benchmarks/results/char_lm_<corpus>.json`` (recipe, curve, numbers, machine). ``--stateless`` writes only
``benchmarks/results/char_lm_<corpus>_stateless.json``, a training-time comparison: the same recipe for
the *same number of steps* as the stateful run in ``char_lm_<corpus>.json`` (a step budget with the same cosine
schedule, so its wall time does not matter and it needs no quiet machine), with the state zeroed at every
window; its validation loss is measured read continuously (as for every model) and with the state reset at
every window (as it was trained). Notebook 06 sets the two records side by side. Time the stateful runs on
a quiet machine; torch
uses ``--threads`` threads (default 2).
"""
from __future__ import annotations

import argparse
import datetime
import json
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch

from adding_problem import machine
from lessons_lib.language import (CharLM, NGramModel, Vocabulary, choose_order, contiguous_split, load_shakespeare,
                                  load_tang_quatrains, poems_to_text)
from lessons_lib.language.char_lm import cross_entropy, load_char_lm, save_char_lm
from lessons_lib.language.trainer import LMRecipe, train_char_lm

HERE = Path(__file__).resolve().parent

MODELS = {
    "shakespeare": dict(embedding_size=64, hidden_size=512, num_layers=1, cell="lstm", dropout=0.25),
    "tang": dict(embedding_size=192, hidden_size=192, num_layers=1, cell="lstm", dropout=0.1, tie_weights=True),
}
RECIPES = {
    "shakespeare": LMRecipe(batch_size=64, window=100, steps=100_000, seconds=20 * 60, lr=2e-3, eval_every=250),
    "tang": LMRecipe(batch_size=64, window=64, steps=100_000, seconds=8 * 60, lr=3e-3, eval_every=250),
}
QUICK_MODEL = dict(embedding_size=16, hidden_size=32, num_layers=1, cell="lstm")
QUICK_RECIPE = LMRecipe(batch_size=16, window=32, steps=40, eval_every=20)


def corpus_ids(corpus: str):
    """``(vocabulary, Split of ids)`` with the collection's splits and unknown-character policy."""
    if corpus == "shakespeare":
        split = contiguous_split(load_shakespeare())
        vocabulary = Vocabulary.from_text(split.train, unknown=None)      # all 65 characters occur in training
    else:
        split = contiguous_split(load_tang_quatrains())                  # whole poems, in corpus order
        split = type(split)(*(poems_to_text(part) for part in split))
        vocabulary = Vocabulary.from_text(split.train, min_count=2)      # characters seen once -> '�'
    return vocabulary, type(split)(*(vocabulary.encode(part) for part in split))


def out_dir_of(args) -> Path:
    if args.out is not None:
        return args.out
    if args.quick:
        if not hasattr(args, "_quick_dir"):
            args._quick_dir = Path(tempfile.mkdtemp(prefix="char_lm_quick_"))
        return args._quick_dir
    return HERE


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=sorted(MODELS), default="shakespeare")
    parser.add_argument("--quick", action="store_true", help="a smoke run; writes to a temporary folder only")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stateless", action="store_true", help="zero the state at every window (the comparison run)")
    parser.add_argument("--seconds", type=float, help="another time budget than the recipe's (for trying things out)")
    parser.add_argument("--out", type=Path, help="write checkpoints/ and results/ under this folder instead")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    vocabulary, ids = corpus_ids(args.corpus)
    config = dict(QUICK_MODEL if args.quick else MODELS[args.corpus], vocab_size=len(vocabulary))
    recipe = QUICK_RECIPE if args.quick else RECIPES[args.corpus]
    if args.seconds is not None:
        recipe = replace(recipe, seconds=args.seconds)
    if args.stateless:
        stateful_file = out_dir_of(args) / "results" / f"char_lm_{args.corpus}.json"
        if args.quick:
            steps = recipe.steps
        elif stateful_file.is_file():
            steps = json.loads(stateful_file.read_text(encoding="utf-8"))["steps_done"]
        else:
            raise SystemExit(f"--stateless repeats the stateful run's number of steps: run the stateful benchmark "
                             f"first (no {stateful_file})")
        recipe = replace(recipe, stateful=False, seconds=None, steps=steps)
    name = f"char_lm_{args.corpus}" + ("_stateless" if args.stateless else "")
    out_dir = out_dir_of(args)
    checkpoint = out_dir / "checkpoints" / f"{name}.pt"
    if args.stateless:                                   # the comparison run keeps no checkpoint
        checkpoint = Path(tempfile.mkdtemp(prefix="char_lm_stateless_")) / f"{name}.pt"
    results = out_dir / "results" / f"{name}.json"
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    results.parent.mkdir(parents=True, exist_ok=True)
    print(f"corpus {args.corpus}: train {len(ids.train):,}, validation {len(ids.val):,} characters, "
          f"vocabulary {len(vocabulary)}", flush=True)
    print(f"model {config}\nrecipe {recipe}", flush=True)

    torch.manual_seed(recipe.seed)
    model = CharLM(**config)
    print(f"{sum(p.numel() for p in model.parameters()):,} parameters; torch threads {torch.get_num_threads()}", flush=True)
    start = time.perf_counter()
    run = train_char_lm(model, ids.train, ids.val, recipe, progress=False, log=lambda line: print(line, flush=True))
    wall = time.perf_counter() - start
    live_val = cross_entropy(model, ids.val)
    reset_val = cross_entropy(model, ids.val, window=recipe.window, stateful=False)

    save_char_lm(model, vocabulary, checkpoint, corpus=args.corpus, recipe=recipe.as_dict(),
                 best_step=run.best_step, steps_done=run.steps_done)
    reloaded, _, _ = load_char_lm(checkpoint)
    checkpoint_val = cross_entropy(reloaded, ids.val)

    ngram_start = time.perf_counter()
    ngram = NGramModel.fit(ids.train, 8, len(vocabulary))
    best_order, ngram_losses = choose_order(ngram, ids.val)
    ngram_seconds = time.perf_counter() - ngram_start

    print(f"\n== {args.corpus}: {run.steps_done} steps ({run.stopped_because}) in {wall:.0f} s wall "
          f"({wall / 60:.1f} min, training and evaluations)")
    print(f"validation cross-entropy, best weights (step {run.best_step}): {live_val:.4f} nats/char")
    print(f"validation cross-entropy, float16 checkpoint:            {checkpoint_val:.4f} nats/char "
          f"({checkpoint.stat().st_size / 1e6:.2f} MB)")
    print(f"validation cross-entropy, state reset every {recipe.window} characters: {reset_val:.4f} nats/char")
    print(f"best n-gram on validation: order {best_order}, {ngram_losses[best_order]:.4f} nats/char "
          f"(fitted and scored in {ngram_seconds:.1f} s)")
    print(f"the LSTM {'beats' if checkpoint_val < ngram_losses[best_order] else 'does NOT beat'} the n-gram "
          f"by {ngram_losses[best_order] - checkpoint_val:+.4f} nats/char")
    record = {"corpus": args.corpus, "date": datetime.date.today().isoformat(), "machine": machine(),
              "model": config, "recipe": recipe.as_dict(), "steps_done": run.steps_done,
              "stopped_because": run.stopped_because, "wall_seconds": round(wall, 1),
              "best_step": run.best_step, "val_loss": round(live_val, 5), "checkpoint_val_loss": round(checkpoint_val, 5),
              "val_loss_state_reset_every_window": round(reset_val, 5),
              "checkpoint_bytes": checkpoint.stat().st_size,
              "ngram_val_loss": {str(k): round(v, 5) for k, v in ngram_losses.items()}, "ngram_best_order": best_order,
              "curve_steps": run.steps, "curve_seconds": [round(s, 1) for s in run.seconds],
              "curve_train_loss": [round(v, 4) for v in run.train_loss],
              "curve_val_loss": [round(v, 4) for v in run.val_loss]}
    results.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {results}" + ("" if args.stateless else f" and {checkpoint}"))


if __name__ == "__main__":
    sys.exit(main())
