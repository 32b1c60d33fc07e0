# The two commands of the README: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PYTHON ?= python3
# The local PostgreSQL server's maintenance database; test-pg creates and drops its own database there.
TEST_POSTGRES ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: install run serve test test-pg test-all lint security format lock translations audit

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The pinned lock first, then the project itself (editable: templates and static files stay in the checkout).
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --editable .
	touch $@

install: $(VENV)/.installed

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(FLASK) search ensure
	$(FLASK) run --host 127.0.0.1 --port 5000

# Production: gunicorn as configured in deploy/gunicorn.conf.py, behind nginx (deploy/nginx/entraide.conf).
serve: install
	$(FLASK) db upgrade
	$(FLASK) search ensure
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app

test: install
	$(BIN)/pytest

test-pg: install
	ENTRAIDE_TEST_POSTGRES=$(TEST_POSTGRES) $(BIN)/pytest

test-all: test test-pg

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Static checks: bandit on the application (a medium or high finding fails; each one judged harmless
# carries `# nosec <test>` with the reason on the line above), and the pinned packages' known
# vulnerabilities (pip-audit, skipped with a message where its database cannot be reached).
security: install
	$(BIN)/bandit --quiet --recursive app --severity-level medium
	$(BIN)/python .ci/audit_packages.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Pin every package again from pyproject.toml's ranges, keeping the pins that still fit.
lock: install
	$(BIN)/pip install --quiet --disable-pip-version-check pip-tools==7.5.1
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra test --strip-extras \
		--no-emit-find-links --no-emit-index-url --output-file requirements.txt pyproject.toml

# Re-extract the interface's strings after changing templates or code, then translate in app/translations.
translations: install
	$(BIN)/pybabel extract --no-wrap -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update --no-wrap --no-fuzzy-matching -i app/translations/messages.pot -d app/translations
	$(BIN)/pybabel compile -d app/translations

# The page-quality audit (audit/run.py): valid HTML, accessibility, no-JavaScript, phone width and
# Lighthouse on a seeded demo served by gunicorn; reports in audit/reports/. It needs Java and
# /usr/bin/chromium. The tools are pinned in audit/package-lock.json; --ignore-scripts skips
# vnu-jar's postinstall, which would download a Java runtime from outside the npm registry.
AUDIT_TOOLS := audit/node_modules/.package-lock.json

$(AUDIT_TOOLS): audit/package.json audit/package-lock.json
	cd audit && npm ci --ignore-scripts --no-audit --no-fund
	touch $@

audit: install $(AUDIT_TOOLS)
	$(BIN)/python -m audit.run
