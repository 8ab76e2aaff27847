"""The environment files agree with each other and with what is installed."""
import re
from pathlib import Path

import yaml

from lessons_lib.environment import environment_report, required_versions

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"pytorch": "torch"}  # conda-forge name -> PyPI name


def normalised(pins: dict[str, str]) -> dict[str, str]:
    """Package names as PyPI compares them: case, '-', '_' and '.' do not matter (PEP 503)."""
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version in pins.items()}


def conda_pins() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert spec["channels"] == ["conda-forge"]
    pins = {}
    for dep in spec["dependencies"]:
        if isinstance(dep, dict) or dep == "pip":
            continue
        name, _, version = dep.partition("=")
        assert version and not version.startswith("="), f"environment.yml pins with one '=': {dep!r}"
        pins[CONDA_NAMES.get(name, name)] = version
    return normalised(pins)


def test_environment_yml_and_requirements_name_the_same_versions():
    conda = conda_pins()
    assert conda.pop("python") == "3.11"
    assert conda == normalised(required_versions(ROOT / "requirements.txt"))


def test_every_requirement_is_pinned_exactly_and_locked():
    pins = required_versions(ROOT / "requirements.txt")
    lines = [l.split("#")[0].strip() for l in (ROOT / "requirements.txt").read_text().splitlines()]
    assert all("==" in l for l in lines if l), "every line of requirements.txt must be name==version"
    lock = normalised(required_versions(ROOT / "requirements-lock.txt"))
    for name, version in normalised(pins).items():
        assert lock.get(name) == version, f"{name}: requirements.txt {version}, lock {lock.get(name)}"
    assert pins["torch"] == "2.13.0"


def test_installed_versions_are_the_pinned_ones():
    report = environment_report()
    pins = required_versions(ROOT / "requirements.txt")
    for name in ("numpy", "torch", "matplotlib", "ipywidgets", "jupyterlab", "tqdm"):
        assert report[name].split("+")[0] == pins[name], name


def test_required_versions_reads_pins(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("# comment\nNumPy==1.2.3  # why\n\nfoo>=2\n")
    assert required_versions(f) == {"numpy": "1.2.3"}


def test_maintainer_requirements_are_pinned_locked_and_separate_from_the_learners():
    """requirements-dev.txt (browser tests, site) is pinned; its lock adds packages and never re-pins a learner's."""
    dev_lines = [l.split("#")[0].strip() for l in (ROOT / "requirements-dev.txt").read_text().splitlines()]
    assert all("==" in l for l in dev_lines if l), "every line of requirements-dev.txt must be name==version"
    dev = normalised(required_versions(ROOT / "requirements-dev.txt"))
    dev_lock = normalised(required_versions(ROOT / "requirements-dev-lock.txt"))
    learner_lock = normalised(required_versions(ROOT / "requirements-lock.txt"))
    for name, version in dev.items():
        assert dev_lock.get(name) == version, f"{name}: requirements-dev.txt {version}, dev lock {dev_lock.get(name)}"
    assert not set(dev_lock) & set(learner_lock), "the dev lock must not re-pin learner packages"
    assert not set(dev) & set(normalised(required_versions(ROOT / "requirements.txt")))
    assert {"playwright", "pytest-playwright", "sphinx", "myst-nb"} <= set(dev)
