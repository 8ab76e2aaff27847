"""Assertions shared by the exercise-check tests: a check must print its verdict and never raise on an answer."""


def verdict(capsys, check, answer):
    """Run a check; return (result, printed text). It must never raise on an answer."""
    result = check(answer)
    return result, capsys.readouterr().out


def assert_rejected(capsys, check, answer, *fragments):
    """The check returns False, prints ❌ first, and its feedback contains every fragment."""
    result, out = verdict(capsys, check, answer)
    assert result is False, out
    assert out.startswith("❌"), out
    for fragment in fragments:
        assert fragment in out, f"expected {fragment!r} in the feedback:\n{out}"


def assert_accepted(capsys, check, answer):
    """The check returns True and prints ✅ first."""
    result, out = verdict(capsys, check, answer)
    assert result is True, out
    assert out.startswith("✅"), out
