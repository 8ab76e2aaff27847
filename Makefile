# Two commands (see README):  make lab  |  make test
# Both create .venv with the pinned dependencies and an editable lessons_lib if it is missing.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LAB_PORT ?= 8888
# One torch/BLAS thread: results and timings are reproducible on a shared 2-core machine.
# (No MPLBACKEND here: it would override the kernels' inline backend and notebooks would lose their figures.)
TEST_ENV := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0
PYTEST_ARGS ?= -n 2 --dist loadscope
# Extra pip options, e.g. PIP_ARGS="--extra-index-url https://download.pytorch.org/whl/cpu" for torch's CPU-only build.
PIP_ARGS ?=

.PHONY: lab test unit nbval notebooks benchmarks clean-venv

$(STAMP): requirements.txt requirements-lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required; $(PYTHON) is " + sys.version.split()[0]' \
	  || { echo "Set PYTHON=/path/to/python3.11, e.g. make test PYTHON=/usr/bin/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet $(PIP_ARGS) -r requirements.txt -c requirements-lock.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Start JupyterLab on the notebooks (loopback only, token in the printed URL).
lab: $(STAMP)
	$(VENV)/bin/jupyter lab --no-browser --allow-root --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) \
	  --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb

## The whole test suite: unit tests of lessons_lib and nbval over every notebook.
test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) tests notebooks \
	  --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg

unit: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) tests

nbval: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS) notebooks --nbval --nbval-current-env --nbval-sanitize-with nbval_sanitize.cfg

## Re-execute notebooks in place from a fresh kernel (all, or NB=notebooks/01_....ipynb).
notebooks: $(STAMP)
	$(TEST_ENV) $(PY) tools/execute_notebooks.py $(NB)

benchmarks: $(STAMP)
	$(TEST_ENV) sh -c 'for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done'

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
