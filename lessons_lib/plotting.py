"""One look for every figure of the collection: small PNGs that render the same everywhere."""
from __future__ import annotations

import matplotlib as mpl

LESSON_RC = {
    "figure.dpi": 80,          # modest: keeps committed notebooks small
    "savefig.dpi": 80,
    "figure.figsize": (7.0, 3.2),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
}


def use_lesson_style() -> None:
    """Apply :data:`LESSON_RC` to matplotlib (call once at the top of a notebook)."""
    mpl.rcParams.update(LESSON_RC)
