# INDIMAJ — two commands matter: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
UV_VERSION := 0.13.9
PY := $(VENV)/bin/python
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: help venv services services-stop migrate messages demo demo-stop stop test lint pytest otp

help:
	@echo "make demo   — install, start every service, migrate, create demo tenants and users, serve"
	@echo "make test   — start what is missing, run linters and the whole test suite"
	@echo "make stop   — stop the demo processes and the services"

# uv (pinned) lives in .tools/, outside the venv it manages; the venv follows uv.lock exactly.
$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet --python $(PYTHON)
	@touch $@

venv: $(VENV)/.synced

services: venv
	bash infra/services.sh start all

services-stop:
	bash infra/services.sh stop all

messages: venv
	$(PY) manage.py compilemessages --ignore=.venv --ignore=.tools -v 0

migrate: services messages
	$(PY) manage.py migrate_platform
	$(PY) manage.py referentiel charger

demo: migrate
	bash infra/demo.sh start

demo-stop:
	bash infra/demo.sh stop

stop: demo-stop services-stop

otp: venv  ## current one-time code of a demo account: make otp USER=amina.sante
	@$(PY) manage.py otp_code $(USER)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	INDIMAJ_SECRET_KEY=ci-check-$$RANDOM$$RANDOM$$RANDOM$$RANDOM-0123456789abcdefghijklmnopqrstuvwxyz \
	  INDIMAJ_ALLOWED_HOSTS=.indimaj.example DJANGO_SETTINGS_MODULE=config.settings.prod \
	  $(PY) manage.py check --deploy --fail-level WARNING

pytest: services messages
	bash infra/test.sh

test: services lint pytest
