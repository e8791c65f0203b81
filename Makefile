# ggzy — the two commands a fresh machine needs are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PIP    := $(BIN)/pip install --quiet --disable-pip-version-check

.PHONY: run test test-only browser-deps pki-deps doc-deps pdf-tools lint bench serve demo clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip

$(VENV)/.base-installed: requirements/base.txt agent/pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/base.txt
	$(PIP) -e ./agent
	touch $@

$(VENV)/.test-installed: requirements/test.txt requirements/base.txt agent/pyproject.toml | $(BIN)/python
	$(PIP) -r requirements/test.txt
	$(PIP) -e ./agent
	touch $@

## run: install, migrate, load demo data and demo certificates, start the certificate agent and the
## worker (outbox, CRLs) in the background, serve on http://$(HOST):$(PORT)/
run: $(VENV)/.base-installed pki-deps doc-deps agent-dist
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py opendata_backfill
	$(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py load_demo_staff --quiet
	$(BIN)/python manage.py make_demo_pki --origin http://$(HOST):$(PORT) --origin http://localhost:$(PORT)
	$(BIN)/python manage.py make_demo_tsa
	@$(BIN)/python manage.py demo_logins --url http://$(HOST):$(PORT)/
	@trap 'kill $$AGENT $$WORKER 2>/dev/null' EXIT INT TERM; \
	SOFTHSM2_CONF=$(CURDIR)/var/softhsm/softhsm2.conf $(BIN)/ggzy-agent serve --config var/agent/config.toml & AGENT=$$!; \
	$(BIN)/python manage.py run_worker & WORKER=$$!; \
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## agent-dist: the certificate agent (证书助手) as the wheel /pki/agent/ offers for download:
## $(AGENT_DIST)/ggzy_agent-<version>-py3-none-any.whl (users: pip install --user <file>)
AGENT_DIST ?= var/agent-dist
.PHONY: agent-dist
agent-dist: | $(BIN)/python
	rm -f $(AGENT_DIST)/ggzy_agent-*.whl
	$(BIN)/pip wheel --quiet --disable-pip-version-check --no-deps -w $(AGENT_DIST) ./agent

## test: install what tests need (Debian's chromium and SoftHSM2 when missing) and run every test
test: $(VENV)/.test-installed browser-deps pki-deps doc-deps pdf-tools
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

# SoftHSM2 is a real PKCS#11 token: it stands in for a CA's USB key in the demo and the tests.
pki-deps:
	@if ! command -v softhsm2-util >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's softhsm2 (a PKCS#11 token for the demo and the tests)…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq softhsm2 >/dev/null; \
	  else \
	    echo "softhsm2 is missing and apt-get is not usable here: token tests will be skipped"; \
	  fi; \
	fi

# Documents are set in WenQuanYi Micro Hei (TrueType, which ReportLab embeds); seals and rare
# characters use Noto CJK. Both are Debian packages, installed once.
doc-deps:
	@if [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || [ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's CJK fonts for documents and seals…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei fonts-noto-cjk >/dev/null; \
	  else \
	    echo "fonts-wqy-microhei and fonts-noto-cjk are needed for PDF documents and seals: please install them"; \
	  fi; \
	fi

# Verifiers nobody here wrote, for the tests: poppler's pdfsig (with NSS's certutil for its trust
# store) checks every sealed PDF, and pdftoppm renders sealed pages to look at.
pdf-tools:
	@if ! command -v pdfsig >/dev/null 2>&1 || ! command -v certutil >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's poppler-utils and libnss3-tools (pdfsig, certutil) for seal tests…"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils libnss3-tools >/dev/null; \
	  else \
	    echo "pdfsig/certutil are missing and apt-get is not usable here: those seal tests will be skipped"; \
	  fi; \
	fi

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy core registry portal config pki democa signing centers review procurement backoffice

## bench: speed figures; prints, never fails on time. On PostgreSQL when one answers on this machine
## (the production database; the portal's 1,000,000-announcement search needs it), else SQLite;
## BENCH_DATABASE_URL=postgres://… names another.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/ggzy_bench
bench: $(VENV)/.test-installed
	@if [ -z "$$BENCH_DATABASE_URL" ] && command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1; then \
	  BENCH_DATABASE_URL=$(BENCH_PG_URL) $(BIN)/python -m bench; \
	else \
	  $(BIN)/python -m bench; \
	fi

clean:
	rm -rf $(VENV) var staticfiles test-artifacts .pytest_cache .ruff_cache .mypy_cache
