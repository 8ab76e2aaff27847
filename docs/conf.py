"""Sphinx configuration of the static site (built by docs/build_site.py into build/site; see README)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))   # site_anchors

project = "RNN & LSTM, from equations to trained models"
author = "the contributors"
copyright = "the contributors; code and text MIT, data under their own licences (data/README.md)"

extensions = ["myst_nb"]
nb_execution_mode = "off"                  # the committed outputs are the content: nothing is re-run
myst_enable_extensions = ["dollarmath", "amsmath"]
# No kernel on a web page: an explorer's live widget cannot run, so show its PNG instead.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
suppress_warnings = ["mystnb.unknown_mime_type"]
exclude_patterns = ["_build", "**/.ipynb_checkpoints"]

html_theme = "alabaster"
html_title = project
html_static_path = ["_static"]
html_theme_options = {"page_width": "1100px", "sidebar_width": "230px"}
# MathJax from the site itself (copied from jupyter-server-mathjax by build_site.py): readable maths offline.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
# jupyter-server-mathjax ships MathJax 2 with the STIX-Web fonts only.
mathjax2_config = {"HTML-CSS": {"availableFonts": ["STIX-Web"], "preferredFont": "STIX-Web", "webFont": "STIX-Web",
                                "imageFont": None},
                   "SVG": {"font": "STIX-Web"}}
myst_update_mathjax = False   # (its settings are MathJax 3's)
mathjax3_config = None


# Heading anchors as JupyterLab writes them, so links between notebooks work on the site too
# (docs/site_anchors.py; a string, so that Sphinx can pickle its configuration).
myst_heading_anchors = 4
myst_heading_slug_func = "site_anchors.jupyterlab_anchor"
