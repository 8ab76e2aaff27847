"""A block of text drawn as one filled path of cached glyph outlines: 06's sampled text, redrawn at every step.

matplotlib (3.11) rasterises every glyph of a ``Text`` anew at each draw, about 75 µs a glyph here:
the explorer's 240 sampled characters took 18 ms, the largest part of a redraw. :class:`TextBlock`
keeps each character's outline (from :class:`matplotlib.textpath.TextPath`) after its first use, lays
the characters out one advance after another, and fills the whole block as one path, in about
1 ms. It is drawn like any patch, so the static figure and the live canvas show the same thing.

What it does not do: kerning, ligatures, right-to-left text. It is meant for monospaced text (a CJK
character takes its own, wider advance, as in a terminal).
"""
from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.font_manager import FontProperties
from matplotlib.patches import PathPatch
from matplotlib.path import Path
from matplotlib.textpath import TextPath, text_to_path
from matplotlib.transforms import Affine2D, ScaledTranslation

EMPTY = Path(np.zeros((0, 2)))


_GLYPHS: dict[tuple, dict[str, tuple[np.ndarray, np.ndarray, float]]] = {}
"""Outline and advance of each character drawn so far, per (font families, size): shared by every block."""


class TextBlock(PathPatch):
    """Lines of text whose top is at ``(x, y)``; ``set_text`` / ``get_text``.

    ``(x, y)`` is in ``transform``'s coordinates (default: ``ax``'s axes fraction). Lines start at ``x``,
    or are centred on it with ``centred=True``. ``family`` is a font family list (fallback per
    character, as for ``Text``); ``line_spacing`` is the distance between baselines in font sizes.
    The block is not clipped to the axes.
    """

    def __init__(self, ax, x: float, y: float, text: str = "", fontsize: float | str = 9.0, family=("DejaVu Sans Mono",),
                 line_spacing: float = 1.4, color=None, transform=None, centred: bool = False):
        self._prop = FontProperties(family=list(family), size=fontsize)       # fontsize: points or "medium" etc.
        self._fontsize = self._prop.get_size_in_points()
        self._line_spacing, self._centred = float(line_spacing), bool(centred)
        self._glyphs = _GLYPHS.setdefault((tuple(family), self._fontsize), {})
        self._text = ""
        self._top = (float(x), float(y), ax.transAxes if transform is None else transform)
        points_to_display = (Affine2D().scale(1 / 72) + ax.get_figure(root=True).dpi_scale_trans
                             + ScaledTranslation(*self._top))
        super().__init__(EMPTY, transform=points_to_display, linewidth=0,
                         facecolor=matplotlib.rcParams["text.color"] if color is None else color)
        ax.add_patch(self)
        self.set_clip_on(False)
        self.set_text(text)

    def get_text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        """Lay ``text`` out (``\\n`` starts a line) and make it the path drawn."""
        self._text = str(text)
        vertices, codes = [], []
        for row, line in enumerate(self._text.split("\n")):
            baseline = -self._fontsize * (1.0 + self._line_spacing * row)            # points, down from the top
            x = -0.5 * sum(self._glyph(c)[2] for c in line) if self._centred else 0.0
            for character in line:
                outline, outline_codes, advance = self._glyph(character)
                if len(outline):
                    vertices.append(outline + (x, baseline))
                    codes.append(outline_codes)
                x += advance
        self.set_path(Path(np.concatenate(vertices), np.concatenate(codes)) if vertices else EMPTY)
        self.stale = True

    def prepare(self, text: str) -> None:
        """Make the outlines of ``text``'s characters now, so that showing them later costs no more than any other."""
        for character in set(text) - {"\n"}:
            self._glyph(character)

    def lines_that_fit(self) -> int:
        """How many lines fit between the block's top and the bottom of its axes (at least 1)."""
        x, y, transform = self._top
        height = (transform.transform((x, y))[1] - self.axes.bbox.y0) * 72 / self.axes.get_figure(root=True).dpi  # points
        below_last_baseline = 0.3 * self._fontsize                                                          # descenders
        return max(1, int((height - self._fontsize - below_last_baseline) // (self._line_spacing * self._fontsize)) + 1)

    def _glyph(self, character: str):
        """The outline of ``character`` at the origin (vertices in points, codes) and its advance, cached."""
        if character not in self._glyphs:
            advance = text_to_path.get_text_width_height_descent(character, self._prop, ismath=False)[0]
            if character.isspace():
                outline = (np.zeros((0, 2)), np.zeros(0, dtype=Path.code_type))
            else:
                path = TextPath((0, 0), character, prop=self._prop)
                outline = (np.asarray(path.vertices, dtype=float), np.asarray(path.codes, dtype=Path.code_type))
            self._glyphs[character] = (*outline, float(advance))
        return self._glyphs[character]
