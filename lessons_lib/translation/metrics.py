"""Scoring translations: BLEU (Papineni et al. 2002) written out, and sacrebleu's BLEU and chrF.

**BLEU** compares n-grams (n = 1..4) of the output with those of the references::

    p_n  = Σ_sentences Σ_ngram min(count_in_output, max count in any reference) / Σ count_in_output
    BP   = 1 if c > r else exp(1 − r / c)      c = output length, r = reference length (the closest one)
    BLEU = BP · exp( (1/4) Σ_n log p_n )       × 100

"min(...)" is the **clipping**: repeating a right word does not earn more. The **brevity penalty**
BP stops a system from scoring high precision with very short outputs. Everything is summed over
the whole test set first (corpus BLEU), so a single sentence without a 4-gram match does not zero
the score.

For Chinese, sacrebleu's ``"zh"`` tokenizer splits every Chinese character into its own token (and
keeps runs of Latin letters and digits together): BLEU on characters. **chrF** (Popović 2015) is an
F-score of character n-grams (n = 1..6, recall weighted twice, β = 2), no tokenizer needed.

References: one list of reference strings per hypothesis, of any length (Tatoeba often has several
Chinese translations of one English sentence).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import NamedTuple, Sequence

import sacrebleu
from sacrebleu.tokenizers.tokenizer_zh import TokenizerZh


def _reference_streams(references: Sequence[Sequence[str]], n_hypotheses: int) -> list[list[str | None]]:
    """Per-hypothesis reference lists → sacrebleu's streams (stream k = every sentence's k-th reference,
    None where a sentence has fewer)."""
    if len(references) != n_hypotheses:
        raise ValueError(f"one list of references per hypothesis: got {len(references)} lists for {n_hypotheses} "
                         "hypotheses")
    if any(isinstance(refs, str) or len(refs) == 0 for refs in references):
        raise ValueError("each hypothesis needs a list of at least one reference string (not a bare string)")
    width = max(len(refs) for refs in references)
    return [[refs[k] if k < len(refs) else None for refs in references] for k in range(width)]


def corpus_bleu(hypotheses: Sequence[str], references: Sequence[Sequence[str]], tokenize: str = "zh") -> float:
    """sacrebleu's corpus BLEU (0-100); ``tokenize="zh"`` for Chinese, ``"13a"`` (its default) for English."""
    streams = _reference_streams(references, len(hypotheses))
    return float(sacrebleu.corpus_bleu(list(hypotheses), streams, tokenize=tokenize).score)


def corpus_chrf(hypotheses: Sequence[str], references: Sequence[Sequence[str]]) -> float:
    """sacrebleu's chrF (0-100): character n-gram F-score, β = 2."""
    streams = _reference_streams(references, len(hypotheses))
    return float(sacrebleu.corpus_chrf(list(hypotheses), streams).score)


_ZH = TokenizerZh()


def zh_tokens(text: str) -> list[str]:
    """The tokens sacrebleu's ``"zh"`` BLEU counts: each Chinese character (and punctuation) alone."""
    return _ZH(text).split()


# ------------------------------------------------------------------ BLEU by hand
class BleuParts(NamedTuple):
    """``score`` (0-100), the four ``precisions`` p_n (0-1), ``brevity_penalty``, ``output_length`` c,
    ``reference_length`` r."""

    score: float
    precisions: tuple[float, ...]
    brevity_penalty: float
    output_length: int
    reference_length: int


def ngrams(tokens: Sequence[str], n: int) -> Counter:
    """Counts of the n-grams of ``tokens`` (tuples of n tokens)."""
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def bleu_by_hand(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[Sequence[str]]],
                 max_n: int = 4) -> BleuParts:
    """Corpus BLEU from already tokenised text, following the formulas above (no smoothing).

    ``hypotheses[i]`` is a list of tokens; ``references[i]`` a list of token lists. r sums, per
    sentence, the reference length closest to the output length (the shorter one on a tie).
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"one list of references per hypothesis: got {len(references)} for {len(hypotheses)}")
    matches, totals = [0] * max_n, [0] * max_n
    c = r = 0
    for hypothesis, refs in zip(hypotheses, references):
        c += len(hypothesis)
        r += min((abs(len(ref) - len(hypothesis)), len(ref)) for ref in refs)[1]
        for n in range(1, max_n + 1):
            counts = ngrams(hypothesis, n)
            best = Counter()
            for ref in refs:
                best |= ngrams(ref, n)                       # max count of each n-gram in any reference
            matches[n - 1] += sum(min(count, best[gram]) for gram, count in counts.items())   # clipped
            totals[n - 1] += sum(counts.values())
    precisions = tuple(m / t if t else 0.0 for m, t in zip(matches, totals))
    brevity = 1.0 if c > r else (math.exp(1 - r / c) if c else 0.0)
    if min(precisions) == 0.0:
        return BleuParts(0.0, precisions, brevity, c, r)
    score = 100 * brevity * math.exp(sum(math.log(p) for p in precisions) / max_n)
    return BleuParts(score, precisions, brevity, c, r)
