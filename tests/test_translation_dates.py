"""The date generator: every format round-trips, seeds repeat, the split is by date, the vocabulary covers it."""
import datetime as dt

import numpy as np
import pytest

from lessons_lib.translation import date_task, dates


def some_days(n=400, seed=0):
    days = dates.all_days()
    return [days[i] for i in np.random.default_rng(seed).integers(0, len(days), n)]


@pytest.mark.parametrize("name", dates.FORMAT_NAMES)
def test_every_format_round_trips(name):
    edge = [dates.FIRST_DAY, dates.LAST_DAY, dt.date(2000, 2, 29), dt.date(1999, 12, 31), dt.date(2010, 10, 10),
            dt.date(2031, 1, 1), dt.date(1980, 11, 30)]
    for day in edge + some_days(300):
        text = dates.render(day, name)
        assert dates.parse(text, name) == day, (name, text)
        assert dates.parse(text) == day, (name, text)            # no other format reads it differently


def test_examples_of_the_issue():
    day = dt.date(2026, 11, 29)
    written = {dates.render(day, n) for n in dates.FORMAT_NAMES}
    for text in ("29 Nov 2026", "November 29, 2026", "11/29/26", "Sunday, 29 November 2026", "2026年11月29日",
                 "二〇二六年十一月二十九日"):
        assert text in written, text
    assert dates.to_iso(day) == "2026-11-29"


@pytest.mark.parametrize("n, text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (19, "十九"), (20, "二十"),
                                     (29, "二十九"), (30, "三十"), (31, "三十一")])
def test_chinese_numerals(n, text):
    assert dates.zh_number(n) == text
    assert dates._zh_to_int(text) == n


def test_chinese_years_are_written_digit_by_digit():
    assert dates.zh_year(2026) == "二〇二六" and dates.zh_year(1950) == "一九五〇"


@pytest.mark.parametrize("n, text", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"),
                                     (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")])
def test_ordinals(n, text):
    assert dates.ordinal(n) == text


def test_two_digit_years_pivot_at_50():
    assert dates.parse("01/02/49") == dt.date(2049, 1, 2)
    assert dates.parse("01/02/50") == dt.date(1950, 1, 2)


def test_weekdays_are_right_and_checked():
    assert dates.render(dt.date(2026, 11, 29), "Weekday, d Month yyyy").startswith("Sunday")
    assert dates.render(dt.date(2026, 11, 29), "yyyy年m月d日 星期w").endswith("星期日")
    with pytest.raises(ValueError, match="weekday does not match"):
        dates.parse("Monday, 29 November 2026")


def test_parse_refuses_what_no_format_writes():
    for text in ("29/11/2026 ", "the 29 of November", "31 Feb 2026"):
        with pytest.raises(ValueError):
            dates.parse(text)


def test_split_is_by_date_disjoint_and_complete():
    split = dates.split_dates(seed=0)
    train, val, test = map(set, (split.train, split.val, split.test))
    assert not (train & val) and not (train & test) and not (val & test)
    assert len(train | val | test) == len(dates.all_days()) == 36525
    assert abs(len(test) - 3652) <= 1 and abs(len(val) - 3652) <= 1
    assert split == dates.split_dates(seed=0)
    assert split.test != dates.split_dates(seed=1).test


def test_held_out_examples_use_only_held_out_dates():
    split = dates.split_dates(seed=0)
    train = set(split.train)
    for example in dates.sample_examples(split.test, 500, seed=1):
        assert example.day not in train
        assert dates.parse(example.text) == example.day and example.iso == example.day.isoformat()


def test_samples_are_reproducible_and_cover_every_format():
    days = dates.split_dates(0).train
    a, b = dates.sample_examples(days, 2000, seed=5), dates.sample_examples(days, 2000, seed=5)
    assert a == b and a != dates.sample_examples(days, 2000, seed=6)
    assert {e.format_name for e in a} == set(dates.FORMAT_NAMES)


def test_batches_differ_by_step_and_repeat_by_seed():
    days = dates.split_dates(0).train
    batches = date_task.date_batches(days, 8, seed=0)
    assert batches(0).source.equal(date_task.date_batches(days, 8, seed=0)(0).source)
    assert batches(0).source.shape[1] == 8 and not (batches(0).source.shape == batches(1).source.shape
                                                    and batches(0).source.equal(batches(1).source))


def test_normalise_and_vocabulary_cover_every_format():
    assert dates.normalise("  Sunday,   29 NOVEMBER 2026 ") == "sunday, 29 november 2026"
    for example in dates.sample_examples(dates.all_days(), 3000, seed=2):
        assert not date_task.SOURCE_VOCAB.unknown(dates.normalise(example.text))
    assert len(date_task.TARGET_VOCAB) == 4 + 11


@pytest.mark.parametrize("text, fragment", [("", "empty"), ("   ", "empty"), ("29 Nov 2026 🎉", "never seen"),
                                            ("1" * 61, "at most 60"), (None, "must be a string")])
def test_bad_input_gets_a_clear_message(text, fragment):
    with pytest.raises(ValueError, match=fragment):
        date_task.encode_source(text)


def test_scores_and_length_table():
    examples = dates.sample_examples(dates.all_days(), 4, seed=0)
    predictions = [examples[0].iso, examples[1].iso[:-1] + "x", "", examples[3].iso]
    scores = date_task.score_dates(predictions, examples)
    assert scores.exact_match == 0.5
    assert scores.char_accuracy == pytest.approx((1 + 0.9 + 0 + 1) / 4)
    table = date_task.by_length(scores, examples)
    assert sum(table["n"]) == 4
    assert date_task.char_accuracy("2026-11-2", "2026-11-29") == 0.9
    with pytest.raises(ValueError):
        date_task.score_dates(predictions[:2], examples)
