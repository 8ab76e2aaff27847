"""What this kernel runs on: versions, device and threads, for the environment check in notebook 00."""
from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

PACKAGES = ("numpy", "torch", "matplotlib", "ipywidgets", "jupyterlab", "tqdm")


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
    for line in open(requirements_file, encoding="utf-8"):
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower()] = version.strip()
    return pins
