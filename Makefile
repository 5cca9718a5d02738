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

.PHONY: help setup system-deps run test test-fast check realcheck portalcheck formatcheck bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(CURDIR)/.tools/bin/uv:
	@echo "uv not found: installing it into .tools/ (pip, from PyPI)"
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

setup: .venv/.synced system-deps ## install uv if missing, then the locked environment (.venv)

# Debian packages for bulletin.pdf (LibreOffice + CJK fonts), the browser test (chromium) and the PDF test
# (poppler-utils). Installed only when missing; as root via apt-get, otherwise the command is printed and
# the build goes on (the PDF renderer and the browser/PDF tests then skip with a reason). See
# docs/output-formats.md. Measured on the 2-core dev machine: 47 s for all of them (docs/output-formats.md).
SYSTEM_DEPS_APT := apt-get install -y --no-install-recommends
system-deps: ## Debian packages for PDF/fonts/browser tests, installed only when missing
	@missing=""; \
	command -v fc-list >/dev/null 2>&1 || missing="$$missing fontconfig"; \
	command -v soffice >/dev/null 2>&1 || missing="$$missing libreoffice-writer-nogui"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	fc-list 2>/dev/null | grep -qi "AR PL UKai" || missing="$$missing fonts-arphic-ukai"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -z "$$missing" ]; then \
	  echo "system-deps: LibreOffice, CJK fonts, chromium and poppler-utils are present"; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "system-deps: installing$$missing"; \
	  start=$$(date +%s); \
	  if apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SYSTEM_DEPS_APT)$$missing; then \
	    echo "system-deps: installed in $$(( $$(date +%s) - start )) s"; \
	  else \
	    echo "system-deps: WARNING apt-get failed; bulletin.pdf and the browser/PDF tests will be skipped" >&2; \
	  fi; \
	else \
	  echo "system-deps: missing$$missing; to install them run:"; \
	  echo "  sudo apt-get update && sudo $(SYSTEM_DEPS_APT)$$missing"; \
	  echo "system-deps: continuing without them (bulletin.pdf and the browser/PDF tests are skipped)"; \
	fi

# Inputs live in data/; everything zwgk makes goes to the work directory: var/ here, or $ZWGK_HOME
# (flows/domain/settings.py).
WORK_DIR = $(or $(ZWGK_HOME),$(CURDIR)/var)

run: setup ## the default job: Huarong 2021H1 from the bundled seed → var/out/huarong/2021H1/
	$(UV) run --frozen zwgk run --draft-ok
	@echo "outputs: $(WORK_DIR)/out/huarong/2021H1/ (bulletin.docx, .pdf, .html, .md, attachments.xlsx, run.json, validation/)"

check: setup ## proofread the bundled seed bulletin (exit 3: problems found)
	$(UV) run --frozen zwgk check data/bulletins/huarong_2021H1.txt --registry data/registry/huarong.csv

realcheck: setup ## the real documents of tests/fixtures/real/ through zwgk check --json, against their ground truth (PUBLISH=1: docs/real-documents.md)
	$(UV) run --frozen python -m bench.realcheck $${PUBLISH:+--publish}

portalcheck: setup ## the saved portal pages of tests/fixtures/real_portal/ through zwgk inspect --json, against their ground truth (PUBLISH=1: docs/crawler.md)
	$(UV) run --frozen python -m bench.portalcheck $${PUBLISH:+--publish}

formatcheck: setup ## the formatting rule on the demo and 青溪县 fixture portals, precision and recall (PUBLISH=1: docs/rules.md)
	$(UV) run --frozen python -m bench.formatcheck $${PUBLISH:+--publish}

# The suite is spread over the machine's cores (pytest-xdist); tests sharing an expensive fixture stay on one
# worker (tests/conftest.py). TEST_WORKERS=1 runs it in one process.
TEST_WORKERS ?= auto
test: setup ## the whole test suite, over every core
	$(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadgroup

# test-fast leaves out the flow tests and the slow ones (over ~1.5 s each, or behind an expensive module fixture):
# 719 tests in about 45 s on the 2-core dev machine; `make test` runs all of them.
test-fast: setup ## the inner loop (≤ 60 s): every test but the end-to-end (flow) and slow ones, over every core
	$(UV) run --frozen pytest -n $(TEST_WORKERS) --dist loadgroup -m "not flow and not slow"

bench: setup ## benchmarks through the product (SIZES=1e5 for a quick one) → bench/out/, docs/benchmarks.md
	$(UV) run --frozen python -m bench.run --publish --sizes "$${SIZES:-1e5,1e6,1e7}"

clean: ## remove what zwgk made in the work directory (var/ or $ZWGK_HOME); never the inputs in data/
	@if [ -x .venv/bin/zwgk ]; then .venv/bin/zwgk server stop; fi
	cd "$(WORK_DIR)" 2>/dev/null && rm -rf warehouse.duckdb warehouse.duckdb.wal warehouse.duckdb.lock crawl \
	  demo_portal out work logs prefect test-artifacts || true
	rm -rf data/warehouse.duckdb* data/crawl data/demo_portal data/work data/logs reports/out .zwgk  # older layouts
