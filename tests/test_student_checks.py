"""In a student notebook every exercise function is a stub, ``raise NotImplementedError()``: each check must
then print "not attempted yet" and return False — no traceback, no "your function raised ..." verdict.

Every ``check_*`` of every module in lessons_lib/exercises/ is tried, including checks added later.
The behaviour lives in ``_feedback.call_safely`` and ``report`` (``NOT_ATTEMPTED``).
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from lessons_lib import exercises

MODULES = sorted(p.stem for p in Path(exercises.__file__).parent.glob("*.py") if not p.stem.startswith("_"))
CHECKS = sorted((module, name) for module in MODULES
                for name in getattr(importlib.import_module(f"lessons_lib.exercises.{module}"), "__all__", [])
                if name.startswith("check_"))


def stub(*args, **kwargs):
    # YOUR CODE HERE
    raise NotImplementedError()


@pytest.mark.parametrize("module,name", CHECKS, ids=[name for _, name in CHECKS])
def test_a_stub_is_not_attempted_yet(module, name, capsys):
    check = getattr(importlib.import_module(f"lessons_lib.exercises.{module}"), name)
    result = check(stub)
    out = capsys.readouterr().out
    assert result is False, out
    assert "not attempted yet" in out and not out.startswith("❌"), out
