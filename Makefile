# The two commands a newcomer needs:
#   make serve   install into .venv, build graph/ from data/, serve the API on 127.0.0.1:8000
#   make test    install (with Debian's Virtuoso for the SPARQL-server tests, Java and the OWL API
#                for the OWL 2 DL check), lint (ruff),
#                type-check (mypy), run the tests (pytest) on the embedded store and on Virtuoso
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: install serve build test lint virtuoso owl-tools jena

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

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

# Debian's Apache Jena, for benchmarks/bench_shacl.py only (the tests do not need it)
jena:
	scripts/install-jena.sh

test: lint virtuoso owl-tools
	$(BIN)/python -m pytest
