# Two commands do everything: `make build` and `make test`. Both create the
# virtualenv and install the pinned requirements first.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

# dbt reads the committed profiles.yml from the project; no usage tracking.
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: build test lint pytest setup clean

build: $(INSTALLED)
	$(BIN)/dbt build

test: $(INSTALLED) lint pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint models analyses macros tests

pytest: $(INSTALLED)
	$(BIN)/pytest

setup: $(INSTALLED)

$(INSTALLED): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

clean:
	rm -rf target logs mall_segmentation.duckdb mall_segmentation.duckdb.wal
