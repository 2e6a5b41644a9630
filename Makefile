# kaowu: `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432
ADDR ?= 127.0.0.1:8000

.PHONY: install run db test test-postgres bench lint system-packages clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

db: install
	mkdir -p var
	$(BIN)/kaowu migrate --noinput
	$(BIN)/kaowu demo
	$(BIN)/kaowu catalog load
	$(BIN)/kaowu calendar load

# Serves the app with demo data; a background worker runs tasks and stops with the server.
run: db
	@echo "kaowu 已启动：http://$(ADDR)/  （Ctrl-C 停止）"
	@$(BIN)/kaowu worker > var/worker.log 2>&1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/kaowu serve $(ADDR)

# Chromium (browser tests) and a CJK font (screenshots): installed from Debian when missing.
system-packages:
	@bash scripts/system-packages

test: install system-packages
	$(BIN)/pytest

# The same suite on the local PostgreSQL; pytest-django creates and drops a throwaway database.
test-postgres: install system-packages
	# A leaked connection keeps the throwaway database from being dropped: treat that warning as a failure.
	DATABASE_URL=$(PG_URL)/kaowu_$$$$ $(BIN)/pytest -W error::pytest.PytestWarning

bench: install
	mkdir -p var
	$(BIN)/kaowu bench all --output bench/results.json

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
