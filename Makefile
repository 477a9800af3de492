# touchbase: `make run` starts the app with demo data, `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Django 6 needs Python 3.12+; pyenv machines keep it outside PATH's default version.
PYTHON ?= $(shell for p in python3.12 python3.13 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$p; break; fi; done)
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/touchbase
TEST_WORKERS ?= 2

.PHONY: run test test-sqlite test-postgres install install-test system-deps lint bench messages clean

$(BIN)/touchbase: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 not found)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $(BIN)/touchbase

install: $(BIN)/touchbase

run: install
	$(BIN)/touchbase migrate --no-input -v0
	$(BIN)/touchbase demo
	@echo ""
	@echo "  touchbase runs at http://$(HOST):$(PORT)/  — sign in as joseph / pollux-demo"
	@echo "  the demo's public idea portal: http://$(HOST):$(PORT)/ideas/pollux/"
	@echo "  the demo's public news page:   http://$(HOST):$(PORT)/news/pollux/"
	@echo "  community help: sign in as lena / pollux-demo; the public help page:"
	@echo "                                 http://$(HOST):$(PORT)/help/pollux/"
	@echo "  ask-me-anything sessions and virtual coffee: http://$(HOST):$(PORT)/inside/"
	@echo "  (Ctrl+C stops web server and worker)"
	@echo ""
	@echo "  (digest e-mails are printed here; set TOUCHBASE_SMTP_HOST to send them)"
	@trap 'kill 0' INT TERM EXIT; \
	export TOUCHBASE_BASE_URL=$${TOUCHBASE_BASE_URL:-http://$(HOST):$(PORT)}; \
	export TOUCHBASE_EMAIL_BACKEND=$${TOUCHBASE_EMAIL_BACKEND:-$$(test -n "$$TOUCHBASE_SMTP_HOST" && echo django.core.mail.backends.smtp.EmailBackend || echo django.core.mail.backends.console.EmailBackend)}; \
	$(BIN)/touchbase worker --no-reload -v0 & \
	$(BIN)/touchbase runserver --noreload $(HOST):$(PORT)

system-deps:
	@if ! test -x /usr/bin/chromium; then \
		echo "Installing Debian's chromium for the browser tests…"; \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@if ! command -v npm >/dev/null 2>&1; then \
		echo "Installing Debian's npm for the accessibility checks…"; \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq npm >/dev/null; \
	fi
	@# axe-core, pinned in package-lock.json, checks each page's accessibility in the browser tests.
	@test -f node_modules/axe-core/axe.min.js || npm ci --silent

test: install system-deps lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== tests on SQLite =="
	env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) -q

test-postgres:
	@echo "== tests on PostgreSQL =="
	@$(BIN)/python -c "import psycopg,sys; psycopg.connect('$(PG_URL)'.rsplit('/',1)[0] + '/postgres', connect_timeout=5).close()" \
		|| { echo "PostgreSQL is not reachable at $(PG_URL)"; exit 1; }
	DATABASE_URL=$(PG_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/pytest -n $(TEST_WORKERS) -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy src/touchbase

messages: install
	cd src/touchbase && ../../$(BIN)/touchbase makemessages -l de --no-obsolete -i "*/tests/*" && ../../$(BIN)/touchbase compilemessages

bench: install
	$(BIN)/python bench/due_list.py

clean:
	rm -rf $(VENV) var
