# perfapp: everyday commands. `make` (or `make help`) lists them.
#
# Everything runs from a local virtualenv in .venv, created on first use with the newest
# Python >= 3.12 found on this machine. Configuration comes from the environment: with
# DATABASE_URL / REDIS_URL set, the settings use Postgres / Redis; without them `make run`
# uses SQLite and a filesystem broker under .run/.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
RUFF   := $(VENV)/bin/ruff
STAMP  := $(VENV)/.installed

DEV_SETTINGS  := perfapp.settings.dev
TEST_SETTINGS := perfapp.settings.test
BENCH_SETTINGS := perfapp.settings.bench
DEFAULT_TEST_DATABASE_URL := postgres://postgres@127.0.0.1:5432/perfapp

# Where make run serves, e.g. make run PORT=8001 when 8000 is taken, and how many seconds
# it gives the Celery worker to finish the task in hand when stopped.
HOST ?= 127.0.0.1
PORT ?= 8000
STOP_GRACE ?= 10

# Extra arguments for pytest, e.g. make test ARGS='tests/orgs -k invite'
ARGS ?=
# Extra arguments for the load benchmark, e.g. make bench BENCH_ARGS='--seconds 10', and
# for the fan-out, e.g. make bench FANOUT_ARGS='--chunk-size 200'
BENCH_ARGS ?=

# Prints the path of a working Python >= 3.12 and succeeds, or fails silently.
# Every candidate is actually run, because pyenv shims exist on PATH but fail when no
# matching version is selected. Order: python3.13, python3.12, python3 on PATH, then
# pyenv's installed 3.13.x and 3.12.x (newest first).
FIND_PYTHON = \
	ok() { "$$1" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; }; \
	for name in python3.13 python3.12 python3; do \
		p=$$(command -v "$$name" 2>/dev/null) && ok "$$p" && { echo "$$p"; exit 0; }; \
	done; \
	root=$$(pyenv root 2>/dev/null || echo "$${PYENV_ROOT:-$$HOME/.pyenv}"); \
	for minor in 3.13 3.12; do \
		for p in $$(ls -d "$$root"/versions/$$minor*/bin/python3 2>/dev/null | sort -rV); do \
			ok "$$p" && { echo "$$p"; exit 0; }; \
		done; \
	done; \
	exit 1

.PHONY: help venv install run test migrations lint format check docs bench bench-quick wrk clean

# help: list the targets (the default).
help:
	@echo "perfapp make targets:"
	@echo "  make install   create .venv (Python >= 3.12) and install perfapp with dev tools"
	@echo "  make run       migrate, seed demo data, start the Celery worker+beat and the dev"
	@echo "                 server on http://127.0.0.1:8000/ (PORT=8001 for another port);"
	@echo "                 Ctrl-C or SIGTERM stops both"
	@echo "  make test      run the test suite on Postgres (DATABASE_URL, default"
	@echo "                 $(DEFAULT_TEST_DATABASE_URL)); pass pytest arguments"
	@echo "                 with ARGS, e.g. make test ARGS='tests/orgs -k invite'"
	@echo "  make migrations  apply every migration to an empty Postgres database (CI runs it;"
	@echo "                 the test suite builds its databases from the models)"
	@echo "  make lint      ruff check + ruff format --check + import boundaries (lint-imports)"
	@echo "                 + types of the services and selectors (mypy)"
	@echo "  make format    ruff check --fix + ruff format"
	@echo "  make check     no missing migrations + Django system checks"
	@echo "  make docs      build the documentation (docs/) into site/ with mkdocs --strict"
	@echo "  make bench     benchmarks on Postgres + Redis (under 30 minutes; see BENCHMARKS.md):"
	@echo "                 reminder fan-out, 100,000 people seeded, pages of a 20,000-person"
	@echo "                 organization under load (wrk) as ratios to an anchor, query plans,"
	@echo "                 memory; the table in bench/results/latest.md"
	@echo "  make bench-quick  the same harness on a small seed, a few minutes"
	@echo "  make clean     remove runtime files in .run/ (keeps .venv)"

# venv (internal): make sure .venv exists and runs Python >= 3.12; (re)create it if not.
venv:
	@if ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
		py=$$($(FIND_PYTHON)) || { \
			echo "perfapp needs Python 3.12 or newer; install it (e.g. pyenv install 3.13) and run make again." >&2; \
			exit 1; \
		}; \
		echo "Creating $(VENV) with $$py ($$("$$py" -V 2>&1))"; \
		rm -rf $(VENV) && "$$py" -m venv $(VENV); \
	fi

# install: install perfapp (editable) with its dev extras; only reruns when pyproject.toml
# is newer than the last successful install.
install: venv
	@if [ ! -f $(STAMP) ] || [ pyproject.toml -nt $(STAMP) ]; then \
		echo "Installing perfapp and its dev dependencies into $(VENV) ..."; \
		$(PIP) install --quiet --disable-pip-version-check -e '.[dev]' && touch $(STAMP); \
	fi

# run: local development server with demo data. SQLite + filesystem broker by default;
# Postgres / Redis when DATABASE_URL / REDIS_URL are set in the environment.
#
# Stopping: Ctrl-C, or SIGTERM to make or to its process group (what IDEs and process
# managers send), runs `stop`. The worker and the server each run in a process group of
# their own (set -m), so a signal to make's group never reaches the worker's pool
# processes directly: one killed that way while it holds the pool's queue lock leaves
# the worker waiting for that lock forever at exit. `stop` asks the worker for a warm
# shutdown, and after STOP_GRACE seconds stops it cold (SIGQUIT, then SIGKILL), so make
# run always ends. The server and worker run in the background and the shell waits in
# short sleeps, because bash runs a trap only once a foreground command has finished.
run: install
	@mkdir -p .run
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --noinput
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py seed_demo
	@echo
	@echo "perfapp is starting on http://$(HOST):$(PORT)/ (demo logins are printed above; Ctrl-C stops everything)"
	@echo
	@export DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS); \
	set -m; \
	$(VENV)/bin/celery -A perfapp worker --beat -l info --concurrency 2 & celery_pid=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT) & web_pid=$$!; \
	set +m; \
	stop() { \
		trap '' INT TERM HUP; trap - EXIT; \
		kill -TERM -- -$$web_pid 2>/dev/null; \
		kill -TERM $$celery_pid 2>/dev/null; \
		waited=0; \
		while kill -0 $$celery_pid 2>/dev/null && [ $$waited -lt $(STOP_GRACE) ]; do \
			sleep 1; waited=$$((waited + 1)); \
		done; \
		if kill -0 $$celery_pid 2>/dev/null; then \
			echo "The Celery worker did not stop within $(STOP_GRACE) s; stopping it now." >&2; \
			kill -QUIT -- -$$celery_pid 2>/dev/null; sleep 2; kill -KILL -- -$$celery_pid 2>/dev/null; \
		fi; \
		wait 2>/dev/null; \
	}; \
	trap stop INT TERM HUP EXIT; \
	while kill -0 $$web_pid 2>/dev/null && kill -0 $$celery_pid 2>/dev/null; do \
		sleep 1 & wait $$!; \
	done

# test: the test suite, always on Postgres (two xdist workers).
test: install
	@url="$${DATABASE_URL:-$(DEFAULT_TEST_DATABASE_URL)}"; \
	PG_CHECK_URL="$$url" $(PY) -c 'import os, environ, psycopg2; c = environ.Env.db_url_config(os.environ["PG_CHECK_URL"]); psycopg2.connect(dbname="postgres", user=c.get("USER") or None, password=c.get("PASSWORD") or None, host=c.get("HOST") or None, port=c.get("PORT") or None, connect_timeout=3).close()' >/dev/null 2>&1 || { \
		echo "make test needs Postgres at $$url; start one (e.g. pg_ctlcluster <version> main start, or docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16) or set DATABASE_URL." >&2; \
		exit 1; \
	}
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(VENV)/bin/pytest -n 2 -p no:cacheprovider $(ARGS)

# migrations: every migration applied in order to an empty Postgres database
# ($(MIGRATIONS_DATABASE), dropped first). The test suite builds its databases straight
# from the models, which is much faster; this is where the migrations themselves run. CI
# runs it.
MIGRATIONS_DATABASE ?= perfapp_migrations
migrations: install
	@url=$$(BASE_URL="$${DATABASE_URL:-$(DEFAULT_TEST_DATABASE_URL)}" NAME="$(MIGRATIONS_DATABASE)" $(PY) -c 'import os, environ, psycopg2; c = environ.Env.db_url_config(os.environ["BASE_URL"]); conn = psycopg2.connect(dbname="postgres", user=c.get("USER") or None, password=c.get("PASSWORD") or None, host=c.get("HOST") or None, port=c.get("PORT") or None); conn.autocommit = True; cur = conn.cursor(); cur.execute("DROP DATABASE IF EXISTS " + os.environ["NAME"]); cur.execute("CREATE DATABASE " + os.environ["NAME"]); print(os.environ["BASE_URL"].rsplit("/", 1)[0] + "/" + os.environ["NAME"])') && \
	DATABASE_URL="$$url" DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(PY) manage.py migrate --noinput -v 1 | tail -n 3

# lint: report style and lint problems without changing files (what CI runs), check the
# import boundaries between the core and the apps ([tool.importlinter] in pyproject.toml),
# and type-check the services and selectors ([tool.mypy]: mypy with django-stubs, whose
# plugin loads the settings that [tool.django-stubs] names; no database is needed).
lint: install
	$(RUFF) check .
	$(RUFF) format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy --config-file pyproject.toml

# format: fix what ruff can fix, then format; fails if unfixable lint problems remain.
format: install
	@$(RUFF) check --fix .; status=$$?; $(RUFF) format . && exit $$status

# check: no model change lacks a migration, and Django's system checks pass.
check: install
	@mkdir -p .run
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py check

# docs: the documentation site (mkdocs.yml, docs/) into site/, which git ignores. --strict
# turns every warning (a broken link or anchor, a page left out of the navigation) into a
# failure, so CI catches them.
docs: install
	$(VENV)/bin/mkdocs build --strict --quiet

# bench: the benchmarks (BENCHMARKS.md). Three steps, each on databases of its own that it
# empties: the reminder fan-out (BENCH_FANOUT_DATABASE_URL, default perfapp_bench_fanout),
# the seed of 100,000 people (BENCH_DATABASE_URL, default perfapp_bench), then the pages of
# the 20,000-person organization under load, their query plans and memory. Redis:
# BENCH_REDIS_URL (default DB 14), flushed. Figures and the table: bench/results/latest.md.
BENCH_FANOUT_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/perfapp_bench_fanout
# Per-person volumes of every organization but the largest (which always gets all of it).
BENCH_SMALL_VOLUME ?= 0.25
FANOUT_ARGS ?=

bench: install wrk
	DJANGO_SETTINGS_MODULE=$(BENCH_SETTINGS) BENCH_DATABASE_URL=$(BENCH_FANOUT_DATABASE_URL) \
		$(PY) manage.py bench_fanout $(FANOUT_ARGS)
	DJANGO_SETTINGS_MODULE=$(BENCH_SETTINGS) $(PY) manage.py seed_scale \
		--small-volume $(BENCH_SMALL_VOLUME)
	DJANGO_SETTINGS_MODULE=$(BENCH_SETTINGS) $(PY) manage.py bench_web $(BENCH_ARGS)

# bench-quick: the same harness at a small size: 5,000 reminders; 5,000 people (largest
# organization 1,000); 2-second runs.
bench-quick: install wrk
	DJANGO_SETTINGS_MODULE=$(BENCH_SETTINGS) BENCH_DATABASE_URL=$(BENCH_FANOUT_DATABASE_URL) \
		$(PY) manage.py bench_fanout --organizations 50 --members 100 --baseline 1000 \
		--baseline-seconds 20 --name fanout-quick $(FANOUT_ARGS)
	DJANGO_SETTINGS_MODULE=$(BENCH_SETTINGS) $(PY) manage.py seed_scale --scale 0.05 \
		--name seed-quick
	DJANGO_SETTINGS_MODULE=$(BENCH_SETTINGS) $(PY) manage.py bench_web --seconds 2 \
		--name web-quick --fanout fanout-quick $(BENCH_ARGS)

# wrk (internal): the load generator, from Debian's packages, installed when missing.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		echo "Installing wrk (Debian package) ..."; \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq wrk; \
	}

# clean: remove runtime files (.run/: SQLite database, broker folders, beat schedule,
# collected static files). The virtualenv stays; delete .venv by hand to rebuild it.
clean:
	rm -rf .run
