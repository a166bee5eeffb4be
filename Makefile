# "LSTM, executable": build the book, run every check, re-execute the chapters.
# Every target sets up .venv from requirements.txt first (again when requirements.txt or
# pyproject.toml is newer than the last install).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard chapters/*.ipynb))

# Recipes run in bash with pipefail, so that a failing command in a pipeline fails the recipe.
SHELL := bash
.SHELLFLAGS := -o pipefail -ec

# pip prints a warning per package for missing local index folders on some machines; drop those lines.
# grep exits 1 when it selects no line (pip printed nothing else): that is not an error; pip's own
# exit status still fails the pipeline, so a failed install fails the target and leaves no stamp,
# and the next make retries it.
PIP_FILTER := { grep -v "^WARNING: Location" || test $$? -eq 1; }

.PHONY: help book test unit execute notebook bench timings clean distclean

help:
	@echo "make book      build the HTML book into _build/html (stored outputs, warnings are errors)"
	@echo "make test      the book build, unit tests, the browser test and every notebook under nbval"
	@echo "make execute   re-run every chapter in place so its stored outputs are real"
	@echo "make notebook  open JupyterLab on the chapters with the book's environment"
	@echo "make bench     time the numpy and Keras LSTMs side by side (a measurement, not a test)"
	@echo "make timings   run every chapter once and report its run time (the landing page's figures)"
	@echo "make clean     remove _build and caches (make distclean also removes .venv)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python >= 3.10 needed, found " + sys.version'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 2>&1 | $(PIP_FILTER)
	$(BIN)/python -m pip install --quiet -r requirements.txt 2>&1 | $(PIP_FILTER)
	$(BIN)/python -m pip install --quiet --no-deps -e . 2>&1 | $(PIP_FILTER)
	$(BIN)/python -c 'import keras, lstm_helpers, nbval, myst_nb'
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build --all -W -n --keep-going .
	@test -f _build/html/index.html
	@echo "Book built: open _build/html/index.html"

# The book is built first (warnings are errors), so that tests/test_browser.py checks this build in
# headless Chromium. Then one pytest run: unit tests, the browser test and one nbval item per
# notebook cell, notebooks spread over 2 workers (--dist loadfile keeps each notebook's cells on
# one kernel). pytest exits 5 when nothing is collected, which fails this target like any other failure.
test: book
	$(BIN)/python -m pytest -v -n 2 --dist loadfile \
	    --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	    tests $(NOTEBOOKS)

unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/test_browser.py

execute: $(STAMP)
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=python3 \
	    --ExecutePreprocessor.record_timing=False $(NOTEBOOKS)

notebook: $(STAMP)
	$(BIN)/jupyter lab chapters/

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_lstm.py

timings: $(STAMP)
	$(BIN)/python benchmarks/chapter_times.py

clean:
	rm -rf _build .pytest_cache *.egg-info
	find . -name __pycache__ -not -path "./$(VENV)/*" -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -not -path "./$(VENV)/*" -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
