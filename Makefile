# The two commands: `make run` (build, then start the app on the built-in
# Shenzhen scenario) and `make test` (build, then the whole suite).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STAMP := $(VENV)/.installed

.PHONY: run test bench lint system-deps clean scenarios

$(STAMP): pyproject.toml scripts/find-python.sh
	@py=$$(./scripts/find-python.sh) || exit 1; \
	  echo "using $$py ($$($$py --version))"; \
	  [ -x $(BIN)/python ] || $$py -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

run: $(STAMP)
	$(BIN)/voucher-opt ui --port $(PORT)

system-deps:
	./scripts/install-system-deps.sh

# Two workers (the machine's two cores), one test file per worker at a time: a file's
# servers, databases and LibreOffice profile are never shared with another worker.
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check optimizer inputs ui tests
	$(BIN)/mypy optimizer inputs

bench: $(STAMP)
	$(BIN)/python -m tests.bench

# Regenerate the shipped Shenzhen scenarios from their seeded script.
scenarios: $(STAMP)
	$(BIN)/python -m inputs.shenzhen

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
