# Quick start: `make demo` (run the main job on bundled samples) and `make test` (whole suite).
# Each target creates .venv with Python 3.11+ and installs the exact versions CI tested
# (requirements/*.lock, hashes checked); `make test-latest` tries the newest allowed ones.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LATEST ?= .venv-latest

.PHONY: demo test lint typecheck pytest test-latest bench lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# demo: the runtime dependencies only
$(VENV)/.demo-installed: requirements/main.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/main.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# test: runtime + dev tools (pytest, ruff, mypy, stubs)
$(VENV)/.dev-installed: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(BIN)/bankrec rules check rules/
	$(BIN)/bankrec match --statement samples/statement.csv --open-items samples/open_items.csv \
		--rules rules/ --json out/demo.json --html out/demo.html --csv out/demo-review.csv

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check dsl bankrec connectors tests bench addon
	$(BIN)/ruff format --check dsl bankrec connectors tests bench addon

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest

test: lint typecheck pytest

# The newest versions pyproject allows, in a separate venv: catches a dependency's change
# (new wording, new behaviour) before a user meets it. Not part of `make test`.
test-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade \
		--upgrade-strategy eager -e '.[dev]'
	$(LATEST)/bin/python -m pip list --format=freeze > $(LATEST)/versions.txt
	$(LATEST)/bin/pytest

# Regenerate the locks from pyproject (newest versions within its bounds), then `make test`.
lock: $(VENV)/.dev-installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv>=0.5'
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --universal --generate-hashes \
		--quiet -o requirements/main.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal \
		--generate-hashes --quiet -o requirements/dev.lock

# The file-based benchmarks at the sizes the README quotes (several minutes; Odoo's apart).
bench: $(VENV)/.dev-installed
	$(BIN)/python -m bench.bench_rules
	$(BIN)/python -m bench.evaluate_matching --seed 1 --transactions 5000
	$(BIN)/python -m bench.bench_match --sizes 10000,100000
	$(BIN)/python -m bench.bench_import --n 100000
	$(BIN)/python -m bench.bench_learning

clean:
	rm -rf $(VENV) $(LATEST) out .mypy_cache .pytest_cache .ruff_cache
