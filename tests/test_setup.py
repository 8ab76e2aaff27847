"""How `make` creates .venv when Python 3.11 is missing: with uv if it is on the PATH, else a clear message.

Each test runs only the Makefile's venv rule (``make .../bin/python``) against a throw-away ``VENV``;
nothing is installed. A stand-in ``uv`` (a shell script that records its arguments) shows which
command make runs; the last test uses a real uv when one is on the PATH.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make")


def make_venv(venv: Path, python: str, path: str) -> subprocess.CompletedProcess:
    """Run the venv rule with ``PYTHON=python`` and ``PATH=path``."""
    env = dict(os.environ, PATH=path)
    return subprocess.run([MAKE, "--no-print-directory", f"{venv}/bin/python", f"VENV={venv}", f"PYTHON={python}"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_without_python311_make_uses_uv(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "uv-args"
    (bin_dir / "uv").write_text(f'#!/bin/sh\necho "$@" > {log}\nmkdir -p "$5/bin" && touch "$5/bin/python"\n')
    (bin_dir / "uv").chmod(0o755)
    venv = tmp_path / "venv"
    result = make_venv(venv, "python3.11-not-installed", f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert log.read_text().split() == ["venv", "--seed", "--python", "3.11", str(venv)]
    assert "creating" in result.stdout and "with uv" in result.stdout


def test_without_python311_or_uv_make_says_what_to_install(tmp_path):
    result = make_venv(tmp_path / "venv", "python3.11-not-installed", str(tmp_path))   # a PATH with no uv
    assert result.returncode != 0
    message = result.stderr
    for advice in ("Python 3.11 is required", "uv", "deadsnakes", "python.org", "conda", "PYTHON="):
        assert advice in message, f"{advice!r} missing from:\n{message}"
    assert not (tmp_path / "venv").exists()


def test_with_python311_make_uses_it_and_not_uv(tmp_path):
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the suite runs under Python 3.11 (.venv); this interpreter is not")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "uv").write_text("#!/bin/sh\nexit 3\n")   # would fail the rule if called
    (bin_dir / "uv").chmod(0o755)
    real = Path(sys.base_prefix) / "bin" / "python3.11"
    fake_python = bin_dir / "python3.11"   # make calls `$(PYTHON) -m venv`: record instead of building one
    fake_python.write_text(f'#!/bin/sh\nif [ "$1" = -m ]; then mkdir -p "$3/bin" && touch "$3/bin/python"; '
                           f'echo venv > {tmp_path}/called; else exec {real} "$@"; fi\n')
    fake_python.chmod(0o755)
    result = make_venv(tmp_path / "venv", str(fake_python), f"{bin_dir}:{os.environ['PATH']}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "called").read_text().strip() == "venv"


@pytest.mark.skipif(shutil.which("uv") is None, reason="no uv on the PATH (pip install uv to run this check)")
def test_real_uv_creates_a_python311_venv(tmp_path):
    venv = tmp_path / "venv"
    result = make_venv(venv, "python3.11-not-installed", os.environ["PATH"])
    assert result.returncode == 0, result.stdout + result.stderr
    version = subprocess.run([venv / "bin" / "python", "-c", "import sys, pip; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout
    assert version.strip() == "(3, 11)"
