# One command to run the app, one to test it. Each makes its own virtual environment.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
RAW    ?= $(if $(OCA_RAW_DIR),$(OCA_RAW_DIR),../shared/data/raw)

.PHONY: run test build bench bench-app clean

$(BIN)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev: requirements.txt requirements-dev.txt $(BIN)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(BIN)/.runtime          ## set up and run the app on the bundled database
	$(BIN)/streamlit run app.py

test: $(BIN)/.dev             ## set up and run the whole test suite
	$(BIN)/python -m pytest -q

build: $(BIN)/.dev            ## rebuild data/oca.duckdb from the raw public files
	$(BIN)/python -m oca_dash build --raw $(RAW) --out data/oca.duckdb

bench: $(BIN)/.dev            ## run the benchmarks; results go in docs/PERFORMANCE.md by hand
	$(BIN)/python scripts/bench_data.py --raw $(RAW)

bench-app: $(BIN)/.dev        ## page rerun times, map bytes, first load of a shared link in Chromium
	$(BIN)/python scripts/bench_app.py

.PHONY: load
load: $(BIN)/.dev             ## 20 concurrent browser sessions on one server, twice: success, step times, memory (~10-15 min)
	$(BIN)/python scripts/load_test.py --out /tmp/oca_load_test.json

clean:
	rm -rf $(VENV)
