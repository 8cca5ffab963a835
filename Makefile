# Two entry points do all the set-up on a fresh machine: `make run` and `make test`.
PY ?= python3
# `make run` listens on loopback only; `make run ADDRESS=0.0.0.0` serves the whole network.
ADDRESS ?= 127.0.0.1
PORT ?= 8501
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format install bench gazetteer build publish

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/python -m mapview.serve --server.headless true --browser.gatherUsageStats false \
		--server.address $(ADDRESS) --server.port $(PORT)

test: $(STAMP)
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-test-fonts.sh
	bash scripts/ensure-postgis.sh
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

GEODATA ?= ../shared/geodata
OSM ?= $(GEODATA)/shanghai_center_highways_osm_2025-08.osm $(GEODATA)/shanghai_pois_osm_2026-05.osm.pbf

gazetteer: $(STAMP)
	$(BIN)/python -m geo gazetteer --source $(GEODATA) --osm $(OSM)

build: $(STAMP)
	$(BIN)/python -m geo build

bench: $(STAMP)
	$(BIN)/python bench/run.py

# `make publish DSN=postgresql://USER@HOST:PORT/DB [SCHEMA=jingan_atlas]`; not echoed, so a
# password in the DSN stays off the terminal (better: PGPASSWORD, PGSERVICE or ~/.pgpass).
publish: $(STAMP)
	@test -n "$(DSN)" || { echo "usage: make publish DSN=postgresql://USER@HOST:PORT/DB [SCHEMA=…]" >&2; exit 2; }
	@$(BIN)/python -m geo publish --dsn "$(DSN)" $(if $(SCHEMA),--schema "$(SCHEMA)")
