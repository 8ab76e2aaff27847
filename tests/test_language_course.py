"""lessons_lib.language.course: the notebook's corpora, the n-gram chosen on validation, the checkpoints."""
import numpy as np
import pytest

from lessons_lib.language import NGramModel
from lessons_lib.language import course


def test_choose_ngram_takes_the_lowest_validation_loss_of_the_grid():
    rng = np.random.default_rng(0)
    text = np.tile(rng.integers(0, 5, 40), 20)            # a repeating text: long contexts pay off
    model = NGramModel.fit(text[:600], 4, 5)
    chosen, D, grid = course.choose_ngram(model, text[600:], discounts=(0.5, 0.9))
    best = min((grid[d][n], d, n) for d in grid for n in grid[d])
    assert (D, chosen.order) == best[1:] and set(grid) == {0.5, 0.9} and set(grid[0.5]) == {1, 2, 3, 4}
    assert chosen.cross_entropy(text[600:]) == pytest.approx(best[0])


def test_corpora_and_checkpoints_agree():
    shakespeare = course.shakespeare()
    assert len(shakespeare.vocabulary) == 65 and shakespeare.vocabulary.unknown_id is None
    assert sum(map(len, shakespeare.text)) == 1_115_394
    tang, poems = course.tang()
    assert tang.text.train.count("\n") == len(poems.train)
    for name, corpus in (("shakespeare", shakespeare), ("tang", tang)):
        model, vocabulary, _ = course.load_checkpoint(name)
        assert vocabulary.characters == corpus.vocabulary.characters
