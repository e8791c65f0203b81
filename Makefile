# ggzy — the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test test-only browser-deps lint bench serve demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/python
	$(PIP) -r requirements/base.txt
	touch $@

$(VENV)/.test-installed: requirements/test.txt requirements/base.txt | $(BIN)/python
	$(PIP) -r requirements/test.txt
	touch $@

## run: install, migrate, load demo data, serve on http://$(HOST):$(PORT)/
run: $(VENV)/.base-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@$(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)/
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install what tests need (Debian's chromium when missing) and run every test
test: $(VENV)/.test-installed browser-deps
	$(BIN)/pytest

test-only:
	$(BIN)/pytest

# Chromium for the Playwright journeys comes from Debian, never from a browser download.
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium and CJK fonts for browser tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	  else \
	    echo "chromium is missing and apt-get is not usable here: browser tests will be skipped"; \
	  fi; \
	fi

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy core registry portal config

## bench: speed figures; prints, never fails on time
bench: $(VENV)/.test-installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache .ruff_cache .mypy_cache
