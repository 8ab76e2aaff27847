"""The lesson style draws Chinese with the bundled font: no missing-glyph warnings, every used character covered."""
import importlib.util
import warnings
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lessons_lib.plotting import CJK_FONT_FILE, use_lesson_style

ROOT = Path(__file__).resolve().parents[1]


def _render(text: str) -> np.ndarray:
    fig = Figure(figsize=(3, 1))
    canvas = FigureCanvasAgg(fig)
    fig.text(0.05, 0.4, text, fontsize=14)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


def test_chinese_labels_render_without_missing_glyphs():
    use_lesson_style()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph 36951 (\N{...}) missing from font(s) DejaVu Sans" would raise
        image = _render("forget gate 遗忘门 · 记忆单元 c_t")
    assert (image[..., :3] < 128).any(), "something dark was drawn"


def test_the_bundled_font_covers_every_chinese_character_the_collection_uses():
    spec = importlib.util.spec_from_file_location("make_cjk_font", ROOT / "tools" / "make_cjk_font.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    covered = {chr(code) for code in TTFont(CJK_FONT_FILE).getBestCmap()}
    # Noto Sans CJK itself has no glyphs beyond the Basic Multilingual Plane (69 rare characters of the
    # poems, CJK Extension B and later): those are left out here and would still be drawn as boxes.
    missing = sorted(c for c in tool.characters_used() - covered if ord(c) <= 0xFFFF)
    assert not missing, (f"{len(missing)} characters have no glyph in {CJK_FONT_FILE.name}: {''.join(missing[:40])} "
                         "-- rebuild it with tools/make_cjk_font.py")


def test_a_bold_title_with_chinese_logs_no_missing_weight(caplog):
    """The subset has one weight; a bold title must not log 'Failed to find font weight bold' into a notebook."""
    import matplotlib.pyplot as plt
    use_lesson_style()
    fig, ax = plt.subplots()
    ax.set_title("遗忘门 forget gate", fontweight="bold")
    with caplog.at_level("INFO", logger="matplotlib.font_manager"):
        fig.canvas.draw()
    plt.close(fig)
    assert not [r for r in caplog.records if "Failed to find font" in r.getMessage()]
