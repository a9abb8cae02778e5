# RiskDesk: `make run` to try it, `make test` to check it. See README.md.
SHELL := bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# Development server defaults: no service needed (SQLite and the filesystem broker in var/).
DEV_ENV := DEBUG=$${DEBUG:-true}
# The suite runs with production-like settings (DEBUG=false) on plain HTTP; nobody is asked
# for a second factor but where a test says so (tests/riskdesk/test_two_factor.py).
TEST_ENV := DEBUG=false SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-not-for-production} \
	ALLOWED_HOSTS=testserver,localhost,127.0.0.1 HTTPS=false STATIC_MANIFEST=false \
	EMAIL_BACKEND=locmem REQUIRE_TWO_FACTOR=

.PHONY: run test install lint check messages bench clean backup restore

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "RiskDesk needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# The broker's folders exist before seed_demo, which queues the e-mails of the demo's notices.
run: install
	@mkdir -p var/celery/queue var/celery/processed
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py seed_demo
	$(DEV_ENV) bin/run-dev

# The browser journeys in tests/e2e run when /usr/bin/chromium is present; without it they
# are skipped and the run ends with a "BROWSER JOURNEYS NOT RUN" line saying why.
# The single sign-on tests start a real OpenID provider (tests/oidc/provider.mjs, Node's
# oidc-provider): its packages come from the npm registry when npm is here; without it
# those tests are skipped and the run ends with a "SINGLE SIGN-ON TESTS NOT RUN" line.
OIDC_PROVIDER := tests/oidc/node_modules/.package-lock.json

$(OIDC_PROVIDER): tests/oidc/package-lock.json
	@if command -v npm >/dev/null; then cd tests/oidc && npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the single sign-on tests will be skipped" >&2; fi

test: install
	@mkdir -p var/static
	@$(MAKE) --no-print-directory $(OIDC_PROVIDER) || true
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

check: install
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

# Update the Chinese catalogue after adding strings (needs GNU gettext), then translate
# locale/zh_Hans/LC_MESSAGES/django.po and run this again to compile it.
messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l zh_Hans --no-obsolete --no-location \
		--ignore='.venv/*' --ignore='var/*'
	$(DEV_ENV) $(PY) manage.py compilemessages -l zh_Hans --ignore='.venv/*'

# The database (pg_dump) and the uploaded files in one archive under var/backups/;
# restore one into an empty database with `make restore FILE=...` (FORCE=1 to replace).
backup: install
	$(DEV_ENV) $(PY) manage.py backup

restore: install
	@test -n "$(FILE)" || { echo "Say which backup to restore: make restore FILE=var/backups/riskdesk-....tar.gz" >&2; exit 1; }
	$(DEV_ENV) $(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

# The benchmark (not part of `make test`): creates and seeds its own PostgreSQL database
# (riskdesk_bench unless BENCH_DATABASE_URL says otherwise), times the pages, the export,
# the import and the sweep, then puts gunicorn under load. See README.md, "Benchmark".
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/riskdesk_bench
BENCH_ARGS ?=
bench: install
	@mkdir -p var/bench
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench.run $(BENCH_ARGS)

clean:
	rm -rf var/static var/celery var/celerybeat-schedule*
