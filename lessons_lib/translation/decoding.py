"""Generating a translation: greedy decoding and beam search (束搜索).

At test time there is no target to feed in: the decoder reads its own previous output.

**Greedy**: at every step take the most probable token, y_t = argmax_y p(y | y_<t, x), and feed it
back; stop at <eos>. Fast (one pass, a whole batch at once) but short-sighted: a token that looks
best now can force a poor continuation.

**Beam search** keeps the ``beam_width`` best *partial* translations (hypotheses) instead of one.
A hypothesis's score is its log-probability, log p(y_1..y_t | x) = Σ_k log p(y_k | y_<k, x). At each
step every hypothesis is extended by every token; of all these candidates the best ones survive.
A candidate that ends in <eos> is finished and leaves the beam, which narrows by one. Finally the
finished hypotheses are ranked by score / (length)^α: α = 0 ranks by log-probability (which favours
short outputs, since every token lowers the score), α = 1 by log-probability per token. With
``beam_width = 1`` this *is* greedy decoding.

Shapes: source ``(S, B)`` ids, lengths ``(B,)``; a :class:`Translation`'s ``weights`` are
``(steps, S_b)``: one row per output step (the <eos> step included when it was reached).
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import torch

from .._validate import check_int
from ..training import evaluating
from .batching import pad_sequences
from .seq2seq import Seq2Seq
from .vocabulary import BOS_ID, EOS_ID


class Translation(NamedTuple):
    """One output: ``tokens`` (ids, without <bos>/<eos>), ``finished`` (reached <eos>), ``score`` (its
    log-probability, <eos> included), ``weights`` (steps, S) attention per output step, or None."""

    tokens: list[int]
    finished: bool
    score: float
    weights: np.ndarray | None


def greedy_decode(model: Seq2Seq, source: torch.Tensor, lengths: torch.Tensor, max_length: int) -> list[Translation]:
    """The argmax token at every step, for a whole batch; ``source (S, B)``, ``lengths (B,)``; B translations."""
    max_length = check_int("max_length", max_length)
    with evaluating(model):
        memory = model.encode(source, lengths)
        state = model.decoder.initial_state(memory)
        previous = source.new_full((source.shape[1],), BOS_ID)
        done = torch.zeros(source.shape[1], dtype=torch.bool, device=source.device)
        tokens, log_probs, weights = [], [], []
        for _ in range(max_length):
            step = model.decoder.step(previous, state, memory)
            best_log_prob, previous = torch.log_softmax(step.logits, dim=-1).max(dim=-1)   # y_t = argmax
            tokens.append(previous)
            log_probs.append(best_log_prob)
            weights.append(step.weights)
            state = step.state
            done = done | (previous == EOS_ID)
            if bool(done.all()):
                break
    tokens, log_probs = torch.stack(tokens).cpu().numpy(), torch.stack(log_probs).cpu().numpy()   # (steps, B)
    weights = torch.stack(weights).cpu().numpy() if weights[0] is not None else None             # (steps, S, B)
    out = []
    for b, length in enumerate(lengths.tolist()):
        column = tokens[:, b].tolist()
        finished = EOS_ID in column
        steps = column.index(EOS_ID) + 1 if finished else len(column)
        out.append(Translation(column[:steps - finished], finished, float(log_probs[:steps, b].sum()),
                               None if weights is None else weights[:steps, :length, b]))
    return out


def translate_batches(model: Seq2Seq, sources: Sequence[Sequence[int]], max_length: int,
                      batch_size: int = 256) -> list[Translation]:
    """Greedy translations of many id sequences, ``batch_size`` at a time, in the order given."""
    device = next(model.parameters()).device
    out = []
    for start in range(0, len(sources), check_int("batch_size", batch_size)):
        ids, lengths = pad_sequences(sources[start:start + batch_size])
        out += greedy_decode(model, ids.to(device), lengths.to(device), max_length)
    return out


class _Hypothesis(NamedTuple):
    tokens: list[int]
    score: float
    weights: list


def _rank(hypothesis: Translation, length_penalty: float) -> float:
    """score / (steps)^α, steps counting the <eos> step."""
    return hypothesis.score / (len(hypothesis.tokens) + hypothesis.finished) ** length_penalty


def beam_search(model: Seq2Seq, source_ids: Sequence[int], beam_width: int, max_length: int,
                length_penalty: float = 0.0) -> list[Translation]:
    """Beam search for one source sentence (a list of ids); its translations, best first.

    ``beam_width`` hypotheses are extended together as one batch. ``length_penalty`` is α in the
    ranking score / length^α. Unfinished hypotheses left at ``max_length`` are ranked with the rest.
    """
    beam_width, max_length = check_int("beam_width", beam_width), check_int("max_length", max_length)
    if not (isinstance(length_penalty, (int, float)) and length_penalty >= 0):
        raise ValueError(f"length_penalty must be a number >= 0; got {length_penalty!r}")
    if len(source_ids) == 0:
        raise ValueError("source_ids must hold at least one token")
    device = next(model.parameters()).device
    with evaluating(model):
        source = torch.as_tensor(list(source_ids), dtype=torch.long, device=device)[:, None]     # (S, 1)
        memory = model.encode(source, torch.tensor([len(source_ids)], device=device))
        state = model.decoder.initial_state(memory)                                              # (1, D)
        beams, finished = [_Hypothesis([], 0.0, [])], []
        for _ in range(max_length):
            k = len(beams)
            previous = torch.tensor([h.tokens[-1] if h.tokens else BOS_ID for h in beams], device=device)
            step = model.decoder.step(previous, state, memory.select(torch.zeros(k, dtype=torch.long, device=device)))
            scores = torch.tensor([h.score for h in beams], device=device)[:, None]
            candidates = scores + torch.log_softmax(step.logits, dim=-1)           # (k, V): log p(y_1..y_t | x)
            width = min(beam_width - len(finished), candidates.numel())
            best, flat = candidates.flatten().topk(width)
            parents, tokens = flat // candidates.shape[1], flat % candidates.shape[1]
            survivors, keep = [], []
            for score, parent, token in zip(best.tolist(), parents.tolist(), tokens.tolist()):
                row = step.weights[:, parent].cpu().numpy() if step.weights is not None else None
                extended = _Hypothesis(beams[parent].tokens + [token], score, beams[parent].weights + [row])
                if token == EOS_ID:
                    finished.append(extended)
                else:
                    survivors.append(extended)
                    keep.append(parent)
            if not survivors:
                break
            beams, state = survivors, step.state[torch.tensor(keep, device=device)]
    results = [Translation(h.tokens[:-1], True, h.score, _stack(h.weights)) for h in finished]
    if len(finished) < beam_width:
        results += [Translation(h.tokens, False, h.score, _stack(h.weights)) for h in beams]
    return sorted(results, key=lambda t: _rank(t, length_penalty), reverse=True)


def _stack(rows: list) -> np.ndarray | None:
    return None if not rows or rows[0] is None else np.stack(rows)
