"""Edit distance and digit error rate, by hand and against jiwer 4.0.0."""
import jiwer
import numpy as np
import pytest

from lessons_lib.speech.error_rate import digit_error_rate, edit_counts, edit_distance, string_accuracy


@pytest.mark.parametrize("reference, hypothesis, distance", [
    ("kitten", "sitting", 3), ("", "", 0), ("123", "", 3), ("", "45", 2), ("123", "123", 0),
    ("1234", "1324", 2), ("112", "12", 1), ("12", "21", 2), ([3, 1, 4], [3, 4], 1),
])
def test_edit_distance(reference, hypothesis, distance):
    assert edit_distance(reference, hypothesis) == distance
    assert edit_distance(hypothesis, reference) == distance
    assert edit_counts(reference, hypothesis).distance == distance


def test_counts_name_the_operations():
    assert edit_counts("123", "13") == (0, 1, 0)
    assert edit_counts("13", "123") == (0, 0, 1)
    assert edit_counts("123", "153") == (1, 0, 0)


def spaced(text):
    return " ".join(text)


def test_digit_error_rate_equals_jiwer_on_random_strings():
    rng = np.random.default_rng(0)
    references, hypotheses = [], []
    for _ in range(300):
        reference = "".join(rng.choice(list("0123456789"), size=int(rng.integers(1, 7))))
        hypothesis = list(reference)
        for _ in range(int(rng.integers(0, 3))):                          # random substitutions, deletions, insertions
            kind, where = rng.integers(3), int(rng.integers(0, len(hypothesis) + 1))
            if kind == 0 and where < len(hypothesis):
                hypothesis[where] = str(rng.integers(10))
            elif kind == 1 and where < len(hypothesis):
                del hypothesis[where]
            else:
                hypothesis.insert(where, str(rng.integers(10)))
        references.append(reference)
        hypotheses.append("".join(hypothesis))
    ours = digit_error_rate(references, hypotheses)
    theirs = jiwer.wer([spaced(r) for r in references], [spaced(h) for h in hypotheses])
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert 0.05 < ours < 0.5
    output = jiwer.process_words([spaced(r) for r in references], [spaced(h) for h in hypotheses])
    counts = [edit_counts(r, h) for r, h in zip(references, hypotheses)]
    assert sum(c.distance for c in counts) == output.substitutions + output.deletions + output.insertions
    exact = sum(r == h for r, h in zip(references, hypotheses)) / len(references)
    assert string_accuracy(references, hypotheses) == exact


def test_error_rate_can_exceed_one_and_refuses_bad_corpora():
    assert digit_error_rate(["1"], ["2345"]) == 4.0
    with pytest.raises(ValueError, match="one hypothesis per reference"):
        digit_error_rate(["1", "2"], ["1"])
    with pytest.raises(ValueError, match="references are empty"):
        digit_error_rate([""], ["1"])
