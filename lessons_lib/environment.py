"""What this kernel runs on: versions, device and threads, for the environment check in notebook 00."""
from __future__ import annotations

import os
import platform
import sys
from importlib import metadata
from pathlib import Path

PACKAGES = ("numpy", "torch", "matplotlib", "ipywidgets", "jupyterlab", "tqdm")

WHAT_MAY_CHANGE = {
    "python": "the collection is tested on Python 3.11 only; anything may fail",
    "numpy": "printed numbers may differ in the last digits; the asserted claims should still hold",
    "torch": "training runs may end at other numbers than the saved ones (their cells are not compared); "
             "an older torch may lack a function the notebooks use",
    "matplotlib": "figures may look slightly different",
    "ipywidgets": "the interactive widgets may not show or may not respond",
    "jupyterlab": "the widgets may not show; the rest works",
    "tqdm": "nothing the notebooks show (only some tools use it)",
}


def environment_report() -> dict[str, str]:
    """Python and package versions, torch's device and thread count, as printable strings."""
    report = {"python": platform.python_version(), "platform": f"{platform.system()} {platform.machine()}"}
    for name in PACKAGES:
        try:
            report[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            report[name] = "not installed"
    try:
        import torch

        report["torch device"] = "cuda" if torch.cuda.is_available() else "cpu"
        report["torch threads"] = str(torch.get_num_threads())
    except ImportError:
        report["torch device"] = "torch missing"
    report["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "unset")
    report["executable"] = sys.executable
    return report


def required_versions(requirements_file) -> dict[str, str]:
    """Exact pins ``name==version`` of a requirements file, as ``{name: version}``."""
    pins = {}
    for line in Path(requirements_file).read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins


def version_differences(report: dict[str, str], pins: dict[str, str], python: str = "3.11") -> list[str]:
    """One line per installed version that differs from its pin: what differs and what may change.

    Versions are compared without a local suffix (``2.13.0+cpu`` matches the pin ``2.13.0``); Python
    is compared by its minor version with ``python``. An empty list means everything matches.
    """
    found = {"python": ".".join(report["python"].split(".")[:2]),
             **{name: report[name].split("+")[0] for name in PACKAGES if name in report and name in pins}}
    wanted = {"python": python, **{name: pins[name] for name in PACKAGES if name in pins}}
    lines = []
    for name, version in wanted.items():
        if name in found and found[name] != version:
            have = "is not installed" if found[name] == "not installed" else f"{found[name]} is installed"
            lines.append(f"{name} {have}, the notebooks were run with {version}: "
                         f"{WHAT_MAY_CHANGE.get(name, 'some outputs may differ')}")
    return lines
