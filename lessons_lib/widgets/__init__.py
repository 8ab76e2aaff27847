"""Interactive explorers for the notebooks (ipywidgets + matplotlib, testable headlessly).

- :func:`gradient_flow_explorer` (notebook 02): how ‖∂h_T/∂h_t‖ shrinks or grows with the lag.
- :func:`gate_explorer` (notebook 03): the LSTM's gates, cell and hidden state over time.

Both return an :class:`~lessons_lib.widgets._explorer.Explorer`: ``.controls`` (name -> widget) and
``.fig`` (the matplotlib Figure it updates in place).
"""
from .gate_explorer import gate_explorer  # noqa: F401
from .gradient_flow import gradient_flow_explorer  # noqa: F401
from .sampler import sampling_explorer  # noqa: F401  notebook 06
