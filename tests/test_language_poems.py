"""Tang quatrains: the well-formedness rule, sampled poems, acrostics."""
import numpy as np
import pytest

from lessons_lib.language import (NGramModel, Vocabulary, acrostic, is_well_formed, load_tang_quatrains,
                                  poems_to_text, sample_poems, well_formed_rate)
from lessons_lib.language.poems import split_lines


@pytest.mark.parametrize("poem,expected", [
    ("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。", True),
    ("朝辞白帝彩云间，千里江陵一日还。两岸猿声啼不住，轻舟已过万重山。", True),
    ("白日依山尽，黄河入海流。欲穷千里目，更上一层楼", False),        # no final full stop
    ("白日依山尽，黄河入海流。", False),                               # two lines
    ("白日依山尽，黄河入海流。欲穷千里目，更上一层楼。白日依山尽，黄河入海流。", False),
    ("白日依山尽，黄河入海流。欲穷千里目，更上一层高楼。", False),       # a 6-character line
    ("白日依山尽，千里江陵一日还。欲穷千里目，更上一层楼。", False),     # mixed lengths
    ("白日依山尽。黄河入海流，欲穷千里目，更上一层楼。", False),         # wrong punctuation
    ("白日依山�，黄河入海流。欲穷千里目，更上一层楼。", False),          # an unknown symbol
    ("", False),
])
def test_well_formed(poem, expected):
    assert is_well_formed(poem) is expected


def test_the_rule_accepts_almost_every_real_quatrain():
    poems = [p.text for p in load_tang_quatrains()]
    rate = well_formed_rate(poems)
    assert 0.99 < rate < 1.0
    with pytest.raises(ValueError, match="at least one poem"):
        well_formed_rate([])
    with pytest.raises(ValueError, match="poem must be a string"):
        is_well_formed(None)


@pytest.fixture(scope="module")
def poem_model():
    poems = [p.text for p in load_tang_quatrains()[:1500]]
    text = poems_to_text(poems)
    vocabulary = Vocabulary.from_text(text, min_count=2)
    return vocabulary, NGramModel.fit(vocabulary.encode(text), 4, len(vocabulary))


def test_sample_poems_returns_one_poem_per_row_without_newlines(poem_model):
    vocabulary, model = poem_model
    poems = sample_poems(model, vocabulary, 20, seed=0)
    assert len(poems) == 20 and all("\n" not in p and len(p) <= 40 for p in poems)
    assert poems == sample_poems(model, vocabulary, 20, seed=0)
    assert 0 <= well_formed_rate(poems) <= 1


@pytest.mark.parametrize("line_length", [5, 7])
def test_acrostic_hides_the_word_and_has_the_quatrain_shape(poem_model, line_length):
    vocabulary, model = poem_model
    poem = acrostic(model, vocabulary, "春江花月", line_length=line_length, seed=1)
    lines = split_lines(poem)
    assert [line[0] for line in lines] == list("春江花月")
    assert is_well_formed(poem), poem


@pytest.mark.parametrize("heads,length,fragment", [("春江花", 7, "4 characters"), ("春江花月", 6, "5 or 7"),
                                                   ("春江花😀", 7, "never seen")])
def test_acrostic_bad_input(poem_model, heads, length, fragment):
    vocabulary, model = poem_model
    with pytest.raises(ValueError, match=fragment):
        acrostic(model, vocabulary, heads, line_length=length)


def test_split_lines():
    assert split_lines("白日依山尽，黄河入海流。欲穷") == ["白日依山尽，", "黄河入海流。", "欲穷"]
