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
# Domain packages: no Flask imports, fully typed.
TYPED := portal/geo portal/datafiles portal/seed portal/search portal/questionnaire portal/contact
ASSET_SOURCES := $(shell find portal/assets -type f) package.json package-lock.json

.PHONY: help install install-test assets db seed run bench test lint types pytest browser clean

help:
	@echo "make run     set up everything and serve at http://127.0.0.1:$(PORT)"
	@echo "make test    set up everything and run lint, type checks and the tests"
	@echo "make seed    load (or refresh) the seed data"
	@echo "make bench   search benchmark at 10,000 and 100,000 synthetic services (BENCH_QUICK=1: 10,000 only)"

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

db: install
	$(FLASK) db upgrade
	$(FLASK) portal load-data

seed: db

run: install assets db
	$(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) wsgi:app

# Prints figures (not a test): its own databases of synthetic services under .bench/, served by gunicorn.
bench: install assets
	$(BIN)/python tests/benchmarks/bench_search.py

# Debian's Chromium for the browser tests (Playwright drives it; browser downloads are impossible).
browser:
	@command -v chromium >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "Install Debian's chromium package (sudo apt-get install chromium) for the browser tests."; exit 1; fi; }

lint: install-test
	$(BIN)/flake8 $(SOURCES)
	$(BIN)/isort --check-only --diff $(SOURCES)

types: install-test
	$(BIN)/mypy $(TYPED)

pytest: install-test assets browser
	PORTAL_ENV=test $(BIN)/pytest $(PYTEST_ARGS)

test: lint types pytest

clean:
	rm -rf $(VENV) node_modules portal/static instance build *.egg-info
