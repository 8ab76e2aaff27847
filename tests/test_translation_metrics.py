"""BLEU and chrF: sacrebleu's published example values, BLEU written out equals sacrebleu, Chinese tokenisation."""
import math

import pytest

from lessons_lib.translation.metrics import bleu_by_hand, corpus_bleu, corpus_chrf, ngrams, zh_tokens

# sacrebleu's README (version 2.x): BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17
# ref_len = 18) and chrF2 = 59.73 for this system output against two reference streams.
README_HYPOTHESES = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]
README_STREAMS = [["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
                  ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."]]
README_REFERENCES = [list(refs) for refs in zip(*README_STREAMS)]   # per hypothesis


def test_bleu_and_chrf_match_sacrebleus_published_example():
    assert corpus_bleu(README_HYPOTHESES, README_REFERENCES, tokenize="13a") == pytest.approx(48.53, abs=0.005)
    assert corpus_chrf(README_HYPOTHESES, README_REFERENCES) == pytest.approx(59.73, abs=0.005)


def test_bleu_by_hand_equals_sacrebleu_on_the_published_example():
    from sacrebleu.tokenizers.tokenizer_13a import Tokenizer13a
    tokenize = lambda s: Tokenizer13a()(s).split()
    parts = bleu_by_hand([tokenize(h) for h in README_HYPOTHESES],
                         [[tokenize(r) for r in refs] for refs in README_REFERENCES])
    assert parts.score == pytest.approx(48.530827, abs=1e-4)
    assert [round(100 * p, 1) for p in parts.precisions] == [82.4, 50.0, 45.5, 37.5]
    assert (parts.output_length, parts.reference_length) == (17, 18)
    assert parts.brevity_penalty == pytest.approx(math.exp(1 - 18 / 17))


def test_chinese_is_scored_character_by_character():
    assert zh_tokens("我爱你。") == ["我", "爱", "你", "。"]
    assert zh_tokens("汤姆有3个iPhone") == ["汤", "姆", "有", "3", "个", "iPhone"]
    hypotheses, references = ["他喜欢喝茶。", "我很累。"], [["他爱喝茶。", "他喜欢喝茶。"], ["我累了。"]]
    by_hand = bleu_by_hand([zh_tokens(h) for h in hypotheses], [[zh_tokens(r) for r in refs] for refs in references])
    assert corpus_bleu(hypotheses, references) == pytest.approx(by_hand.score, abs=1e-6)
    assert corpus_bleu(["我爱你。"], [["我爱你。"]]) == pytest.approx(100.0)


def test_bleu_by_hand_worked_example():
    """Output 'the the the cat' against 'the cat sat': clipped unigram matches 2 of 4 (the: 1, cat: 1)."""
    parts = bleu_by_hand([["the", "the", "the", "cat"]], [[["the", "cat", "sat"]]], max_n=2)
    assert parts.precisions == (2 / 4, 1 / 3)                  # bigrams: the the, the the, the cat -> 1 match
    assert parts.brevity_penalty == 1.0                        # c = 4 > r = 3
    assert parts.score == pytest.approx(100 * math.sqrt(0.5 / 3))
    short = bleu_by_hand([["the", "cat"]], [[["the", "cat", "sat", "down"]]], max_n=2)
    assert short.brevity_penalty == pytest.approx(math.exp(1 - 4 / 2)) and short.score == pytest.approx(100 * math.exp(-1))
    assert bleu_by_hand([["a"]], [[["b"]]]).score == 0.0       # no match at all


def test_closest_reference_length_breaks_ties_towards_the_shorter():
    parts = bleu_by_hand([list("abcd")], [[list("abc"), list("abcde")]], max_n=1)
    assert parts.reference_length == 3


def test_ngrams():
    assert ngrams(["a", "b", "a", "b"], 2) == {("a", "b"): 2, ("b", "a"): 1}


@pytest.mark.parametrize("refs, fragment", [([["a"]], "one list of references per hypothesis"),
                                            (["a", "b"], "not a bare string"), ([[], ["a"]], "at least one")])
def test_reference_lists_are_checked(refs, fragment):
    with pytest.raises(ValueError, match=fragment):
        corpus_bleu(["a", "b"], refs)
