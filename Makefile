# zapgate — the two commands: `make up` runs the gateway, `make test` runs the tests.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
QUICK  ?=
MINUTES ?=
# Hash-pinned locks (PyPI's hashes), written by `make lock`: runtime (+ build backend), and runtime + dev.
LOCK     := requirements/lock.txt
DEV_LOCK := requirements/dev.txt
# checkov (terraform/ and Dockerfile checks in make test) has its own venv and lock: its pins would move ours.
CHECKOV_VENV  := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
CHECKOV_LOCK  := requirements/checkov.txt
# Universal (any OS, CPU, Python >= 3.11) resolution against PyPI alone: pip.conf and uv.toml are not read.
UV_LOCK   = $(BIN)/uv pip compile --quiet --no-config --default-index https://pypi.org/simple --universal \
            --python-version 3.11 --generate-hashes --custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade,)

.PHONY: up test test-unit lint bench profile chaos fuzz screenshots lock venv sysdeps services-stop clean

up: $(STAMP)
	$(BIN)/zapgate up

test: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/zapgate services ensure
	$(BIN)/pytest -q

# Unit tests need no service (no Postgres, Redis or NATS) and run in seconds.
test-unit: $(STAMP) $(CHECKOV_STAMP)
	$(BIN)/pytest -q tests/unit

lint: $(STAMP)
	$(BIN)/ruff check gateway dispatch tests
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	$(BIN)/zapgate services ensure
	$(BIN)/python -m tests.bench $(if $(QUICK),--quick,)

# Where each role's CPU goes under the benchmarks (py-spy; needs root or ptrace_scope 0): docs/profiles.md.
profile: $(STAMP)
	$(BIN)/zapgate services ensure
	$(BIN)/python -m tests.bench.profile

# The fault suite (minutes; not part of make test): private services, faults mid-stream, docs/reliability.md.
chaos: $(STAMP)
	$(BIN)/python -m tests.chaos $(if $(QUICK),--quick,)

# The dashboard's browser tests, keeping their screenshots in docs/dashboard/ (shown in docs/dashboard.md).
screenshots: $(STAMP)
	$(BIN)/zapgate services ensure
	DASHBOARD_SCREENSHOTS=docs/dashboard $(BIN)/pytest -q tests/browser

# Property-based fuzzing of the HTTP API against real services (MINUTES=N to bound it).
fuzz: $(STAMP)
	$(BIN)/zapgate services ensure
	$(BIN)/python -m tests.fuzz $(if $(MINUTES),--minutes $(MINUTES),)

# The way to change a dependency: edit pyproject.toml, then `make lock` (keeps other pins;
# UPGRADE=1 moves every pin to the newest allowed release). Commit pyproject.toml and requirements/*.txt.
lock: $(STAMP)
	$(UV_LOCK) --extra dev -o $(DEV_LOCK) pyproject.toml requirements/build.in
	$(UV_LOCK) -c $(DEV_LOCK) -o $(LOCK) pyproject.toml requirements/build.in
	$(UV_LOCK) -o $(CHECKOV_LOCK) requirements/checkov.in

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

# Everything comes from the lock, hash-checked; the project itself is installed without resolving again.
$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK) requirements/build.in | sysdeps
	@[ -x $(BIN)/pip ] || { rm -rf $(VENV); $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install -q --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	@touch $@

$(CHECKOV_STAMP): $(CHECKOV_LOCK) | sysdeps
	@[ -x $(CHECKOV_VENV)/bin/pip ] || { rm -rf $(CHECKOV_VENV); $(PYTHON) -m venv $(CHECKOV_VENV); }
	$(CHECKOV_VENV)/bin/pip install -q --require-hashes -r $(CHECKOV_LOCK)
	@touch $@

services-stop: $(STAMP)
	$(BIN)/zapgate services stop

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .pytest_cache .mypy_cache .ruff_cache
