# Two commands, each doing its own set-up from a bare checkout (only python3 needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
CHROMIUM ?= /usr/bin/chromium
PORT ?= 8501

.PHONY: run test bench lint

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/python -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .

test: $(DEV_STAMP)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$CI" = "true" ]; then \
	    echo "Chromium is missing at $(CHROMIUM); the browser tests can't run. Install it: apt-get install chromium" >&2; exit 1; \
	  else \
	    echo "NOTE: Chromium is missing at $(CHROMIUM), so the browser tests will be skipped. Install it: apt-get install chromium"; \
	  fi; \
	fi
	$(BIN)/ruff check .
	$(BIN)/vulture
	$(BIN)/lint-imports --no-logo
	$(BIN)/python -m pytest -n 3 --dist worksteal
	@if [ -n "$$NEXTROUND_TEST_POSTGRES" ]; then \
	  echo "The store, unit, command-line and page tests again, on PostgreSQL:"; \
	  NEXTROUND_TEST_ENGINE=postgresql $(BIN)/python -m pytest -n 3 --dist worksteal \
	    tests/unit tests/store tests/cli tests/pages; \
	elif [ "$$CI" = "true" ]; then \
	  echo "NEXTROUND_TEST_POSTGRES is not set, so the PostgreSQL pass can't run." >&2; exit 1; \
	else \
	  echo "NOTE: NEXTROUND_TEST_POSTGRES is not set, so the PostgreSQL pass is skipped."; \
	fi

bench: $(DEV_STAMP)
	$(BIN)/python -m tests.bench.run
