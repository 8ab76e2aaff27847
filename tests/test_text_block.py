"""TextBlock (06's sampled text): cached glyph outlines laid out like matplotlib's own text, CJK included."""
import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from lessons_lib.plotting import CJK_FONT_NAME, use_lesson_style
from lessons_lib.widgets._text_block import TextBlock

FAMILY = ["DejaVu Sans Mono", CJK_FONT_NAME]


def ink_box(draw):
    """(left, top, right, bottom) of the dark pixels of a figure where ``draw(ax)`` put some text."""
    fig = Figure(figsize=(4, 2), dpi=100)
    ax = fig.subplots()
    ax.axis("off")
    draw(ax)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    dark = np.asarray(canvas.buffer_rgba())[..., :3].min(axis=2) < 128
    rows, columns = np.nonzero(dark)
    return np.array([columns.min(), rows.min(), columns.max(), rows.max()])


@pytest.mark.parametrize("text", ["To be, or not to be:\nthat is the question.", "白日依山尽，\n黄河入海流。"])
def test_it_covers_what_matplotlib_text_covers(text):
    use_lesson_style()
    ours = ink_box(lambda ax: TextBlock(ax, 0.0, 1.0, text, fontsize=9, family=FAMILY, line_spacing=1.4))
    with matplotlib.rc_context({"text.hinting": "none"}):     # outlines are laid out unhinted, as in a PDF
        reference = ink_box(lambda ax: ax.text(0.0, 1.0, text, va="top", fontsize=9, family=FAMILY, linespacing=1.2,
                                               transform=ax.transAxes))
    assert np.abs(ours[[0, 2]] - reference[[0, 2]]).max() <= 2, (ours, reference)      # same left and right edge
    assert np.abs(ours[[1, 3]] - reference[[1, 3]]).max() <= 4, (ours, reference)      # about the same lines


def test_layout_caching_and_the_text_it_holds():
    use_lesson_style()
    fig = Figure()
    block = TextBlock(fig.subplots(), 0.0, 1.0, "aa b", family=FAMILY)
    assert block.get_text() == "aa b" and {"a", " ", "b"} <= set(block._glyphs)     # outlines kept for next time
    one_line = block.get_path().vertices.copy()
    block.set_text("aa b\naa b")
    lines = block.get_path().vertices
    assert len(lines) == 2 * len(one_line)
    np.testing.assert_allclose(lines[:len(one_line)], one_line)
    np.testing.assert_allclose(lines[len(one_line):, 1], one_line[:, 1] - 1.4 * 9.0)   # one line lower
    block.set_text("")
    assert len(block.get_path().vertices) == 0 and block.get_text() == ""


def test_a_centred_block_sits_where_a_centred_text_does():
    use_lesson_style()
    ours = ink_box(lambda ax: TextBlock(ax, 0.5, 0.5, "明 k", fontsize=10, family=FAMILY, centred=True))
    with matplotlib.rc_context({"text.hinting": "none"}):
        reference = ink_box(lambda ax: ax.text(0.5, 0.5, "明 k", ha="center", va="top", fontsize=10, family=FAMILY,
                                               transform=ax.transAxes))
    assert np.abs(ours[[0, 2]] - reference[[0, 2]]).max() <= 2, (ours, reference)
