# Tameside Family Help. `make run` sets up and serves; `make test` sets up and runs every check.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
# A developer's machine: a secret key is made and kept in instance/. Deployments set
# PORTAL_ENV=production and SECRET_KEY themselves (see README).
export PORTAL_ENV ?= development
FLASK := $(BIN)/flask --app wsgi
SOURCES := portal tests wsgi.py
# Fully typed (mypy): the domain packages (no Flask imports) and the features built on them.
TYPED := portal/geo portal/datafiles portal/seed portal/search portal/questionnaire portal/contact portal/accounts \
	portal/listings portal/freshness portal/reports portal/manage_requests portal/kiosk portal/shortlist portal/api \
	portal/exchange portal/operations portal/i18n portal/access.py portal/notify.py portal/safety portal/lexicon.py \
	portal/phones.py
ASSET_SOURCES := $(shell find portal/assets -type f) package.json package-lock.json

.PHONY: help install install-test assets db seed run bench loadtest search-quality profile security test lint types pytest browser clean translations translations-check

help:
	@echo "make run     set up everything and serve at http://127.0.0.1:$(PORT)"
	@echo "make test    set up everything and run lint, type checks and the tests"
	@echo "make seed    load (or refresh) the seed data"
	@echo "make translations  extract every string, update each language's catalogue and compile them"
	@echo "make bench   search benchmark at 10,000 and 100,000 synthetic services (BENCH_QUICK=1: 10,000 only)"
	@echo "make profile  where a never-seen request's time goes, at 10,000 synthetic services (cProfile)"
	@echo "make search-quality  hit@5 and mean reciprocal rank of the search quality set on the real directory"
	@echo "make loadtest  mixed load at 10,000 synthetic services: capacity, then 70% held (LOADTEST_HOLD_SECONDS=600)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools wheel

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

portal/static/.built: node_modules/.package-lock.json $(ASSET_SOURCES)
	npm run --silent build
	touch $@

assets: portal/static/.built

# Compiled catalogues (.mo) are built, not committed: from the .po files whenever those change.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
translations/.compiled: $(VENV)/.installed $(CATALOGUES)
	$(BIN)/python -m portal.i18n.catalogues compile
	touch $@

# After adding or changing text: extract, update every catalogue (new strings left empty), compile.
translations: install
	$(BIN)/python -m portal.i18n.catalogues update

# Every catalogue complete, compiled and in line with a fresh extraction (also run by pytest).
translations-check: install
	$(BIN)/python -m portal.i18n.catalogues check

# Each service page's map and QR code are drawn ahead of the first visit (and kept: a second run draws nothing).
db: install
	$(FLASK) db upgrade
	$(FLASK) portal load-data
	$(FLASK) portal draw-page-parts --base-url http://127.0.0.1:$(PORT)

seed: db

# Emails (invitations, password resets) are written into instance/mail/ rather than sent.
run: install assets translations/.compiled db
	MAIL_DROP_DIR=$${MAIL_DROP_DIR:-instance/mail} $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) wsgi:app

# Prints figures (not a test): its own databases of synthetic services under .bench/, served by gunicorn.
bench: install assets
	$(BIN)/python tests/benchmarks/bench_search.py

# Prints figures (not a test): where a never-seen request's time goes (cProfile, in-process), at 10,000 synthetic
# services under .bench/ (PROFILE_REUSE=1 reuses the database an earlier run built).
profile: install assets
	$(BIN)/python tests/benchmarks/profile_requests.py

# Prints figures (not a test): mixed traffic at 10,000 synthetic services, capacity at p95 < 200 ms next to a bare
# Flask route, then 70% of it held for LOADTEST_HOLD_SECONDS (default 600) with worker memory sampled.
loadtest: install assets
	$(BIN)/python tests/benchmarks/loadtest.py

# Prints figures (not a test): the search quality set (tests/search_quality/*.yaml) asked of a throwaway copy of
# the real directory; SEARCH_QUALITY_DATABASE_URL (an empty PostgreSQL database) adds both PostgreSQL set-ups.
search-quality: install-test translations/.compiled
	$(BIN)/python tests/search_quality/run.py

# Debian's Chromium for the browser tests (Playwright drives it; browser downloads are impossible),
# with Noto fonts so Urdu, Bengali and Arabic render in the screenshots.
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core; \
		else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests."; exit 1; fi; }

lint: install-test
	$(BIN)/flake8 $(SOURCES)
	$(BIN)/isort --check-only --diff $(SOURCES)

types: install-test
	$(BIN)/mypy $(TYPED)

# bandit on the code (findings fixed, or marked `# nosec BXXX  # reason`); pip-audit on the installed packages,
# which says plainly when no vulnerability service can be reached (tests/security/audit_dependencies.py).
security: install-test
	$(BIN)/bandit -q -r portal wsgi.py
	$(BIN)/python tests/security/audit_dependencies.py

pytest: install-test assets translations/.compiled browser
	PORTAL_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

test: lint types translations-check security pytest

clean:
	rm -rf $(VENV) node_modules portal/static instance build *.egg-info
