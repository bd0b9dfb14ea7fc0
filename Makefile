# Two commands do all set-up on a fresh machine (see README):
#   make run   — install, migrate SQLite, load demo data, serve on http://127.0.0.1:8000
#   make test  — install, run the whole suite (DATABASE_URL picks the database)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format bench messages check-deploy

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Kinerja: http://$(HOST):$(PORT)/  (Celery tasks run in-process; no Redis needed)"
	$(PY) manage.py runserver $(HOST):$(PORT)

PYTEST_ARGS ?= -n auto
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: install
	$(PY) manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles
	$(PY) manage.py compilemessages --ignore=.venv

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(python3 -c 'import secrets;print(secrets.token_urlsafe(64))') \
		$(PY) manage.py check --deploy --fail-level WARNING

bench: install
	$(PY) -m bench
