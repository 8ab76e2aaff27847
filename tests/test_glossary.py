"""One glossary for the collection (GLOSSARY.md), and every notebook's key-terms table agrees with it.

A notebook closes with a "Key terms" heading over a markdown table English | 中文 | symbol, and a 中文小结
section, after its summary. Every row of its table must be a glossary term with the glossary's Chinese
(and symbol, where both give one), and every glossary term introduced in that notebook must be in its
table. Notebooks that have no table yet are strict xfails (PENDING); remove a notebook's number from
PENDING when its table lands. Inline translations — "forget gate (遗忘门)" in the prose — must use the
glossary's Chinese already now.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import NamedTuple

import nbformat
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from make_cjk_font import is_cjk  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
PENDING: set[str] = set()   # notebooks without a key-terms table yet (none now)
GLOSSARY_COLUMNS = ["english", "中文", "symbol", "introduced in", "other names"]
TABLE_COLUMNS = ["english", "中文", "symbol"]
KEY_TERMS = re.compile(r"^#{2,4}\s*Key terms\b", re.IGNORECASE | re.MULTILINE)
HEADING = re.compile(r"^#{1,4}\s", re.MULTILINE)


class Term(NamedTuple):
    english: str
    chinese: str
    symbol: str
    introduced: str


def term_key(english: str) -> str:
    """'Recurrent neural network (RNN)' and 'recurrent  neural network' are the same term."""
    return " ".join(re.sub(r"\([^)]*\)", "", english).lower().split())


def symbol_key(symbol: str) -> str:
    return re.sub(r"[\s${}`]", "", symbol).replace("−", "-")


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Every pipe table in ``text``, as rows of stripped cells (the separator row left out)."""
    tables, current = [], []
    for line in text.split("\n") + [""]:
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                current.append(cells)
        elif current:
            tables.append(current)
            current = []
    return tables


def rows_under(tables, columns: list[str]) -> list[list[str]]:
    """The body rows of every table whose header starts with ``columns`` (case-insensitive)."""
    return [row for table in tables if [c.lower() for c in table[0][:len(columns)]] == columns for row in table[1:]]


def read_glossary(text: str) -> dict[str, Term]:
    terms = {}
    for row in rows_under(markdown_tables(text), GLOSSARY_COLUMNS):
        english, chinese, symbol, introduced = (row + [""] * 4)[:4]
        if term_key(english) in terms:
            raise ValueError(f"GLOSSARY.md lists {english!r} twice")
        terms[term_key(english)] = Term(english, chinese, symbol, introduced)
    return terms


GLOSSARY = read_glossary((ROOT / "GLOSSARY.md").read_text(encoding="utf-8"))


def key_terms(nb) -> list[list[str]] | None:
    """The rows of a notebook's key-terms table (English | 中文 | symbol), or None if it has none."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown" and KEY_TERMS.search(cell.source):
            text = cell.source[KEY_TERMS.search(cell.source).end():]
            for following in nb.cells[index + 1:]:              # the table may be in the next cell(s)
                if following.cell_type != "markdown" or HEADING.match(following.source):
                    break
                text += "\n" + following.source
            text = HEADING.split(text)[0]
            rows = rows_under(markdown_tables(text), TABLE_COLUMNS)
            return [(row + ["", "", ""])[:3] for row in rows] if rows else None
    return None


def table_problems(rows, glossary: dict[str, Term]) -> list[str]:
    problems = []
    for english, chinese, symbol in rows:
        term = glossary.get(term_key(english))
        if term is None:
            problems.append(f"{english!r} is not in GLOSSARY.md (add it there, with where it is introduced)")
            continue
        if chinese != term.chinese:
            problems.append(f"{english!r} is {chinese!r} here but {term.chinese!r} in GLOSSARY.md")
        if symbol and term.symbol and symbol_key(symbol) != symbol_key(term.symbol):
            problems.append(f"{english!r} has symbol {symbol!r} here but {term.symbol!r} in GLOSSARY.md")
    return problems


def inline_problems(text: str, glossary: dict[str, Term]) -> list[str]:
    """Prose like 'forget gate (遗忘门)' whose Chinese in parentheses is not the glossary's."""
    problems = []
    for term in glossary.values():
        english = re.escape(re.sub(r"\s*\([^)]*\)", "", term.english))
        for found in re.finditer(rf"\b{english}(?:s|es)?\**\s*[（(]([^)）]*)[)）]", text, re.IGNORECASE):
            inside = found.group(1).strip()
            if inside and is_cjk(inside[0]) and term.chinese not in inside:   # a translation, not an aside
                problems.append(f"{found.group(0)!r}: GLOSSARY.md says {term.chinese!r}")
    return problems


def headings(nb, pattern: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
            and re.search(rf"^#{{1,4}}\s*{pattern}", c.source, re.MULTILINE | re.IGNORECASE)]


def pending(path: Path):
    return pytest.param(path, id=path.name, marks=pytest.mark.xfail(
        path.name[:2] in PENDING, strict=True, reason="no key-terms table / 中文小结 yet (notebook pass)"))


# ------------------------------------------------------------------ the glossary itself
def test_the_glossary_is_complete_and_well_formed():
    assert len(GLOSSARY) >= 100, len(GLOSSARY)       # the parser found the tables
    problems = []
    for key, term in GLOSSARY.items():
        if not any(is_cjk(c) for c in term.chinese):
            problems.append(f"{term.english!r} has no Chinese")
        if not re.fullmatch(r"0[0-8]", term.introduced):
            problems.append(f"{term.english!r}: 'introduced in' must be a notebook number 00–08; got {term.introduced!r}")
    chinese = [t.chinese for t in GLOSSARY.values()]
    problems += [f"{c!r} translates two terms" for c in sorted(set(chinese)) if chinese.count(c) > 1]
    assert not problems, "\n".join(problems)
    assert {t.introduced for t in GLOSSARY.values()} == {f"0{n}" for n in range(9)}, "every notebook introduces terms"


@pytest.mark.parametrize("term,chinese", [
    ("forget gate", "遗忘门"), ("cell state", "记忆单元"), ("candidate", "候选记忆"), ("hidden state", "隐藏状态"),
    ("perplexity", "困惑度"), ("teacher forcing", "教师强制"), ("beam search", "束搜索"), ("blank", "空白符"),
    ("truncated BPTT", "截断的随时间反向传播"), ("log-mel spectrogram", "对数梅尔频谱"),
])
def test_the_glossary_has_the_collections_key_terms(term, chinese):
    assert GLOSSARY[term_key(term)].chinese == chinese


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_translations_in_the_prose_agree_with_the_glossary(path):
    text = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")
    problems = inline_problems(text, GLOSSARY)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


def test_the_chinese_readme_uses_the_glossary():
    text = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    for term in ("forget gate", "input gate", "output gate", "candidate", "cell state", "hidden state"):
        assert f"{GLOSSARY[term].chinese} ({term}" in text, term


# ------------------------------------------------------------------ each notebook's table
@pytest.mark.parametrize("path", [pending(p) for p in NOTEBOOKS])
def test_the_key_terms_table_agrees_with_the_glossary(path):
    nb = nbformat.read(path, as_version=4)
    rows = key_terms(nb)
    assert rows, f"{path.name}: no 'Key terms' heading over a table English | 中文 | symbol"
    problems = table_problems(rows, GLOSSARY)
    assert not problems, f"{path.name}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", [pending(p) for p in NOTEBOOKS])
def test_every_term_the_notebook_introduces_is_in_its_table(path):
    rows = key_terms(nbformat.read(path, as_version=4)) or []
    listed = {term_key(row[0]) for row in rows}
    missing = [t.english for key, t in GLOSSARY.items() if t.introduced == path.name[:2] and key not in listed]
    assert rows and not missing, f"{path.name}: GLOSSARY.md says these are introduced here: {missing}"


@pytest.mark.parametrize("path", [pending(p) for p in NOTEBOOKS])
def test_key_terms_and_chinese_summary_close_the_notebook(path):
    nb = nbformat.read(path, as_version=4)
    summary, terms, chinese = headings(nb, "Summary"), headings(nb, "Key terms"), headings(nb, "中文小结")
    assert summary and terms and chinese, f"{path.name}: Summary {summary}, Key terms {terms}, 中文小结 {chinese}"
    assert min(terms) > min(summary) and min(chinese) > min(summary), "both come after the summary, near the end"


# ------------------------------------------------------------------ the parser, on small notebooks
GOOD = {"forget gate": Term("forget gate", "遗忘门", "$f_t$", "03"),
        "recurrent neural network": Term("recurrent neural network (RNN)", "循环神经网络", "", "00")}


def lesson(table: str):
    return new_notebook(cells=[new_markdown_cell("## Summary\n\n- done"),
                               new_markdown_cell("## Key terms\n\nThe terms of this notebook.\n"),
                               new_markdown_cell(table), new_markdown_cell("## 中文小结\n\n本节……")])


def test_a_table_is_found_in_the_heading_cell_or_after_it():
    table = "| English | 中文 | symbol |\n|---|---|---|\n| forget gate | 遗忘门 | $f_t$ |\n| RNN | 循环神经网络 | |"
    assert key_terms(lesson(table)) == [["forget gate", "遗忘门", "$f_t$"], ["RNN", "循环神经网络", ""]]
    nb = new_notebook(cells=[new_markdown_cell("### Key terms (关键术语)\n\n" + table)])
    assert len(key_terms(nb)) == 2
    assert key_terms(lesson("| term | 中文 |\n|---|---|\n| forget gate | 遗忘门 |")) is None
    assert key_terms(new_notebook(cells=[new_markdown_cell("## Summary")])) is None


@pytest.mark.parametrize("row,fragment", [
    ("| forget gate | 忘记门 | $f_t$ |", "'forget gate' is '忘记门' here but '遗忘门'"),
    ("| forget gate | 遗忘门 | $g_t$ |", "has symbol '$g_t$' here but '$f_t$'"),
    ("| peephole | 窥视孔 | |", "'peephole' is not in GLOSSARY.md"),
])
def test_table_problems_name_each_disagreement(row, fragment):
    rows = key_terms(lesson(f"| English | 中文 | symbol |\n|---|---|---|\n{row}"))
    assert any(fragment in p for p in table_problems(rows, GOOD)), table_problems(rows, GOOD)


def test_agreeing_rows_pass_whatever_the_spelling_of_the_english():
    rows = [["Forget gate", "遗忘门", "$f_{t}$"], ["recurrent neural network", "循环神经网络", ""]]
    assert table_problems(rows, GOOD) == []


def test_inline_translations_are_checked_in_the_prose():
    assert inline_problems("The **forget gate** (遗忘门) and recurrent neural networks (循环神经网络).", GOOD) == []
    found = inline_problems("The forget gates (忘记门) decide.", GOOD)
    assert found and "'遗忘门'" in found[0]
    assert inline_problems("the forget gate (notebook 03)", GOOD) == []
    assert inline_problems("one forget gate (a recurrent neural network, 循环神经网络)", GOOD) == []


def test_a_term_listed_twice_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        read_glossary("| English | 中文 | symbol | introduced in | other names |\n|---|---|---|---|---|\n"
                      "| gate | 门 | | 03 | |\n| Gate | 门控 | | 03 | |")
