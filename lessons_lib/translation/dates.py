"""Human-written dates, in many English and Chinese formats, and their ISO form ``YYYY-MM-DD``.

The translation task of notebook 07, part A: "Sunday, 29 November 2026", "11/29/26",
"二〇二六年十一月二十九日" ... → "2026-11-29". Every format has a ``render`` (date → text) and a
regular expression that reads it back (:func:`parse`), so that the generator can be checked to
round-trip.

Conventions (each format has exactly one reading, so that 100 % is possible in principle):
- slashes are month first (US): "11/29/26", "3/4/2026" is 4 March; dots are day first: "29.11.2026";
- two-digit years pivot at 50: "49" is 2049, "50" is 1950; dates run from 1950-01-01 to 2049-12-31;
- weekdays, when written, are the right ones.

The split is **by date** (:func:`split_dates`): a date in the test set never appears in training,
in any format, so memorising a date does not help.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .._validate import check_int

FIRST_DAY, LAST_DAY = dt.date(1950, 1, 1), dt.date(2049, 12, 31)
"""The dates the generator draws from: two-digit years are unambiguous in this range (pivot 50)."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
ZH_DIGITS = "〇一二三四五六七八九"
ZH_WEEKDAYS = "一二三四五六日"   # 星期一 ... 星期日 (Monday ... Sunday)


def zh_number(n: int) -> str:
    """1..31 in Chinese numerals: 9 → 九, 10 → 十, 11 → 十一, 20 → 二十, 29 → 二十九, 31 → 三十一."""
    tens, units = divmod(check_int("n", n), 10)
    if not 1 <= n <= 99:
        raise ValueError(f"n must be in 1..99; got {n}")
    head = "" if tens == 0 else ("十" if tens == 1 else ZH_DIGITS[tens] + "十")
    return head + (ZH_DIGITS[units] if units else "")


def zh_year(year: int) -> str:
    """A year digit by digit, as dates are written: 2026 → 二〇二六."""
    return "".join(ZH_DIGITS[int(d)] for d in str(year))


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st, 22nd, 23rd, 31st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def to_iso(day: dt.date) -> str:
    """The target: ``YYYY-MM-DD``."""
    return day.isoformat()


# ------------------------------------------------------------------ the formats
_MON = "|".join(m[:3] for m in MONTHS)
_MONTH = "|".join(MONTHS)
_WKD = "|".join(w[:3] for w in WEEKDAYS)
_WEEKDAY = "|".join(WEEKDAYS)
_ZH = "[〇一二三四五六七八九十]"


@dataclass(frozen=True)
class DateFormat:
    """One way of writing a date: ``render(date) -> str`` and a regex with groups year, month, day (weekday)."""

    name: str
    language: str                      # "en" or "zh"
    render: Callable[[dt.date], str]
    pattern: str

    def example(self) -> str:
        return self.render(dt.date(2026, 11, 29))


def _fmt(name, language, render, pattern):
    return DateFormat(name, language, render, pattern)


FORMATS: tuple[DateFormat, ...] = (
    _fmt("d Mon yyyy", "en", lambda d: f"{d.day} {MONTHS[d.month - 1][:3]} {d.year}",
         rf"(?P<day>\d{{1,2}}) (?P<month>{_MON}) (?P<year>\d{{4}})"),
    _fmt("d Month yyyy", "en", lambda d: f"{d.day} {MONTHS[d.month - 1]} {d.year}",
         rf"(?P<day>\d{{1,2}}) (?P<month>{_MONTH}) (?P<year>\d{{4}})"),
    _fmt("Month d, yyyy", "en", lambda d: f"{MONTHS[d.month - 1]} {d.day}, {d.year}",
         rf"(?P<month>{_MONTH}) (?P<day>\d{{1,2}}), (?P<year>\d{{4}})"),
    _fmt("Mon. d, yyyy", "en", lambda d: f"{MONTHS[d.month - 1][:3]}. {d.day}, {d.year}",
         rf"(?P<month>{_MON})\. (?P<day>\d{{1,2}}), (?P<year>\d{{4}})"),
    _fmt("Weekday, d Month yyyy", "en",
         lambda d: f"{WEEKDAYS[d.weekday()]}, {d.day} {MONTHS[d.month - 1]} {d.year}",
         rf"(?P<weekday>{_WEEKDAY}), (?P<day>\d{{1,2}}) (?P<month>{_MONTH}) (?P<year>\d{{4}})"),
    _fmt("Wkd Mon dd yyyy", "en",
         lambda d: f"{WEEKDAYS[d.weekday()][:3]} {MONTHS[d.month - 1][:3]} {d.day:02d} {d.year}",
         rf"(?P<weekday>{_WKD}) (?P<month>{_MON}) (?P<day>\d{{2}}) (?P<year>\d{{4}})"),
    _fmt("Weekday, Month dth, yyyy", "en",
         lambda d: f"{WEEKDAYS[d.weekday()]}, {MONTHS[d.month - 1]} {ordinal(d.day)}, {d.year}",
         rf"(?P<weekday>{_WEEKDAY}), (?P<month>{_MONTH}) (?P<day>\d{{1,2}})(st|nd|rd|th), (?P<year>\d{{4}})"),
    _fmt("the dth of Month yyyy", "en", lambda d: f"the {ordinal(d.day)} of {MONTHS[d.month - 1]} {d.year}",
         rf"the (?P<day>\d{{1,2}})(st|nd|rd|th) of (?P<month>{_MONTH}) (?P<year>\d{{4}})"),
    _fmt("dd-MON-yyyy", "en", lambda d: f"{d.day:02d}-{MONTHS[d.month - 1][:3].upper()}-{d.year}",
         rf"(?P<day>\d{{2}})-(?P<month>{_MON.upper()})-(?P<year>\d{{4}})"),
    _fmt("mm/dd/yy", "en", lambda d: f"{d.month:02d}/{d.day:02d}/{d.year % 100:02d}",
         r"(?P<month>\d{2})/(?P<day>\d{2})/(?P<year>\d{2})"),
    _fmt("m/d/yyyy", "en", lambda d: f"{d.month}/{d.day}/{d.year}",
         r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"),
    _fmt("dd.mm.yyyy", "en", lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
         r"(?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})"),
    _fmt("yyyy-mm-dd", "en", to_iso, r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
    _fmt("yyyy/mm/dd", "en", lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
         r"(?P<year>\d{4})/(?P<month>\d{2})/(?P<day>\d{2})"),
    _fmt("yyyymmdd", "en", lambda d: f"{d.year}{d.month:02d}{d.day:02d}",
         r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"),
    _fmt("yyyy年m月d日", "zh", lambda d: f"{d.year}年{d.month}月{d.day}日",
         r"(?P<year>\d{4})年(?P<month>\d{1,2})月(?P<day>\d{1,2})日"),
    _fmt("yyyy年m月d日 星期w", "zh", lambda d: f"{d.year}年{d.month}月{d.day}日 星期{ZH_WEEKDAYS[d.weekday()]}",
         rf"(?P<year>\d{{4}})年(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日 星期(?P<weekday>[{ZH_WEEKDAYS}])"),
    _fmt("yyyy年m月d日（周w）", "zh", lambda d: f"{d.year}年{d.month}月{d.day}日（周{ZH_WEEKDAYS[d.weekday()]}）",
         rf"(?P<year>\d{{4}})年(?P<month>\d{{1,2}})月(?P<day>\d{{1,2}})日（周(?P<weekday>[{ZH_WEEKDAYS}])）"),
    _fmt("二〇二六年十一月二十九日", "zh", lambda d: f"{zh_year(d.year)}年{zh_number(d.month)}月{zh_number(d.day)}日",
         rf"(?P<year>{_ZH}{{4}})年(?P<month>{_ZH}{{1,3}})月(?P<day>{_ZH}{{1,3}})日"),
    _fmt("二〇二六年十一月二十九日星期日", "zh",
         lambda d: f"{zh_year(d.year)}年{zh_number(d.month)}月{zh_number(d.day)}日星期{ZH_WEEKDAYS[d.weekday()]}",
         rf"(?P<year>{_ZH}{{4}})年(?P<month>{_ZH}{{1,3}})月(?P<day>{_ZH}{{1,3}})日星期(?P<weekday>[{ZH_WEEKDAYS}])"),
)
"""Every format the generator writes (name = the format, or the 2026-11-29 example for Chinese numerals)."""

FORMAT_NAMES = tuple(f.name for f in FORMATS)


def normalise(text: str) -> str:
    """What the model reads: lower case (case tells nothing about the date), single spaces, no outer spaces."""
    return " ".join(str(text).split()).lower()


def render(day: dt.date, format_name: str) -> str:
    """``day`` written in the format called ``format_name`` (one of :data:`FORMAT_NAMES`)."""
    return _format(format_name).render(day)


def _format(name: str) -> DateFormat:
    for date_format in FORMATS:
        if date_format.name == name:
            return date_format
    raise ValueError(f"format_name must be one of {list(FORMAT_NAMES)}; got {name!r}")


# ------------------------------------------------------------------ reading back (for the round trip)
def _zh_to_int(text: str) -> int:
    """Chinese numerals back to an int: 二十九 → 29, 十 → 10, 二〇二六 (digit by digit) → 2026."""
    if "十" not in text:
        return int("".join(str(ZH_DIGITS.index(c)) for c in text))
    tens, _, units = text.partition("十")
    return 10 * (ZH_DIGITS.index(tens) if tens else 1) + (ZH_DIGITS.index(units) if units else 0)


def _field_to_int(text: str, kind: str) -> int:
    if text[0] in ZH_DIGITS + "十":
        return _zh_to_int(text)
    if kind == "month" and not text.isdigit():
        return [m[:3].lower() for m in MONTHS].index(text[:3].lower()) + 1
    value = int(text)
    if kind == "year" and len(text) == 2:
        return 1900 + value if value >= 50 else 2000 + value   # the pivot
    return value


def parse(text: str, format_name: str | None = None) -> dt.date:
    """Read a date written in one of :data:`FORMATS` (all of them tried, or only ``format_name``).

    A rule-based reader, exact for the generator's formats and nothing else: it checks that the
    generator round-trips (``parse(render(d, f)) == d``) and that written weekdays are right. Raises
    ``ValueError`` for text that matches no format, an impossible date, or a wrong weekday.
    """
    candidates = [_format(format_name)] if format_name is not None else FORMATS
    for date_format in candidates:
        match = re.fullmatch(date_format.pattern, text)
        if match is None:
            continue
        day = dt.date(*(_field_to_int(match[k], k) for k in ("year", "month", "day")))
        weekday = match.groupdict().get("weekday")
        if weekday is not None:
            written = ZH_WEEKDAYS.index(weekday) if weekday in ZH_WEEKDAYS else \
                [w[:3] for w in WEEKDAYS].index(weekday[:3])
            if written != day.weekday():
                raise ValueError(f"{text!r}: the weekday does not match {day.isoformat()} "
                                 f"(a {WEEKDAYS[day.weekday()]})")
        return day
    raise ValueError(f"{text!r} is in none of the formats {list(FORMAT_NAMES) if format_name is None else [format_name]}")


# ------------------------------------------------------------------ split and samples
@dataclass(frozen=True)
class DateSplit:
    """Disjoint sets of calendar dates: ``train``, ``val``, ``test`` (tuples of ``datetime.date``)."""

    train: tuple[dt.date, ...]
    val: tuple[dt.date, ...]
    test: tuple[dt.date, ...]


def all_days(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> list[dt.date]:
    """Every calendar day from ``first`` to ``last`` inclusive."""
    return [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]


def split_dates(seed: int = 0, val_fraction: float = 0.1, test_fraction: float = 0.1) -> DateSplit:
    """Shuffle every day of 1950-2049 with ``seed`` and cut: ``val_fraction`` and ``test_fraction`` held out.

    The split is by *date*: every format of a held-out date is held out with it.
    """
    if not (0 < val_fraction < 1 and 0 < test_fraction < 1 and val_fraction + test_fraction < 1):
        raise ValueError(f"val_fraction and test_fraction must be in (0, 1) with a sum < 1; got "
                         f"{val_fraction!r}, {test_fraction!r}")
    days = all_days()
    order = np.random.default_rng(check_int("seed", seed, minimum=0)).permutation(len(days))
    n_val, n_test = round(val_fraction * len(days)), round(test_fraction * len(days))
    pick = lambda idx: tuple(sorted(days[i] for i in idx))
    return DateSplit(train=pick(order[n_val + n_test:]), val=pick(order[:n_val]),
                     test=pick(order[n_val:n_val + n_test]))


@dataclass(frozen=True)
class DateExample:
    """One pair: ``text`` as a person wrote it, ``iso`` the target, ``format_name``, ``day``."""

    text: str
    iso: str
    format_name: str
    day: dt.date


def sample_examples(days, n: int, seed: int, formats: tuple[str, ...] = FORMAT_NAMES) -> list[DateExample]:
    """``n`` examples: a day drawn uniformly from ``days`` and a format uniformly from ``formats``, seeded."""
    days = tuple(days)
    if not days:
        raise ValueError("days must not be empty")
    formats = tuple(formats)
    for name in formats:
        _format(name)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    day_index = rng.integers(0, len(days), check_int("n", n))
    format_index = rng.integers(0, len(formats), n)
    return [DateExample(render(days[d], formats[f]), to_iso(days[d]), formats[f], days[d])
            for d, f in zip(day_index, format_index)]
