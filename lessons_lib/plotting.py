"""One look for every figure of the collection: small PNGs that render the same everywhere, Chinese included.

Chinese labels (遗忘门, 唐诗 samples, attention maps of 中文 sentences) need a CJK font, which many
machines lack (minimal Linux, WSL, Docker, fresh JupyterHub images): matplotlib would draw empty boxes
and warn. The collection ships its own, ``lessons_lib/fonts/NotoSansSC-lessons.otf`` (Noto Sans CJK SC
cut down to the characters the collection uses, SIL Open Font License), and puts it second in the font
list, so Latin text keeps DejaVu Sans and only CJK characters fall back to it.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

CJK_FONT_FILE = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-lessons.otf"
CJK_FONT_NAME = "Noto Sans SC (lessons subset)"

LESSON_RC = {
    "figure.dpi": 80,          # modest: keeps committed notebooks small
    "savefig.dpi": 80,
    "figure.figsize": (7.0, 3.2),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "font.family": ["DejaVu Sans", CJK_FONT_NAME],   # per-glyph fallback: CJK characters use the second
    "axes.unicode_minus": True,
}


def register_cjk_font() -> str:
    """Make the bundled CJK font known to matplotlib (idempotent); return its family name.

    The subset has one weight (regular). It is registered for bold too, so that a bold title with
    Chinese in it is drawn (at regular weight for the CJK characters) without matplotlib logging
    "Failed to find font weight bold" into the notebook's output.
    """
    manager = font_manager.fontManager
    if CJK_FONT_NAME not in {f.name for f in manager.ttflist}:
        manager.addfont(str(CJK_FONT_FILE))
        regular = next(f for f in manager.ttflist if f.name == CJK_FONT_NAME)
        manager.ttflist.append(dataclasses.replace(regular, weight=700))
        manager._findfont_cached.cache_clear()
    return CJK_FONT_NAME


def use_lesson_style() -> None:
    """Apply :data:`LESSON_RC` to matplotlib, with the bundled CJK font as fallback (call once per notebook)."""
    register_cjk_font()
    mpl.rcParams.update(LESSON_RC)
