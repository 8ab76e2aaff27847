# Two commands (see README):  make lab  |  make test
# Both create .venv with the pinned dependencies and an editable lessons_lib if it is missing.

# The interpreter that creates .venv: Python 3.11. If it is missing and `uv` is on the PATH, uv creates
# the venv instead (it finds an installed 3.11 or fetches one for this project only).
PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
LAB_PORT ?= 8888
# One torch/BLAS thread: results and timings are reproducible on a shared 2-core machine.
# (No MPLBACKEND here: it would override the kernels' inline backend and notebooks would lose their figures.)
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
PYTEST_ARGS ?= -n 2 --dist loadscope
# nbval: compare text outputs, in this environment's kernel, with the project's sanitisers.
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg
# Maintainer suites (need requirements-dev.txt): a real browser, the static site. Not part of `make test`.
MAINTAINER_TESTS := --ignore=tests/browser --ignore=tests/site
# Extra pip options, e.g. PIP_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu" for torch's CPU-only build.
PIP_ARGS ?=
# The project's JupyterLab settings (jupyter/lab/settings/overrides.json: no "get notified about news?" pop-up).
LAB_SETTINGS := $(CURDIR)/jupyter/lab/settings
LAB_ARGS := --no-browser --allow-root --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
  --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb \
  --LabApp.app_settings_dir=$(LAB_SETTINGS)

.PHONY: lab test unit nbval test-portable test-browser site test-site notebooks benchmarks dev clean-venv

define NO_PYTHON_311
Python 3.11 is required (the pinned torch and the notebooks' committed outputs are made with it),
but '$(PYTHON)' is missing or is not 3.11, and uv is not on your PATH. Install one of:
  - uv, which fetches Python 3.11 for this project only (easiest; then run make again):
      curl -LsSf https://astral.sh/uv/install.sh | sh      (or: pipx install uv, brew install uv, pip install uv)
  - Ubuntu/Debian: the deadsnakes PPA
      sudo add-apt-repository ppa:deadsnakes/ppa && sudo apt install python3.11 python3.11-venv
  - macOS/Windows: the Python 3.11 installer from https://www.python.org/downloads/
  - conda/mamba: mamba create -n py311 python=3.11 && mamba activate py311, then make lab PYTHON=python
    (or skip make: mamba env create -f environment.yml)
If Python 3.11 is installed under another name: make lab PYTHON=/path/to/python3.11
endef
export NO_PYTHON_311

# The virtual environment itself: python3.11 -m venv, else uv venv --python 3.11, else say what to install.
$(PY):
	@if $(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' >/dev/null 2>&1; then \
	  echo "$(PYTHON) -m venv $(VENV)"; $(PYTHON) -m venv $(VENV); \
	elif command -v uv >/dev/null 2>&1; then \
	  echo "'$(PYTHON)' is missing or not 3.11: creating $(VENV) with uv (Python 3.11, fetched by uv if needed)"; \
	  uv venv --seed --python 3.11 $(VENV); \
	else \
	  echo "$$NO_PYTHON_311" >&2; exit 1; \
	fi

$(STAMP): $(PY) requirements.txt requirements-lock.txt pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "$(VENV) has Python " + sys.version.split()[0] + ", not 3.11: run make clean-venv, then make again"'
	$(PY) -m pip install --quiet $(PIP_ARGS) -r requirements.txt -c requirements-lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Maintainer tools (browser tests, site), pinned and locked on top of the learner's environment.
$(DEV_STAMP): $(STAMP) requirements-dev.txt requirements-dev-lock.txt
	$(PY) -m pip install --quiet $(PIP_ARGS) -r requirements-dev.txt -c requirements-lock.txt -c requirements-dev-lock.txt
	touch $(DEV_STAMP)

dev: $(DEV_STAMP)

## Start JupyterLab on the notebooks (loopback only, token in the printed URL).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab $(LAB_ARGS)

## The whole test suite: unit tests of lessons_lib and nbval over every notebook.
test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) $(MAINTAINER_TESTS) tests notebooks $(NBVAL)

unit: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) $(MAINTAINER_TESTS) tests

nbval: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) notebooks $(NBVAL)

## nbval over every notebook again, as other CPUs would run it (see README, "Notebooks that pass on any CPU"):
## torch's scalar kernels and MKL's reproducible path; then two threads, one notebook at a time (2 workers x
## 2 threads would oversubscribe a 2-core machine: 9 min instead of 2 measured here).
test-portable: $(STAMP)
	@status=0; \
	echo "== nbval with ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE (scalar kernels)"; \
	ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE $(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) notebooks $(NBVAL) || status=1; \
	echo "== nbval with OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 (another reduction order)"; \
	OMP_NUM_THREADS=2 MKL_NUM_THREADS=2 PYTHONHASHSEED=0 $(PY) -m pytest -p no:xdist notebooks $(NBVAL) || status=1; \
	exit $$status

## JupyterLab in a real browser (Debian's chromium): landing page, every explorer, slideshow, no errors.
## Screenshots go to build/browser/.
test-browser: $(DEV_STAMP)
	$(TEST_ENV) $(PY) -m pytest -p no:xdist tests/browser

## HTML of every executed notebook (no re-execution) into build/site/; open build/site/index.html.
site: $(DEV_STAMP)
	$(PY) docs/build_site.py

test-site: $(DEV_STAMP)
	$(PY) -m pytest -p no:xdist tests/site

## Re-execute notebooks in place from a fresh kernel (all, or NB=notebooks/01_....ipynb).
notebooks: $(STAMP)
	$(TEST_ENV) $(PY) tools/execute_notebooks.py $(NB)

## Every benchmark script (benchmarks/_*.py are helpers, not benchmarks).
benchmarks: $(STAMP)
	$(TEST_ENV) sh -c 'for b in benchmarks/[!_]*.py; do echo "== $$b"; $(PY) $$b || exit 1; done'

clean-venv:
	rm -rf $(VENV)

# ---------------------------------------------------------------------------------------------
# Student versions (issue 13): a separate block owned by the classroom tools (tools/classroom/README.md).
# nbgrader lives in its own environment, tools/classroom/.venv, never in the learner's .venv
# (it would add menus and panels to their JupyterLab).
TOOLS_VENV  := tools/classroom/.venv
TOOLS_STAMP := $(TOOLS_VENV)/.installed-stamp

.PHONY: student test-student

$(TOOLS_STAMP): tools/classroom/requirements.txt tools/classroom/requirements-lock.txt
	test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install --quiet $(PIP_ARGS) -r tools/classroom/requirements.txt -c tools/classroom/requirements-lock.txt
	touch $(TOOLS_STAMP)

## Write student/ from notebooks/: solutions cleared by nbgrader's ClearSolutions (maintainers).
student: $(TOOLS_STAMP)
	$(TOOLS_VENV)/bin/python tools/classroom/make_student.py

## Run every student notebook from a fresh kernel: only the unsolved exercises may raise (CI, after make test).
test-student: $(STAMP)
	$(TEST_ENV) $(PY) tools/classroom/run_student.py
