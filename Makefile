# kaowu: `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgres://postgres@127.0.0.1:5432
ADDR ?= 127.0.0.1:8000
# The address printed in the QR codes of tickets and certificates: the one `make run` serves, unless given.
# A server listening on every interface (0.0.0.0) is reached at the machine's first address.
LAN_IP = $(firstword $(shell hostname -I 2>/dev/null) 127.0.0.1)
# ADDR may be a port alone (runserver serves 127.0.0.1 then).
KAOWU_PUBLIC_URL ?= http://$(subst 0.0.0.0,$(LAN_IP),$(if $(findstring :,$(ADDR)),$(ADDR),127.0.0.1:$(ADDR)))

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
	@echo "kaowu 已启动：http://$(ADDR)/  （Ctrl-C 停止）；二维码中的地址：$(KAOWU_PUBLIC_URL)"
	@export KAOWU_PUBLIC_URL="$(KAOWU_PUBLIC_URL)"; \
	$(BIN)/kaowu worker > var/worker.log 2>&1 & worker=$$!; \
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
	DATABASE_URL=$(PG_URL)/kaowu_$$$$ $(BIN)/pytest -W error::pytest.PytestWarning $(PYTEST_ARGS)

bench: install
	mkdir -p var
	$(BIN)/kaowu bench all --output bench/results.json

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
