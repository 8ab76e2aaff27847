"""Interactive explorers for the notebooks (ipywidgets + matplotlib on an ipympl canvas, testable headlessly).

- :func:`gradient_flow_explorer` (notebook 02): how ‖∂h_T/∂h_t‖ shrinks or grows with the lag.
- :func:`gate_explorer` (notebook 03): the LSTM's gates, cell and hidden state over time.
- :func:`sampling_explorer` (notebook 06): sample from the LSTM or the n-gram; temperature, top-k, prompt, seed.
- :func:`date_translator` (notebook 07): type a date in any format, see its ISO form and the attention map.
- :func:`speech_explorer` (notebook 08): log-mel and CTC posteriorgram of any evaluation utterance under each model.

Each returns an :class:`~lessons_lib.widgets._explorer.Explorer`: ``.controls`` (name -> widget),
``.fig`` (the matplotlib Figure it updates in place) and ``.readout`` (the one-line text its update
returns). A new explorer is one module built on ``Explorer`` plus one import line below; the browser
tests and the latency benchmark cover it with one entry in ``tests/browser/explorers.py``.
"""
from .date_translator import date_translator  # noqa: F401
from .gate_explorer import gate_explorer  # noqa: F401
from .gradient_flow import gradient_flow_explorer  # noqa: F401
from .sampler import sampling_explorer  # noqa: F401
from .speech_explorer import speech_explorer  # noqa: F401
