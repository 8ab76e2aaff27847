"""Heading anchors for the static site, written as JupyterLab writes them."""


def jupyterlab_anchor(title: str) -> str:
    """``"What the LSTM does not fix"`` -> ``"What-the-LSTM-does-not-fix"`` (JupyterLab joins the heading's words
    with hyphens and keeps their case), so that ``03_lstm_gates.ipynb#What-the-LSTM-does-not-fix`` works on the
    site as in JupyterLab."""
    return "-".join(title.split())
