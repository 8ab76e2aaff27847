"""Attention heatmaps: one row per output token, one column per source token, weight α as colour.

Row t shows where the decoder looked while writing output token t (each row sums to 1). Labels
are the tokens themselves; a space is drawn as ␣ so that it can be seen. Chinese labels need the
lesson style's CJK font (:func:`lessons_lib.plotting.use_lesson_style`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.image import AxesImage

SPACE = "␣"


def readable(tokens: Sequence[str]) -> list[str]:
    """Tick labels: spaces shown as ␣."""
    return [SPACE if t == " " else t for t in tokens]


def draw_attention(ax: Axes, weights: np.ndarray, source: Sequence[str], output: Sequence[str],
                   image: AxesImage | None = None, fontsize: float = 9) -> AxesImage:
    """Draw ``weights (len(output), len(source))`` on ``ax`` (or update ``image`` in place); return the image.

    Labels: ``source`` along x (top), ``output`` along y. Colours run from 0 (white) to 1 (dark blue).
    """
    weights = np.asarray(weights, dtype=float)
    if weights.shape != (len(output), len(source)):
        raise ValueError(f"weights must have shape (len(output), len(source)) = {(len(output), len(source))}; "
                         f"got {weights.shape}")
    if image is None:
        image = ax.imshow(weights, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    else:
        image.set_data(weights)
    image.set_extent((-0.5, len(source) - 0.5, len(output) - 0.5, -0.5))
    ax.set_xlim(-0.5, len(source) - 0.5)
    ax.set_ylim(len(output) - 0.5, -0.5)
    ax.set_xticks(range(len(source)), readable(source), fontsize=fontsize)
    ax.set_yticks(range(len(output)), readable(output), fontsize=fontsize)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    return image
