"""Interactive explorers for the notebooks (ipywidgets + matplotlib, testable headlessly).

- :func:`gradient_flow_explorer` (notebook 02): how ‖∂h_T/∂h_t‖ shrinks or grows with the lag.
- :func:`gate_explorer` (notebook 03): the LSTM's gates, cell and hidden state over time.
"""
