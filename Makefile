# The few commands a newcomer needs. Only Python 3.11+ must be installed.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test setup install clean

$(BIN)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

install: $(BIN)/.installed

## run: migrate (with a backup) and seed the embedded SQLite database, then serve http://localhost:3010
run: $(BIN)/.installed
	$(BIN)/vpm setup
	$(BIN)/vpm serve --port 3010

## test: the whole test suite (SQLite always; PostgreSQL too when 127.0.0.1:5432 answers), one process
## per core (pytest-xdist); `make test PYTEST_ARGS="-n 0"` runs it in one process
PYTEST_ARGS ?= -n auto
test: $(BIN)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache
