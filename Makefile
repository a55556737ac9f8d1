# Quick start: `make demo` (run the main job on bundled samples) and `make test` (whole suite).
# Each target creates .venv with Python 3.11+ and installs what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/bankrec rules check rules/
	$(BIN)/bankrec match --statement samples/statement.csv --open-items samples/open_items.csv \
		--rules rules/ --json out/demo.json --html out/demo.html --csv out/demo-review.csv

lint: $(STAMP)
	$(BIN)/ruff check dsl bankrec connectors tests bench addon
	$(BIN)/ruff format --check dsl bankrec connectors tests bench addon

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python -m bench.run_all

clean:
	rm -rf $(VENV) out .mypy_cache .pytest_cache .ruff_cache
