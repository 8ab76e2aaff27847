"""The Binder/JupyterHub files agree with the learner's environment (repo2docker itself cannot run here)."""
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def test_binder_uses_python_311_the_pinned_requirements_and_a_cjk_font():
    assert (BINDER / "runtime.txt").read_text().strip() == "python-3.11"
    lines = [l.strip() for l in (BINDER / "requirements.txt").read_text().splitlines() if l.strip() and l[0] != "#"]
    assert "-r ../requirements.txt" in lines and "-c ../requirements-lock.txt" in lines
    assert (BINDER / "../requirements.txt").resolve() == ROOT / "requirements.txt"
    assert "fonts-noto-cjk" in (BINDER / "apt.txt").read_text().split()


def test_binder_postbuild_installs_lessons_lib_and_the_lab_settings():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK)
    text = post_build.read_text()
    assert "pip install --no-deps -e ." in text
    source = re.search(r"cp (\S+) ", text).group(1)
    assert (ROOT / source).is_file() and source == "jupyter/lab/settings/overrides.json"
    assert "share/jupyter/lab/settings" in text


def test_the_teaching_guide_has_measured_numbers_not_placeholders():
    guide = (ROOT / "docs" / "teaching-a-class.md").read_text(encoding="utf-8")
    assert not re.search(r"\b[A-Z_]{2,}_(TABLE|LIMIT|GUARANTEE)\b", guide), "fill in benchmarks/notebook_resources.py's figures"
    rows = re.findall(r"^\| (\d\d_\w+) \| [\d.]+ \| [\d.]+ \| \d+ \|$", guide, re.M)
    assert rows, "the resources table is empty"
    assert set(rows) <= {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
