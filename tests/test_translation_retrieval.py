"""The retrieval baseline on a toy corpus: nearest sentence by TF-IDF cosine, rare words count more."""
import math

import pytest

from lessons_lib.translation.retrieval import RetrievalTranslator, terms

ENGLISH = [["i", "like", "tea", "."], ["i", "like", "coffee", "."], ["tom", "is", "here", "."],
           ["where", "is", "tom", "?"], ["i", "like", "tea", "."]]
CHINESE = ["我喜欢茶。", "我喜欢咖啡。", "汤姆在这里。", "汤姆在哪里？", "我爱喝茶。"]


def test_terms_are_words_and_word_pairs():
    assert terms(["a", "b", "c"], 2) == [("a",), ("b",), ("c",), ("a", "b"), ("b", "c")]
    assert terms(["a", "b"], 1) == [("a",), ("b",)]


def test_nearest_sentences_on_a_toy_corpus():
    index = RetrievalTranslator(ENGLISH, CHINESE, max_n=1)
    assert index.translate([["i", "like", "coffee", "!"]]) == ["我喜欢咖啡。"]
    assert index.translate([["is", "tom", "here", "?"]]) == ["汤姆在这里。"]     # here is rarer than ? and is
    assert index.translate([["i", "like", "tea", "."]]) == ["我喜欢茶。"]        # a tie: the earlier sentence


def test_word_pairs_see_word_order():
    index1, index2 = RetrievalTranslator(ENGLISH, CHINESE, max_n=1), RetrievalTranslator(ENGLISH, CHINESE, max_n=2)
    query = [["where", "is", "tom", "here", "?"]]
    assert index2.translate(query) == ["汤姆在哪里？"]
    assert index1.nearest(query)[0].tolist() == [3]


def test_similarity_is_the_tfidf_cosine():
    index = RetrievalTranslator(ENGLISH, CHINESE, max_n=1)
    where, similarity = index.nearest([["tom", "is", "here", "."]])
    assert where.tolist() == [2] and similarity[0] == pytest.approx(1.0)
    idf = {w: math.log(5 / df) + 1 for w, df in {"tom": 2, "is": 2, "here": 1, ".": 3, "?": 1, "where": 1}.items()}
    query = {"tom": idf["tom"], "here": idf["here"]}                     # "tom here", each once
    sentence = {w: idf[w] for w in ("where", "is", "tom", "?")}          # "where is tom ?"
    expected = query["tom"] * sentence["tom"] / (math.hypot(*query.values()) *
                                                 math.sqrt(sum(v * v for v in sentence.values())))
    assert index.similarities(["tom", "here"])[3] == pytest.approx(expected, rel=1e-12)
    assert index.similarities(["tom", "here"])[0] == 0.0                 # no shared word


def test_unknown_words_only_give_similarity_zero():
    index = RetrievalTranslator(ENGLISH, CHINESE)
    where, similarity = index.nearest([["zebra"]])
    assert similarity[0] == 0.0 and where[0] == 0


def test_bad_construction():
    with pytest.raises(ValueError, match="pair up"):
        RetrievalTranslator(ENGLISH, CHINESE[:2])
    with pytest.raises(ValueError):
        RetrievalTranslator(ENGLISH, CHINESE, max_n=0)
