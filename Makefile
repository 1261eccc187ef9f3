# zapgate — the two commands: `make up` runs the gateway, `make test` runs the tests.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QUICK  ?=

.PHONY: up test test-unit lint bench chaos venv sysdeps services-stop clean

up: $(STAMP)
	$(BIN)/zapgate up

test: $(STAMP)
	$(BIN)/zapgate services ensure
	$(BIN)/pytest -q

# Unit tests need no service (no Postgres, Redis or NATS) and run in seconds.
test-unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

lint: $(STAMP)
	$(BIN)/ruff check gateway dispatch tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/zapgate services ensure
	$(BIN)/python -m tests.bench $(if $(QUICK),--quick,)

# The fault suite (minutes; not part of make test): private services, faults mid-stream, docs/reliability.md.
chaos: $(STAMP)
	$(BIN)/python -m tests.chaos $(if $(QUICK),--quick,)

venv: $(STAMP)

# System packages the project needs (Debian/Ubuntu, installed only when missing and root).
sysdeps:
	@missing=""; \
	command -v $(PYTHON) >/dev/null || missing="$$missing python3"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	ldconfig -p 2>/dev/null | grep -q libmagic.so.1 || missing="$$missing libmagic1"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "zapgate: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else echo "zapgate: please install:$$missing" >&2; exit 1; fi; \
	fi

$(STAMP): pyproject.toml | sysdeps
	@[ -x $(BIN)/pip ] || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

services-stop: $(STAMP)
	$(BIN)/zapgate services stop

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
