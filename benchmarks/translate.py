"""English→Chinese on Tatoeba: the attention model against retrieval and against no attention (notebook 07).

    python benchmarks/translate.py                  # retrieval, the attention model, the no-attention model
    python benchmarks/translate.py --model attention   # only one of the two models (checkpoints of the other kept)
    python benchmarks/translate.py --quick          # a smoke run on 2,000 pairs, 60 steps: writes nothing
    python benchmarks/translate.py --rescore attention # no training: re-store a checkpoint as int8, score it again

The committed checkpoints: the attention model from ``--model attention`` (8,000 steps, early stopping,
best validation loss at 6,000), stored as int8 by ``--rescore attention``; the no-attention baseline from
``--model none --set max_steps=2000`` (a quarter of the budget; its record in the results says so).

What it does, in order:
1. the data: pairs with at most 10 English tokens and 20 Chinese characters, split by English sentence
   (90/5/5 %), vocabularies from the training part;
2. the retrieval baseline: TF-IDF over words (n = 1) or words and word pairs (n = 2), chosen on
   validation BLEU, then scored once on the test sentences;
3. each model trained with ``RECIPE`` (Adam, batches of 64 pairs of similar length, dropout, clipping
   at 1, the learning rate × ``lr_decay`` at every evaluation; every 500 steps the validation loss and
   greedy BLEU; early stopping on the validation loss, best weights kept; then the weights are rounded to
   int8 with one scale per row, as the checkpoint stores them, so that every score is the checkpoint's),
   then decoding chosen on
   validation BLEU (greedy, or beam width 3 or 5 with length penalty α = 0 or 1) and the test set
   scored once: BLEU (sacrebleu, ``tokenize="zh"``: Chinese characters) and chrF, all translations of a
   test sentence as references;
4. checkpoints (``lessons_lib.translation.compact``: int8 matrices, under 3 MB; the recipe and a fingerprint
   of each vocabulary in the metadata) to
   ``benchmarks/checkpoints/translate_<attention|none>.pt`` and every figure to
   ``benchmarks/results/translate.json``.

Training wall time is the figure the ≤ 20 minute goal refers to: run it with one thread
(``OMP_NUM_THREADS=1``) under ``flock -x /work/cpu.lock``.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from adding_problem import machine  # noqa: E402

from lessons_lib.training import evaluating, load_checkpoint, set_seed  # noqa: E402
from lessons_lib.translation.compact import load_int8_checkpoint, round_trip, save_int8_checkpoint  # noqa: E402
from lessons_lib.translation import tatoeba as tb  # noqa: E402
from lessons_lib.translation.batching import make_batch  # noqa: E402
from lessons_lib.translation.metrics import corpus_bleu, corpus_chrf  # noqa: E402
from lessons_lib.translation.retrieval import RetrievalTranslator  # noqa: E402
from lessons_lib.translation.seq2seq import Seq2Seq, Seq2SeqConfig, count_parameters  # noqa: E402
from lessons_lib.translation.trainer import batch_loss, train_seq2seq  # noqa: E402

HERE = Path(__file__).resolve().parent
CHECKPOINTS, RESULTS = HERE / "checkpoints", HERE / "results" / "translate.json"
RECIPE = {"embedding_size": 128, "encoder_size": 192, "decoder_size": 256, "attention_size": 128, "dropout": 0.25,
          "batch_size": 64, "lr": 2e-3, "lr_decay": 0.95, "clip_norm": 1.0, "max_steps": 8000, "eval_every": 500,
          "patience": 4, "seed": 0}
DECODINGS = [(1, 0.0), (3, 0.0), (3, 1.0), (5, 0.0), (5, 1.0)]   # (beam width, length penalty α)


def validation_loss(model, batches) -> float:
    """Cross-entropy per real target token over the validation pairs."""
    total = tokens = 0
    with evaluating(model):
        for batch in batches:
            n = int(batch.decoder_target.ne(0).sum())
            total += batch_loss(model, batch).item() * n
            tokens += n
    return total / tokens


def scores(hypotheses, refs) -> dict:
    return {"bleu": corpus_bleu(hypotheses, refs), "chrf": corpus_chrf(hypotheses, refs)}


def train(kind: str, recipe: dict, data, vocabularies, quick: bool) -> tuple[Seq2Seq, dict]:
    config = Seq2SeqConfig(len(vocabularies.english), len(vocabularies.chinese), recipe["embedding_size"],
                           recipe["encoder_size"], recipe["decoder_size"], kind, recipe["attention_size"],
                           recipe["dropout"])
    set_seed(recipe["seed"])
    model = Seq2Seq(config)
    sources, targets = tb.encode_pairs(data.train, vocabularies)
    val_sources, val_targets = tb.encode_pairs(data.val, vocabularies)
    val_batches = [make_batch(val_sources[i:i + 512], val_targets[i:i + 512]) for i in range(0, len(val_sources), 512)]
    val_english, val_refs = tb.references(data.val)

    def evaluate() -> dict:
        bleu = corpus_bleu(tb.translate_all(model, vocabularies, val_english), val_refs)
        metrics = {"loss": validation_loss(model, val_batches), "bleu": bleu}
        print(f"    step {len(history) * recipe['eval_every'] + recipe['eval_every']:>5}: validation loss "
              f"{metrics['loss']:.3f}, greedy BLEU {bleu:.2f}", flush=True)
        history.append(metrics)
        return metrics

    history: list = []
    print(f"  {kind}: {count_parameters(model):,} parameters", flush=True)
    cpu = time.process_time()
    run = train_seq2seq(model, tb.pair_batches(sources, targets, recipe["batch_size"], seed=recipe["seed"]),
                        recipe["max_steps"], recipe["lr"], evaluate, eval_every=recipe["eval_every"],
                        clip_norm=recipe["clip_norm"], patience=recipe["patience"], lr_decay=recipe["lr_decay"],
                        progress=False)
    cpu = time.process_time() - cpu
    best = min(run.evaluations, key=lambda e: e["loss"])
    print(f"  {kind}: {run.steps} steps ({run.stopped_because}) in {run.seconds / 60:.1f} min wall "
          f"({cpu / 60:.1f} min CPU); best validation loss {best['loss']:.3f} at step {best['step']}", flush=True)
    record = {"attention": kind, "date": time.strftime("%Y-%m-%d"), "recipe": recipe, "config": config.as_dict(), "parameters": count_parameters(model), "steps": run.steps,
              "stopped_because": run.stopped_because, "train_seconds": run.seconds, "train_cpu_seconds": cpu,
              "best_step": best["step"], "curve": run.evaluations, "train_loss": run.history.train_loss}
    score(model, record, data, vocabularies, quick)
    return model, record


def score(model, record: dict, data, vocabularies, quick: bool) -> None:
    """Round the weights to int8 as stored, choose the decoding on validation BLEU, score the test once."""
    round_trip(model)               # what the int8 checkpoint holds: every score below is of these weights
    model.eval()
    val_english, val_refs = tb.references(data.val)
    decodings = DECODINGS[:2] if quick else DECODINGS
    record["validation_decoding"] = []
    for width, alpha in decodings:
        start = time.perf_counter()
        bleu = corpus_bleu(tb.translate_all(model, vocabularies, val_english, beam_width=width,
                                            length_penalty=alpha), val_refs)
        record["validation_decoding"].append({"beam_width": width, "length_penalty": alpha, "bleu": bleu,
                                              "seconds": time.perf_counter() - start})
        print(f"    validation, beam width {width}, α = {alpha:g}: BLEU {bleu:.2f}", flush=True)
    chosen = max(record["validation_decoding"], key=lambda d: d["bleu"])
    record["chosen_decoding"] = {"beam_width": chosen["beam_width"], "length_penalty": chosen["length_penalty"]}
    test_english, test_refs = tb.references(data.test)
    record["test_greedy"] = scores(tb.translate_all(model, vocabularies, test_english), test_refs)
    record["test_chosen"] = scores(tb.translate_all(model, vocabularies, test_english, beam_width=chosen["beam_width"],
                                                    length_penalty=chosen["length_penalty"]), test_refs)
    record["weights"] = "int8, one float16 scale per row"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="2,000 training pairs, 60 steps, nothing written")
    parser.add_argument("--model", choices=("attention", "none", "both"), default="both")
    parser.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE", help="override RECIPE entries (a search)")
    parser.add_argument("--no-save", action="store_true", help="write no checkpoint and no results")
    parser.add_argument("--rescore", choices=("attention", "none"),
                        help="no training: load that checkpoint (float16 or int8), store it as int8, score it again")
    args = parser.parse_args()
    torch.set_num_threads(1)
    recipe = dict(RECIPE)
    for item in args.set:
        key, value = item.split("=")
        recipe[key] = type(RECIPE[key])(value)
    if args.quick:
        recipe.update(max_steps=60, eval_every=30)
    save = not (args.quick or args.no_save)

    pairs = tb.load_pairs()
    short = tb.keep_short(pairs)
    data = tb.split_by_english(short, seed=0)
    if args.quick:
        data = tb.TatoebaSplit(data.train[::12], data.val[::4], data.test[::4])
    vocabularies = tb.build_vocabularies(data.train)
    print(f"recipe: {recipe}")
    print(f"data: {len(pairs)} pairs, {len(short)} short ({len(short) / len(pairs):.1%}); train {len(data.train)}, "
          f"validation {len(data.val)}, test {len(data.test)} pairs; vocabularies: {len(vocabularies.english)} "
          f"English words, {len(vocabularies.chinese)} Chinese characters", flush=True)
    results = {"recipe": RECIPE, "machine": machine(), "date": time.strftime("%Y-%m-%d"),
               "data": {"pairs": len(pairs), "short": len(short), "train": len(data.train), "val": len(data.val),
                        "test": len(data.test), "test_sentences": len(tb.references(data.test)[0]),
                        "english_vocabulary": len(vocabularies.english),
                        "chinese_vocabulary": len(vocabularies.chinese)}}

    # retrieval: n chosen on validation
    val_english, val_refs = tb.references(data.val)
    test_english, test_refs = tb.references(data.test)
    english_train = [tb.english_tokens(p.english) for p in data.train]
    retrieval = {"validation": {}}
    for max_n in (1, 2):
        index = RetrievalTranslator(english_train, [p.chinese for p in data.train], max_n=max_n)
        retrieval["validation"][max_n] = scores(index.translate([tb.english_tokens(e) for e in val_english]), val_refs)
        print(f"retrieval n ≤ {max_n}: validation BLEU {retrieval['validation'][max_n]['bleu']:.2f}", flush=True)
    retrieval["max_n"] = max(retrieval["validation"], key=lambda n: retrieval["validation"][n]["bleu"])
    index = RetrievalTranslator(english_train, [p.chinese for p in data.train], max_n=retrieval["max_n"])
    retrieval["test"] = scores(index.translate([tb.english_tokens(e) for e in test_english]), test_refs)
    results["retrieval"] = retrieval
    print(f"retrieval (n ≤ {retrieval['max_n']}), test: BLEU {retrieval['test']['bleu']:.2f}, "
          f"chrF {retrieval['test']['chrf']:.2f}", flush=True)

    kinds = {"attention": ["additive"], "none": ["none"], "both": ["additive", "none"]}[args.rescore or args.model]
    for kind in kinds:
        if args.rescore:            # keep the training record, replace the scores by those of the int8 weights
            path = CHECKPOINTS / f"translate_{args.rescore}.pt"
            content = torch.load(path, weights_only=True)
            model = Seq2Seq(Seq2SeqConfig(**content["metadata"]["config"]))
            (load_int8_checkpoint if "int8" in content["format"] else load_checkpoint)(model, path)
            record = json.loads(RESULTS.read_text())["models"][kind]
            score(model, record, data, vocabularies, args.quick)
        else:
            model, record = train(kind, recipe, data, vocabularies, args.quick)
        print(f"  {kind}, test: greedy BLEU {record['test_greedy']['bleu']:.2f} chrF {record['test_greedy']['chrf']:.2f}; "
              f"{record['chosen_decoding']}: BLEU {record['test_chosen']['bleu']:.2f} chrF "
              f"{record['test_chosen']['chrf']:.2f}", flush=True)
        results.setdefault("models", {})[kind] = record
        if save:
            CHECKPOINTS.mkdir(exist_ok=True)
            path = save_int8_checkpoint(model, CHECKPOINTS / f"translate_{'attention' if kind != 'none' else 'none'}.pt",
                                        config=record["config"], recipe=recipe, weights=record["weights"],
                                        steps=record["steps"], best_step=record["best_step"],
                                        english_vocabulary=vocabularies.english.fingerprint(),
                                        chinese_vocabulary=vocabularies.chinese.fingerprint(),
                                        chosen_decoding=record["chosen_decoding"], test_greedy=record["test_greedy"],
                                        test_chosen=record["test_chosen"])
            print(f"  wrote {path.relative_to(HERE.parent)} ({path.stat().st_size / 1e6:.2f} MB)", flush=True)
    if save:                        # keep the other model's record when only one model was trained
        previous = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        results["models"] = {**previous.get("models", {}), **results.get("models", {})}
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
