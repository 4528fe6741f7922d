# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-fast lint format check-deploy migrate lock bench clean

setup: $(STAMP)

$(STAMP): requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 wird benötigt ($(PYTHON) nicht gefunden)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

migrate: setup
	$(PY) manage.py migrate --noinput

demo: setup migrate
	$(PY) manage.py seed_demo
	@echo "Demo: http://127.0.0.1:8000  (Benutzer: kita-leitung, traeger, jugendamt, jugendamt-leitung, ausschuss, admin; Passwort: demo; Debug-Seiten: DJANGO_DEBUG=1 make demo)"
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The production settings need the three service URLs; stand-ins suffice for the check
# (nothing is contacted).
check-deploy: setup
	DJANGO_SETTINGS_MODULE=srb_project.settings.production \
	DJANGO_SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	DJANGO_ALLOWED_HOSTS=sozialraumbudget.example \
	DATABASE_URL=postgres://srb@127.0.0.1:5432/srb \
	CELERY_BROKER_URL=redis://127.0.0.1:6379/0 \
	EMAIL_URL=smtp+tls://srb:geheim@mail.example:587 \
	$(PY) manage.py check --deploy --fail-level WARNING

# Regenerate the pinned versions from pyproject.toml (needs the registry).
lock:
	rm -rf /tmp/srb-lock && $(PYTHON) -m venv /tmp/srb-lock
	/tmp/srb-lock/bin/pip install --quiet --upgrade pip
	/tmp/srb-lock/bin/pip install --quiet -e ".[dev]"
	/tmp/srb-lock/bin/pip freeze --exclude-editable > requirements.lock

bench: setup
	$(PY) bench/indices.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
