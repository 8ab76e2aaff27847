"""Exercise checks, one ``check_<name>(answer)`` per exercise, grouped by notebook.

The convention (explained in notebook 01, restated in 02): an exercise is a markdown prompt, a code cell
whose reference solution sits between ``# BEGIN SOLUTION`` and ``# END SOLUTION``, and a check cell
calling ``lessons_lib.exercises.check_<name>(answer)``. A check prints what was expected, what came
and a hint, and returns True/False; it never raises on a wrong answer, only on misuse. See
``_feedback.py`` (printing, array comparison) and ``_slips.py`` (recognising typical wrong answers).
"""
from .rnn_basics import *  # noqa: F401,F403  notebook 01
from .bptt import *  # noqa: F401,F403  notebook 02
from .lstm_gates import *  # noqa: F401,F403  notebook 03
from .forecasting import *  # noqa: F401,F403  notebook 04
from .long_range import *  # noqa: F401,F403  notebook 05
from .lstm_backward import *  # noqa: F401,F403  notebook 03 (guided LSTM backward)
from .language import *  # noqa: F401,F403  notebook 06
from .translation import *  # noqa: F401,F403  notebook 07
from .speech import *  # noqa: F401,F403  notebook 08
