# Two commands do all set-up: `make run` and `make test`. Everything else is a helper of theirs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= istanbul-2025-06-02

.PHONY: run test install migrate seed lint format clean bench-sweep

# Every install comes from the lock file (exact versions, with hashes); the project itself is
# installed on top without dependencies. `make lock` rewrites the locks from pyproject.toml.
LOCK := requirements/dev.txt
$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --require-hashes -r $(LOCK)
	$(VENV)/bin/pip install --quiet --no-deps -e .
	@$(VENV)/bin/pip check >/dev/null || { $(VENV)/bin/pip check; \
		echo "The lock files miss what pyproject.toml asks for: run 'make lock'."; exit 1; }
	@touch $@

install: $(VENV)/.installed

# Rewrites requirements/dev.txt (make run, make test, CI) and requirements/production.txt (a
# deployment) from pyproject.toml: from PyPI (uv never reads pip's configuration), for every
# platform and Python >= 3.11. Versions already locked are kept; `make lock-upgrade` moves
# everything to the newest versions pyproject.toml allows.
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --universal --python-version 3.11 \
	--generate-hashes pyproject.toml
.PHONY: lock lock-upgrade
lock: $(VENV)/bin/uv
	$(UV_COMPILE) --extra dev -o requirements/dev.txt $(LOCK_ARGS)
	$(UV_COMPILE) -o requirements/production.txt $(LOCK_ARGS)

lock-upgrade:
	$(MAKE) lock LOCK_ARGS=--upgrade

# uv only writes the locks; the version pinned in the dev lock, so it works before the first
# install and while the locks are out of date.
$(VENV)/bin/uv:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --no-deps "uv==$$(sed -n 's/^uv==\([^ ]*\).*/\1/p' $(LOCK) | head -n1)"

# var/ holds the embedded database, the filesystem broker's messages and the logs (git ignores it).
migrate: install
	@mkdir -p var/log var/celery/out var/celery/processed var/celery/control
	$(PY) manage.py migrate --noinput

# Loads the seed report only into an empty database, so nothing an editor changed is overwritten.
seed: migrate
	$(PY) manage.py load_seed $(SEED)

# Web, a Celery worker and beat together, on SQLite and Celery's filesystem broker under var/
# (no Redis). Beat sweeps at start and every SWEEP_INTERVAL_SECONDS; the worker and beat stop
# when runserver does (Ctrl-C, or any exit).
run: seed
	$(PY) manage.py ensure_local_admin --url http://$(HOST):$(PORT)/admin/
	@echo "Claimtracker serves http://$(HOST):$(PORT)/ : admin /admin/, reviewers /review/, API /api/v1/, API docs /api/docs/"
	@echo "Celery worker and beat log to var/log/celery-worker.log and var/log/celery-beat.log"
	@trap 'kill $$worker $$beat 2>/dev/null; wait $$worker $$beat 2>/dev/null' EXIT INT TERM; \
	export CLAIMTRACKER_BASE_URL="$${CLAIMTRACKER_BASE_URL:-http://$(HOST):$(PORT)}"; \
	$(VENV)/bin/celery -A config.celery_app worker --loglevel=INFO --concurrency=1 \
		>var/log/celery-worker.log 2>&1 & worker=$$!; \
	$(VENV)/bin/celery -A config.celery_app beat --loglevel=INFO \
		>var/log/celery-beat.log 2>&1 & beat=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The lowest layer alone: claims' own tests with neither tracker nor api installed, on SQLite in
# memory with no services (config/settings/claims_only.py). CI runs it after `make test`, which
# has already run the PostgreSQL, Redis and browser tests among them: here they are deselected.
.PHONY: test-claims-only
test-claims-only: install
	DJANGO_SETTINGS_MODULE=config.settings.claims_only $(VENV)/bin/pytest tests/claims \
		--ds=config.settings.claims_only -p no:cacheprovider \
		-m "not postgres and not redis and not browser" $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# The OpenAPI document checked by Redocly CLI, version pinned (npx fetches it from the npm
# registry on first use; Node.js 20 or later), with the rules of redocly.yaml.
# tests/api/test_contract.py runs the same lint (and openapi-spec-validator) in `make test`.
REDOCLY ?= @redocly/cli@2.77.0
.PHONY: lint-openapi
lint-openapi: install
	@mkdir -p var
	$(PY) manage.py spectacular --format openapi-json --file var/openapi.json
	REDOCLY_TELEMETRY=off npx --yes $(REDOCLY) lint var/openapi.json --config=redocly.yaml

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf var/ .pytest_cache/ .ruff_cache/

# Interface catalogues (locale/uk, locale/ru): collect the marked strings, write the
# translations kept in locale/fill_catalogues.py, compile. The .mo files are committed, so
# `make run` and a deployment need no gettext tools; tests check they match the translations.
.PHONY: messages
messages: install
	$(PY) manage.py makemessages -l uk -l ru --no-obsolete --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*"
	$(PY) locale/fill_catalogues.py
	$(PY) manage.py compilemessages -l uk -l ru --ignore ".venv/*"

# The deadline sweep at scale, on PostgreSQL (its own database, ct_bench_sweep by default):
# `make bench-sweep` builds 200,000 follow-ups, `make bench-sweep N=1000000` a million.
N ?= 200000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ct_bench_sweep
bench-sweep: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/sweep.py --n $(N) $(BENCH_ARGS)

# Reviewers' queue: 4 reviewer processes drain 2,000 items on PostgreSQL through the services,
# then through hand-written SQL doing the same writes, and print both rates and their ratio
# (a database of its own, plus <name>_template, dropped and rebuilt each run).
BENCH_QUEUE_DB ?= postgres://postgres@127.0.0.1:5432/ct_bench_queue
QUEUE_ITEMS ?= 2000
QUEUE_REVIEWERS ?= 4
.PHONY: bench-queue
bench-queue: install
	DATABASE_URL=$(BENCH_QUEUE_DB) $(PY) -m bench.review_queue --items $(QUEUE_ITEMS) --reviewers $(QUEUE_REVIEWERS)
# REST API benchmark (issue 4): PostgreSQL, gunicorn with 2 workers on loopback, 10,000 claims.
# Shorter while developing: make bench-api BENCH_CLAIMS=1000 BENCH_SECONDS=3
.PHONY: bench-api
bench-api: install
	BENCH_CLAIMS=$(or $(BENCH_CLAIMS),10000) BENCH_SECONDS=$(or $(BENCH_SECONDS),10) \
		$(PY) -m bench.api_run

# Every page and endpoint at a newsroom's size (issue 13): builds 1,000,000 claims with their
# evidence, follow-ups, review items and history in PostgreSQL (its own database,
# ct_bench_scale), then times each page; SCALE_CLAIMS smaller while developing, and
# BENCH_ARGS=--reuse times again without rebuilding. Writes var/bench/scale.md.
BENCH_SCALE_DB ?= postgres://postgres@127.0.0.1:5432/ct_bench_scale
SCALE_CLAIMS ?= 1000000
.PHONY: bench-scale
bench-scale: install
	BENCH_SCALE_DB=$(BENCH_SCALE_DB) $(PY) -m bench.scale --claims $(SCALE_CLAIMS) $(BENCH_ARGS)

# Change feed (issue 12): 4 writers commit FEED_CHANGES changes on PostgreSQL while 4 readers
# follow /api/v1/changes/; prints changes/s, reader lag p95, missed and repeated (both 0).
# Its own database, dropped and rebuilt each run. Shorter: make bench-feed FEED_CHANGES=10000
BENCH_FEED_DB ?= postgres://postgres@127.0.0.1:5432/ct_bench_feed
FEED_CHANGES ?= 100000
.PHONY: bench-feed
bench-feed: install
	BENCH_FEED_DB=$(BENCH_FEED_DB) $(PY) -m bench.change_feed --changes $(FEED_CHANGES)

# Public fact-check pages (issue 12): N published claims on PostgreSQL (its own database,
# dropped and rebuilt), each public address timed in-process. Quicker: PUBLIC_CLAIMS=500.
BENCH_PUBLIC_DB ?= postgres://postgres@127.0.0.1:5432/ct_bench_public
PUBLIC_CLAIMS ?= 5000
.PHONY: bench-public
bench-public: install
	DATABASE_URL=$(BENCH_PUBLIC_DB) $(PY) -m bench.public_pages --claims $(PUBLIC_CLAIMS)
