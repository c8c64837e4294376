# Two commands do everything: `make build` and `make test`. Both create the
# virtualenv and install the pinned requirements first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# Debian's chromium, for the docs browser test (see its rule below).
CHROMIUM := /usr/bin/chromium
# Microsoft's Power BI report validator, from the npm registry at the
# version locked in powerbi/tools/package-lock.json.
POWERBI_TOOLS := powerbi/tools/node_modules/.package-lock.json

# dbt reads the committed profiles.yml from the project; no usage tracking.
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: build test lint pytest setup clean bench bench-orders nightly generate \
	reject-reasons powerbi lock

# dbt build without the unit tests (`make test` runs them), then side by side
# the figures (python_plots/figures/index.html) and the self-contained docs
# site (target/static_index.html); see python_plots/make_build.py.
build: $(INSTALLED)
	$(BIN)/python -m python_plots.make_build

# The linters and pytest run side by side: sqlfluff takes 20 to 25 s of one
# core, which pytest leaves free now and then while it waits on dbt.
# Each one's output is printed whole when it ends; either failing fails.
test: $(INSTALLED) $(CHROMIUM) $(POWERBI_TOOLS)
	$(MAKE) --no-print-directory --jobs=2 --output-sync=target lint pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models analyses macros tests

pytest: $(INSTALLED)
	$(BIN)/pytest

setup: $(INSTALLED)

# Rewrites every generated file: run it after changing a reject reason or a
# mart, and commit the result. A test fails while a committed file differs
# from what these write.
# Runs the two recipes below in this order, in this make (a sub-make would
# not see `-o .venv/.installed`).
generate: $(INSTALLED)
	$(REJECT_REASONS_RECIPE)
	$(POWERBI_RECIPE)

# The listings of the reject reasons, from their one list in
# macros/reject_reasons.sql as dbt compiles the model reject_reasons (on an
# in-memory database, so the warehouse and target/ are left alone): the run
# summary's count columns in its contract and the tables of
# docs/cleaning_rules.md (see reject_reason_listings/).
REJECT_REASONS_RECIPE = $(BIN)/python -m reject_reason_listings
reject-reasons: $(INSTALLED)
	$(REJECT_REASONS_RECIPE)

# Rewrites the Power BI Project in powerbi/ from the marts' contracts (dbt's
# manifest); run it after changing a mart, and commit the result. A test
# fails while the committed files differ from what this writes.
POWERBI_RECIPE = $(BIN)/dbt parse --quiet \
	&& $(BIN)/python -m powerbi_project --manifest target/manifest.json
powerbi: $(INSTALLED)
	$(POWERBI_RECIPE)

# `npm ci` installs exactly the locked versions; CI machines have node 20.
$(POWERBI_TOOLS): powerbi/tools/package.json powerbi/tools/package-lock.json
	cd powerbi/tools && npm ci --no-fund --no-audit

# The browser test drives Debian's chromium: Playwright's own browser
# download needs a network CI machines do not have, and they start bare.
# Installing a system package needs root, as on CI.
$(CHROMIUM):
	apt-get update
	apt-get install -y chromium

# The nightly job on your own files: `make nightly INPUT=/data/customers.csv`
# and/or `ORDERS=/data/order_lines.csv.gz` (CSV, .gz or Parquet; with
# neither, the bundled seed). Run from the same folder every night, dbt
# reuses the parse state it saved in target/ last time. Unit tests check the
# SQL on fixed fixture rows, not the data, so they are left to `make test`,
# as dbt recommends for production runs (on a file they are off anyway:
# run_unit_tests in dbt_project.yml).
INPUT ?=
ORDERS ?=
# Only the files given become vars: a var left out keeps its default (null).
# $(value …): a $ in a path stays a $ (make would read $H in $HOME as a
# variable of its own).
CUSTOMERS_VAR := $(if $(strip $(value INPUT)),"raw_customers_path": "$(strip $(value INPUT))")
ORDERS_VAR := $(if $(strip $(value ORDERS)),"raw_transactions_path": "$(strip $(value ORDERS))")
comma := ,
NIGHTLY_VARS := $(CUSTOMERS_VAR)$(if $(and $(CUSTOMERS_VAR),$(ORDERS_VAR)),$(comma) )$(ORDERS_VAR)
nightly: $(INSTALLED)
	$(BIN)/dbt build --exclude-resource-type unit_test \
		--vars '{$(NIGHTLY_VARS)}'

# dbt build vs the classic notebook on N synthetic customers, and the same
# builds on the first 1,000 of them (the fixed cost); the Markdown table is
# printed and written to bench-results/n$(N)/benchmark.md.
N ?= 1000000
bench: $(INSTALLED)
	$(BIN)/python -m benchmarks.customers_benchmark --rows $(N)

# The first-run `dbt build` on LINES synthetic order lines (UCI "Online
# Retail" columns) vs the classic pandas RFM notebook, in the same run, and
# the same build on the first 20,000 lines (the fixed cost); the
# file is reused by later runs. Written to bench-results/orders-n$(LINES)/.
LINES ?= 1000000
bench-orders: $(INSTALLED)
	$(BIN)/python -m benchmarks.orders_benchmark --lines $(LINES)

# requirements.txt names what the project uses; constraints.txt pins every
# package that pulls in, pip included, so a fresh clone installs exactly what
# the tests passed with.
$(INSTALLED): requirements.txt constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --constraint constraints.txt --upgrade pip
	$(BIN)/pip install --quiet --requirement requirements.txt \
		--constraint constraints.txt
	touch $@

# Resolves requirements.txt afresh against the package index, in a scratch
# virtualenv, and pins everything it installed in constraints.txt (keeping
# the file's opening comment). Run it after editing requirements.txt, then
# `make test`, and commit both files.
LOCK_VENV := .lock-venv
lock:
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet --upgrade pip
	$(LOCK_VENV)/bin/pip install --quiet --requirement requirements.txt
	grep '^#' constraints.txt > $(LOCK_VENV)/constraints.txt
	$(LOCK_VENV)/bin/pip freeze --all | grep -v '^setuptools==\|^wheel==' \
		| LC_ALL=C sort --ignore-case >> $(LOCK_VENV)/constraints.txt
	mv $(LOCK_VENV)/constraints.txt constraints.txt
	rm -rf $(LOCK_VENV)

clean:
	rm -rf target logs mall_segmentation.duckdb mall_segmentation.duckdb.wal
	rm -rf python_plots/figures test-artifacts
