# asistent — the two commands: `make run` and `make test`. Both bootstrap .venv from requirements.lock.
PY        ?= python3.11
VENV      := .venv
BIN       := $(VENV)/bin
STAMP     := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint typecheck unit lock bench clean bootstrap

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

bootstrap: $(STAMP)

## Start the product locally: SQLite, sandboxes, local Bot API emulator, web chat at http://127.0.0.1:8080
run: $(STAMP)
	$(BIN)/asistent migrate
	$(BIN)/asistent run

## Lint, type-check and run the whole test suite
test: $(STAMP) lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy core nlu dialogs integrations bot

unit: $(STAMP)
	bash scripts/test-env.sh $(BIN)/python -m pytest $(PYTEST_ARGS)

## Re-pin every dependency (needs uv; run by a developer, never by CI)
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
