# engagement_lib — run `make help` for the list of targets.
# Everything runs inside .venv, created on first use from the system python3 (3.11+).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
SEED   ?= 20190304

.DEFAULT_GOAL := help
.PHONY: help install test unit notebooks refresh-notebooks data benchmarks lint clean

help: ## Show this list of targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,scale]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv if missing and install the project with its dev tools and the Dask extra

lint: install ## Run ruff on the code base
	$(BIN)/ruff check .

test: install ## Lint, then run the unit tests and the notebooks under nbval
	$(BIN)/ruff check .
	$(BIN)/python -m pytest tests notebooks --nbval-lax --nbval-current-env -p no:cacheprovider

unit: install ## Run the unit tests only (no notebooks)
	$(BIN)/python -m pytest tests -p no:cacheprovider

notebooks: install ## Execute every notebook on the bundled data and render build/site/index.html
	$(BIN)/python -m engagement_lib.site --out build/site

refresh-notebooks: install ## Re-execute the notebooks in place (outputs kept) and update their text twins
	$(BIN)/python -m engagement_lib.site --out build/site --in-place

data: install ## Regenerate datasets/ (simulated panel) from the default seed
	$(BIN)/engagement simulate --out datasets --seed $(SEED)

benchmarks: install ## Run the speed/memory comparisons in benchmarks/
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean: ## Remove build outputs (keeps .venv)
	rm -rf build .pytest_cache
