# The two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run serve test lint format check install clean web-tools check-web messages catalogue

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

# Compiled translations, from the .po files in the repository. Babel compiles
# them, so a machine without gettext's msgfmt builds them too.
MESSAGES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

messages: $(MESSAGES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.installed
	$(BIN)/pybabel -q compile -i $< -o $@

# After changing an interface string: the strings found again (the code's
# and the admin's by Django's makemessages, the public pages' Jinja2
# templates' by Babel) and merged into each catalogue, translations kept,
# strings no longer used dropped. Needs gettext's tools (msgcat, msgmerge).
CATALOGUES := $(wildcard locale/*/LC_MESSAGES/django.po)

catalogue: install
	for po in $(CATALOGUES); do cp $$po $$po.old; done
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --all --keep-pot --no-location \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=templates/jinja2
	$(BIN)/pybabel -q extract -F pyproject.toml --no-location -o locale/pages.pot .
	msgcat --use-first locale/django.pot locale/pages.pot -o locale/all.pot
	for po in $(CATALOGUES); do \
		msgmerge -q --previous --no-location $$po.old locale/all.pot \
			| msgattrib --no-obsolete -o $$po && rm $$po.old; done
	rm locale/*.pot

run: install messages
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production serving: gunicorn (its settings in gunicorn.conf.py), settings
# from the environment (DATABASE_URL, REDIS_URL, DJANGO_SECRET_KEY,
# DJANGO_ALLOWED_HOSTS...), debug off.
serve: install messages
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 $(BIN)/gunicorn embassy.wsgi --bind 127.0.0.1:$(PORT) \
		--config gunicorn.conf.py

# Tests run with debug off, as production does; the key is for tests only.
test: install messages
	DJANGO_SECRET_KEY=test-only-not-secret $(BIN)/python -m pytest -m "not web" $(PYTEST_ARGS)

# The real clients the web checks drive: Debian's Chromium (Playwright must
# never download its own) and axe-core from package-lock.json. Java, for the
# Nu HTML checker, must be on the machine.
web-tools:
	test -x /usr/bin/chromium || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; }
	npm ci --no-audit --no-fund

check-web: install messages web-tools
	DJANGO_SECRET_KEY=test-only-not-secret $(BIN)/python -m pytest -m web $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles $(MESSAGES)
