# The two commands of the README: `make run` and `make test`. Each creates .venv on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# Reinstall only when pyproject.toml changes, so a second `make` is quick.
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test lint test-browser test-docker reliability bench bench-quick bench-cluster clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "rocky-bot needs Python 3.11 or newer (set PYTHON=python3.11)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing rocky-bot and its tools into $(VENV) (first run only)..."
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $@

run: $(STAMP)
	@$(VENV)/bin/rocky-bot run

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest -m "not browser"

# The web pages in a real browser (Chromium, Playwright, axe-core): installs what is missing.
test-browser: $(STAMP)
	bash scripts/install-browser-deps.sh $(PY)
	$(PY) -m pytest -p no:randomly -m browser tests/browser

# The reliability and cluster suites at full counts (make test runs them at small counts).
reliability: $(STAMP)
	RELIABILITY=full $(PY) -m pytest -p no:randomly tests/reliability tests/cluster

# Builds and runs the image with a real Docker engine (a stand-in base image; see the script).
test-docker:
	bash tests/docker/run-checks.sh

bench: $(STAMP)
	$(PY) -m benchmarks.run

# The capacity model's inputs: two-process cluster on PostgreSQL, 10,000 servers on 4 shards.
bench-cluster: $(STAMP)
	$(PY) -m benchmarks.cluster

bench-quick: $(STAMP)
	$(PY) -m benchmarks.run --quick

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
