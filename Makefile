# Two commands do all set-up: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= istanbul-2025-06-02

.PHONY: run test install migrate seed lint format clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# Loads the seed report only into an empty database, so nothing an editor changed is overwritten.
seed: migrate
	$(PY) manage.py load_seed $(SEED)

run: seed
	$(PY) manage.py ensure_local_admin
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/ .pytest_cache/ .ruff_cache/

# REST API benchmark (issue 4): PostgreSQL, gunicorn with 2 workers on loopback, 10,000 claims.
# Shorter while developing: make bench-api BENCH_CLAIMS=1000 BENCH_SECONDS=3
.PHONY: bench-api
bench-api: install
	BENCH_CLAIMS=$(or $(BENCH_CLAIMS),10000) BENCH_SECONDS=$(or $(BENCH_SECONDS),10) \
		$(PY) -m bench.api_run
