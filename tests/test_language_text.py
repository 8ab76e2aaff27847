"""Text handling for notebook 06: the vocabulary and its unknown-character policy, contiguous splits, corpora."""
import numpy as np
import pytest

from lessons_lib.language import (UNKNOWN, Vocabulary, contiguous_split, load_shakespeare, load_tang_quatrains,
                                  poems_to_text)
from lessons_lib.language.corpus import split_points


def test_encode_decode_round_trip_and_sorted_ids():
    vocabulary = Vocabulary.from_text("hello, world\n", unknown=None)
    assert vocabulary.characters == sorted(set("hello, world\n")) and len(vocabulary) == 10
    ids = vocabulary.encode("world, hello")
    assert ids.dtype == np.int64 and ids.shape == (12,)
    assert vocabulary.decode(ids) == "world, hello"
    assert vocabulary.encode("").shape == (0,) and vocabulary.decode([]) == ""


def test_unknown_policy_replace():
    vocabulary = Vocabulary.from_text("abcab")                       # default: '�' for unseen characters
    assert vocabulary.unknown == UNKNOWN and UNKNOWN in vocabulary and len(vocabulary) == 4
    ids = vocabulary.encode("abz?")
    assert ids[2] == ids[3] == vocabulary.unknown_id
    assert vocabulary.decode(ids) == "ab��"
    assert vocabulary.unknown_rate("abz?") == 0.5 and vocabulary.unknown_rate("") == 0.0


def test_unknown_policy_error_names_the_characters():
    vocabulary = Vocabulary.from_text("abc", unknown=None)
    assert vocabulary.unknown_id is None
    with pytest.raises(ValueError, match=r"2 character\(s\) not in the vocabulary: \['x', 'y'\]"):
        vocabulary.encode("axyb")


def test_min_count_folds_rare_training_characters_into_unknown():
    vocabulary = Vocabulary.from_text("aaabbc", min_count=2)
    assert vocabulary.characters == ["a", "b", UNKNOWN]
    assert vocabulary.decode(vocabulary.encode("abc")) == "ab" + UNKNOWN
    with pytest.raises(ValueError, match="needs an unknown symbol"):
        Vocabulary.from_text("aaabbc", unknown=None, min_count=2)


@pytest.mark.parametrize("make,fragment", [
    (lambda: Vocabulary(["a", "a"]), "distinct"),
    (lambda: Vocabulary(["ab"]), "single-character"),
    (lambda: Vocabulary(["a"], unknown="xy"), "one character or None"),
    (lambda: Vocabulary([], unknown=None), "at least one character"),
    (lambda: Vocabulary.from_text(""), "non-empty string"),
    (lambda: Vocabulary.from_text("abc", min_count=0), "min_count must be a positive integer"),
    (lambda: Vocabulary.from_text("abc").encode(["a"]), "text must be a string"),
    (lambda: Vocabulary.from_text("abc").decode([0, 9]), r"ids must be integers in \[0, 4\)"),
    (lambda: Vocabulary.from_text("abc").decode([0.5]), "ids must be integers"),
])
def test_bad_input(make, fragment):
    with pytest.raises(ValueError, match=fragment):
        make()


def test_repr_is_short_and_readable():
    text = repr(Vocabulary.from_text("ab \n"))
    assert text.startswith("Vocabulary(5 characters:") and "␣" in text and "\\n" in text


def test_contiguous_split_cuts_once_and_keeps_order():
    sequence = np.arange(1000)
    split = contiguous_split(sequence)
    assert [len(p) for p in split] == [900, 50, 50]
    np.testing.assert_array_equal(np.concatenate(split), sequence)
    text_split = contiguous_split("abcdefghijklmnopqrst", (0.5, 0.25, 0.25))
    assert text_split == ("abcdefghij", "klmno", "pqrst")
    assert split_points(1_115_394) == (1_003_854, 1_059_624)


@pytest.mark.parametrize("fractions", [(0.9, 0.1), (0.8, 0.3, -0.1), (0.5, 0.5, 0.5)])
def test_split_rejects_bad_fractions(fractions):
    with pytest.raises(ValueError, match="three shares"):
        contiguous_split("abcdef", fractions)


def test_corpora_load_offline_with_the_documented_sizes():
    text = load_shakespeare()
    assert len(text) == 1_115_394 and len(set(text)) == 65 and text.startswith("First Citizen:")
    poems = load_tang_quatrains()
    assert len(poems) == 14_098
    assert poems[0].author == "太宗皇帝" and poems[0].text == "四时运灰琯，一夕变冬春。送寒余雪尽，迎岁早梅新。"
    joined = poems_to_text(poems[:2])
    assert joined.count("\n") == 2 and joined.endswith("。\n")
    assert poems_to_text(["ab", "cd"]) == "ab\ncd\n"
