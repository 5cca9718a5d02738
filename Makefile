# zwgk — two commands for a new machine: `make run` then `make test`.
# Only Python 3.11 is needed beforehand: uv is installed if missing, then the locked environment.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(CURDIR)/.tools/bin/uv
endif
PYTHON ?= python3
export UV_PYTHON_DOWNLOADS ?= never
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: help setup run test check bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ (pip, from PyPI)"
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

setup: .venv/.synced ## install uv if missing, then the locked environment (.venv)

run: setup ## the default job: Huarong 2021H1 from the bundled seed → reports/out/huarong/2021H1/
	$(UV) run --frozen zwgk run --draft-ok

check: setup ## proofread the bundled seed bulletin (exit 3: problems found)
	$(UV) run --frozen zwgk check data/bulletins/huarong_2021H1.txt --registry data/registry/huarong.csv

test: setup ## the test suite
	$(UV) run --frozen pytest

clean: ## remove outputs and the warehouse (never the raw inputs)
	rm -rf reports/out data/warehouse.duckdb data/warehouse.duckdb.wal
