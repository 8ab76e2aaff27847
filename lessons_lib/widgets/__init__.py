"""Interactive explorers for the notebooks (ipywidgets + matplotlib, testable headlessly).

- :func:`gradient_flow_explorer` (notebook 02): how ‖∂h_T/∂h_t‖ shrinks or grows with the lag.
- :func:`gate_explorer` (notebook 03): the LSTM's gates, cell and hidden state over time.
- :func:`date_translator` (notebook 07): type a date in any format, see its ISO form and the attention map.

All return an :class:`~lessons_lib.widgets._explorer.Explorer`: ``.controls`` (name -> widget) and
``.fig`` (the matplotlib Figure it updates in place).
"""
from .date_translator import date_translator  # noqa: F401
from .gate_explorer import gate_explorer  # noqa: F401
from .gradient_flow import gradient_flow_explorer  # noqa: F401
