# make demo: set up .venv, generate synthetic families, link them, check their referrals, print what was found,
# and write the run's report (data/demo/report.html).
# make test: set up .venv (and Debian's Chromium for the page tests), run ruff and mypy (make lint), then the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := data/demo
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[service,dev,spark]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m benchmarks.generate --families 3000 --seed 7 --bad-rows 12 --out $(DEMO)
	rm -f $(DEMO)/linkage.duckdb
	$(BIN)/linkage referrals $(DEMO)/records.csv --out $(DEMO)/decisions.csv --persons $(DEMO)/persons.csv \
		--reports $(DEMO)/reports --db $(DEMO)/linkage.duckdb
	$(BIN)/python -m benchmarks.evaluate --persons $(DEMO)/persons.csv --truth $(DEMO)/truth.csv
	$(BIN)/python -m benchmarks.referral_eval --decisions $(DEMO)/decisions.csv --data $(DEMO) --reports $(DEMO)/reports
	$(BIN)/linkage report --db $(DEMO)/linkage.duckdb --out $(DEMO)/report.html --labels $(DEMO)/truth.csv

# The page's browser tests drive Debian's Chromium (Playwright's own browser download cannot work here).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null

test: lint $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -q

# The house rules: ruff (lint and format) and mypy, configured in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run_all

clean:
	rm -rf $(VENV) data .pytest_cache
