"""The explorers the browser tests and the latency benchmark drive: one entry per explorer.

An entry says where the explorer lives (notebook, a piece of its cell's source, the cells to run before
it) and how to build the same explorer headlessly (``factory``), from which the controls, their
descriptions and the expected readouts are taken. To cover a new explorer (06's sampling widget, 07's
date-translation widget), add one entry.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExplorerCase:
    name: str
    notebook: str
    cell: str
    """Text found in the explorer's cell (and in no earlier cell)."""
    factory: str
    """``module:function`` that builds the same explorer headlessly (no arguments)."""
    setup: tuple[str, ...] = ()
    """Text of cells to run first, in order (imports, the lesson style); the first code cell if empty."""


EXPLORERS = (
    ExplorerCase("gradient_flow", "02_bptt_vanishing_exploding.ipynb", "explorer = gradient_flow_explorer()",
                 "lessons_lib.widgets:gradient_flow_explorer"),
    ExplorerCase("gate", "03_lstm_gates.ipynb", "explorer = gate_explorer()", "lessons_lib.widgets:gate_explorer"),
    ExplorerCase("sampling", "06_character_language_models.ipynb", "explorer = course_sampling_explorer()",
                 "lessons_lib.widgets.sampler:course_sampling_explorer"),
    ExplorerCase("date_translator", "07_seq2seq_attention.ipynb", "translator = date_translator_from_checkpoints()",
                 "lessons_lib.widgets.date_translator:date_translator_from_checkpoints"),
    ExplorerCase("speech", "08_speech_recognition_ctc.ipynb", "explorer = speech_explorer()", "lessons_lib.widgets:speech_explorer"),
)
