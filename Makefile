# lossviz: the two commands are `make lab` and `make test`; `make check` is the fast inner
# loop (a subset of `make test`); everything else is a helper.
# They create .venv at the repository root when it is missing and (re)install the project
# only when pyproject.toml changed (stamp files inside .venv).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Run tools from the venv first on PATH, so Jupyter's "python3" kernel is the venv's.
RUN := PATH="$(abspath $(BIN)):$$PATH" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
PORT ?= 8888
LAB_ARGS ?=
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
JOBS ?= 2
PYTEST_ARGS ?= --durations=15
# Every notebook runs with the default seed (LOSSVIZ_SEED unset: 0) and again with this one.
# Seed 3 was picked because today's notebooks failed under it before the seed-proofing
# (01's "MSE slope 2.02" and "MAE/Huber within 0.1 of the true slope").
SECOND_SEED ?= 3
SWEEP_SEEDS ?= 0 1 2 3 4 5 6 7 8 9
NOTEBOOK_PYTEST := -p no:cacheprovider -q -rA --no-header notebooks
# The second Keras backend: every notebook (default seed) and the tests that compare with
# Keras or drive it (twins against built-ins, keras-flavoured snippets, the checker).
SECOND_BACKEND ?= jax
BACKEND_TESTS ?= tests/test_keras_losses.py tests/test_keras_reference.py tests/test_keras_metrics.py \
                 tests/test_keras_facts.py tests/test_keras_models.py tests/test_checks.py \
                 lossviz/checks lossviz/keras_facts.py lossviz/keras_reference.py \
                 tests/test_losses_out_of_range.py tests/test_metrics_keras_accepts.py

# make check: the tests without these marks (pyproject.toml, conftest.py), with Keras
# forbidden: an unmarked test that imports Keras, TensorFlow or JAX fails, naming itself.
CHECK_MARKS := not (keras or trains or browser or kernel or slow)
CHECK_PYTEST_ARGS ?= -n $(JOBS) --durations=5
RUFF ?= $(BIN)/ruff

.PHONY: help lab test check test-second-seed test-second-backend sync bench browser clean-venv seed-sweep site site-js

help:
	@echo "make lab    - set up .venv if needed and open JupyterLab at notebooks/00_start_here.ipynb"
	@echo "make test   - set up .venv with the dev extra and run the whole test suite (the full gate, CI)"
	@echo "make check  - the inner loop, about a minute: lint, format check, notebook pairs in sync,"
	@echo "              and the tests and doctests that need no Keras, kernel or browser"
	@echo "make sync   - sync every notebook pair (.py <-> .ipynb) and strip outputs"
	@echo "make bench  - run the benchmarks under bench/"
	@echo "make seed-sweep - run every notebook for LOSSVIZ_SEED=0..9; print notebooks passed per seed"
	@echo "make site   - build the static HTML site into site/ (every notebook executed) and check its links"
	@echo "make site-js - install the site's JavaScript (npm) into build/site-js, when npm is there"
	@echo "make browser - install Debian's chromium for the browser tests, when missing and root"
	@echo "make test-second-seed    - every notebook again with LOSSVIZ_SEED=$(SECOND_SEED) (part of make test)"
	@echo "make test-second-backend - every notebook and the Keras comparisons with KERAS_BACKEND=$(SECOND_BACKEND) (part of make test)"
	@echo "make clean-venv - delete .venv (the next make lab/test/check rebuilds it)"
	@echo "make help   - this list"

# Any other target: say so and list the targets (exit status 2, as make's own errors).
.DEFAULT:
	@echo "make: there is no target '$@'. The targets are:" >&2
	@$(MAKE) --no-print-directory help >&2
	@exit 2

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime install (make lab). The dev install below also satisfies it.
$(VENV)/.stamp-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.stamp-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.stamp-run $@

# JupyterLab defaults the project ships (binder/jupyterlab-overrides.json: no "get notified
# about Jupyter news?" prompt), in the venv's own settings directory: a user's settings in
# ~/.jupyter still win and are never written.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d/lossviz.json
$(LAB_OVERRIDES): binder/jupyterlab-overrides.json | $(BIN)/python
	mkdir -p $(@D) && cp $< $@

lab: $(VENV)/.stamp-run $(LAB_OVERRIDES)
	cd notebooks && $(RUN) ../$(BIN)/jupyter lab --port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS) 00_start_here.ipynb

# The browser test needs Debian's Chromium; install it when missing and we are root.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser test"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "WARNING: /usr/bin/chromium is missing and we are not root: the browser test will say so"; \
	  fi; \
	fi

# The first pass has the browser tests, which time a drag: it runs alone. The second seed
# and the second backend then run side by side: both are mostly notebook kernels, and two
# sessions keep the 2 cores busy through each one's slow last notebook. Each log is
# printed when its pass is done (--output-sync), each session has its own temporary files.
test: $(VENV)/.stamp-dev browser
	$(RUN) $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup $(PYTEST_ARGS)
	@echo "== side by side: every notebook with LOSSVIZ_SEED=$(SECOND_SEED) (TensorFlow), and every notebook plus the Keras comparisons with KERAS_BACKEND=$(SECOND_BACKEND)"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-second-seed test-second-backend

# The inner loop: lint and format first (a second), then the untiered tests on $(JOBS) workers.
check: $(VENV)/.stamp-dev
	$(RUFF) check .
	$(RUFF) format --check .
	$(RUN) $(BIN)/python -m pytest -p no:cacheprovider -q --forbid-keras -m "$(CHECK_MARKS)" $(CHECK_PYTEST_ARGS)

test-second-seed: $(VENV)/.stamp-dev
	@echo "== every notebook again with LOSSVIZ_SEED=$(SECOND_SEED) (TensorFlow)"
	LOSSVIZ_SEED=$(SECOND_SEED) $(RUN) $(BIN)/python -m pytest -n $(JOBS) -p no:cacheprovider \
	  --durations=5 --basetemp=build/pytest-second-seed notebooks

test-second-backend: $(VENV)/.stamp-dev
	@echo "== every notebook and the Keras comparisons again with KERAS_BACKEND=$(SECOND_BACKEND)"
	KERAS_BACKEND=$(SECOND_BACKEND) $(RUN) $(BIN)/python -m pytest -n $(JOBS) --dist loadgroup -p no:cacheprovider \
	  --durations=15 --basetemp=build/pytest-second-backend notebooks $(BACKEND_TESTS)

# Heavy (ten runs of every notebook): a table of how many notebooks pass for each seed.
seed-sweep: $(VENV)/.stamp-dev
	@total=$$(ls notebooks/[0-9][0-9]_*.ipynb | wc -l); rows=""; \
	for seed in $(SWEEP_SEEDS); do \
	  passed=$$(LOSSVIZ_SEED=$$seed $(RUN) $(BIN)/python -m pytest -n $(JOBS) $(NOTEBOOK_PYTEST) \
	            | grep -c '^PASSED notebooks/'); \
	  echo "seed $$seed: $$passed of $$total notebooks pass"; \
	  rows="$$rows| $$seed | $$passed / $$total |\n"; \
	done; \
	printf '\n| LOSSVIZ_SEED | notebooks passing |\n|---|---|\n'"$$rows"

sync: $(VENV)/.stamp-dev
	$(RUN) $(BIN)/python tools/notebooks.py sync

bench: $(VENV)/.stamp-dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(RUN) $(BIN)/python $$script || exit 1; done

clean-venv:
	rm -rf $(VENV)

# The static site (docs/build_site.py). The JavaScript its pages need (widget manager,
# MathJax) is installed from the npm registry with the machine's npm into build/site-js
# once (an install step, like .venv); the build itself and the pages never download.
SITE_JS := build/site-js
$(SITE_JS)/.stamp: docs/package.json docs/package-lock.json
	@command -v npm >/dev/null || { echo "make site needs node and npm (apt-get install npm)"; exit 1; }
	mkdir -p $(SITE_JS) && cp docs/package.json docs/package-lock.json $(SITE_JS)/
	cd $(SITE_JS) && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

site: $(VENV)/.stamp-dev $(SITE_JS)/.stamp
	$(RUN) LOSSVIZ_MATPLOTLIB=inline $(BIN)/python docs/build_site.py build --out site --jobs $(JOBS)

# tests/test_site.py builds a small site: it needs the same JavaScript (without npm, that
# test says what is missing and the rest of `make test` runs).
site-js:
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory $(SITE_JS)/.stamp; \
	else echo "WARNING: npm is missing: tests/test_site.py will say so (apt-get install npm)"; fi

test: site-js
