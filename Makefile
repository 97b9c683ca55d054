# The two commands a newcomer needs:
#   make serve   install into .venv, build graph/ from data/, serve the API on 127.0.0.1:8000
#   make test    install (with Debian's Virtuoso for the SPARQL-server tests, Java and the OWL API
#                for the OWL 2 DL check, Debian's chromium for the browser tests, Apache Jena and
#                Apache httpd as independent clients and redirectors), lint (ruff), type-check
#                (mypy), run the tests (pytest) on the embedded store and on Virtuoso, and write
#                docs/conformance.md from the conformance checks among them
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install serve build test lint virtuoso owl-tools chromium jena apache

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# browser assets of the web pages (SPARQL editor, charts, API docs, axe-core for the browser tests),
# pinned in package-lock.json and served from node_modules/; --ignore-scripts: no install-time hooks;
# localise-assets.sh: no asset fetches from another host at run time
node_modules/.package-lock.json: package.json package-lock.json scripts/localise-assets.sh
	scripts/install-npm.sh
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	scripts/localise-assets.sh
	touch $@

install: $(BIN)/.installed node_modules/.package-lock.json

build: install
	$(BIN)/asmk-graph build

serve: install
	$(BIN)/asmk-graph serve --build

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

virtuoso:
	scripts/install-virtuoso.sh

owl-tools:
	scripts/install-owl-tools.sh

chromium:
	scripts/install-chromium.sh

# Debian's Apache Jena: rsparql and riot as clients in the tests, SHACL in benchmarks/bench_shacl.py
jena:
	scripts/install-jena.sh

# Debian's apache2-bin: the w3id redirect rules (w3id/.htaccess) run in it in the tests
apache:
	scripts/install-apache.sh

# two workers, test by test, the long ones first (tests/conftest.py)
test: lint virtuoso owl-tools chromium jena apache
	$(BIN)/python -m pytest -n 2 --dist load --conformance-report=docs/conformance.md
