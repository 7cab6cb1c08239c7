# Sales Follow-Up Copilot — `make demo`, `make test`, `make bench` work on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed

.PHONY: demo test test-unit test-integration test-e2e bench policy-check clean

$(STAMP_PY): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(STAMP_NODE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: $(STAMP_PY)
	$(PY) -m followup demo

test: $(STAMP_PY) $(STAMP_NODE)
	$(PY) -m pytest

test-unit: $(STAMP_PY)
	$(PY) -m pytest tests/unit

test-integration: $(STAMP_PY) $(STAMP_NODE)
	$(PY) -m pytest tests/integration

test-e2e: $(STAMP_PY) $(STAMP_NODE)
	$(PY) -m pytest tests/e2e

bench: $(STAMP_PY) $(STAMP_NODE)
	@for b in bench/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

policy-check: $(STAMP_PY)
	$(PY) -m followup policy check governance/trust_layer.yaml

clean:
	rm -rf $(VENV) node_modules .data .pytest_cache
