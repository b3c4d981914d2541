# Kapittx — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every install comes from the hashed lock file; `make lock` writes it anew from pyproject.toml.
LOCK := requirements.lock

.PHONY: run test lint mutation lock install clean

$(STAMP): pyproject.toml $(LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

## Set up SQLite, seed the demo tenant, and start web + worker + beat (no services needed).
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py run_embedded

## Run the whole test suite (SQLite by default; PostgreSQL when DATABASE_URL is set).
test: $(STAMP)
	$(BIN)/python -m pytest

## Mutation testing of the rule modules (slow: not in CI). Prints each module's score and, last,
## one JSON line {module path: score}; see docs/testing.md.
mutation: $(STAMP)
	$(BIN)/python .ci/mutation.py

## Lint: ruff (rules and format), the layer contracts (import-linter) and migrations matching
## the models.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

## Pin every dependency (with hashes) after a change to pyproject.toml.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip-tools
	PIP_CONFIG_FILE=/dev/null $(BIN)/pip-compile --quiet --extra dev --generate-hashes \
		--strip-extras --no-emit-index-url --no-emit-find-links \
		--index-url https://pypi.org/simple --output-file $(LOCK) pyproject.toml

clean:
	rm -rf $(VENV) var
