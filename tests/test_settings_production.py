"""The production settings fail fast and answer docker-compose's health check (issue 13,
finding 8). Each case runs the production settings in a subprocess, with the environment
docker-compose sets, so nothing of the test settings leaks in."""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
COMPOSE = REPO / "docker-compose.yml"
# What the settings read from the environment; the parent's values (CI's DATABASE_URL,
# the test settings module) must not reach the child.
SETTINGS_VARIABLES = re.compile(r"^(DJANGO_|DATABASE_URL|CELERY_|EMAIL_URL|CACHE_URL|SRB_|AXES_)")


def production_env(tmp_path, **overrides) -> dict:
    """docker-compose's environment for the app containers, on loopback stand-ins.

    Nothing here is contacted by ``check`` or ``/healthz/`` except the database (a SQLite
    file: the health check only asks ``SELECT 1``)."""
    env = {k: v for k, v in os.environ.items() if not SETTINGS_VARIABLES.match(k)}
    env.update(
        DJANGO_SETTINGS_MODULE="srb_project.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="sozialraumbudget.example",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        CACHE_URL="locmemcache://",
        EMAIL_URL="smtp+tls://srb:geheim@mail.example:587",
        PYTHONPATH=str(REPO),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env, *args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CELERY_BROKER_URL", "EMAIL_URL"])
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_production_refuses_to_start_without_a_service_url(tmp_path, variable, how):
    env = production_env(tmp_path, **{variable: None if how == "unset" else ""})
    result = manage(env, "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"Production settings need {variable}" in result.stderr


def test_production_names_every_missing_service_at_once(tmp_path):
    env = production_env(tmp_path, DATABASE_URL=None, CELERY_BROKER_URL=None, EMAIL_URL=None)
    result = manage(env, "check")
    assert result.returncode != 0
    assert "DATABASE_URL, CELERY_BROKER_URL, EMAIL_URL" in result.stderr


def test_production_with_all_services_passes_the_deploy_check(tmp_path):
    """What ``make check-deploy`` runs."""
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr


def test_production_uses_the_configured_services_not_the_fallbacks(tmp_path):
    script = (
        "import django, json; django.setup(); from django.conf import settings as s;"
        "print(json.dumps([s.DATABASES['default']['NAME'], s.CELERY_BROKER_URL,"
        " s.CELERY_TASK_ALWAYS_EAGER, s.POST_OFFICE['BACKENDS']['default'], s.EMAIL_HOST,"
        " s.EMAIL_BACKEND]))"
    )
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    name, broker, eager, transport, host, backend = json.loads(result.stdout)
    assert name == str(tmp_path / "prod.sqlite3")
    assert broker == "redis://127.0.0.1:6379/0" and eager is False
    assert transport == "django.core.mail.backends.smtp.EmailBackend"
    assert host == "mail.example"
    assert backend == "post_office.EmailBackend"  # every mail goes through the outbox


# --- /healthz/ -------------------------------------------------------------------------

CLIENT_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client()
answers = {}
for name, path, host, extra in [
    # the compose check: urllib, plain HTTP, Host 127.0.0.1:8000
    ("compose", "/healthz/", "127.0.0.1:8000", {"HTTP_USER_AGENT": "Python-urllib/3.11"}),
    ("localhost", "/healthz/", "localhost:8000", {}),
    ("site_http", "/healthz/", "sozialraumbudget.example", {}),
    ("other_page_loopback", "/accounts/login/", "127.0.0.1:8000", {}),
    ("site_page_http", "/accounts/login/", "sozialraumbudget.example", {}),
    ("foreign_host", "/healthz/", "evil.example", {}),
    ("foreign_host_page", "/accounts/login/", "evil.example", {}),
]:
    response = client.get(path, HTTP_HOST=host, **extra)
    answers[name] = [response.status_code, response.get("Location", ""),
                     response.content.decode(errors="replace")[:200]]
print(json.dumps(answers))
"""


def test_healthz_answers_the_compose_check_with_production_settings(tmp_path):
    env = production_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", CLIENT_SCRIPT],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    assert answers["compose"][0] == 200
    assert json.loads(answers["compose"][2]) == {"status": "ok"}
    assert answers["localhost"][0] == 200
    # under the site's own name /healthz/ is exempt from the HTTPS redirect ...
    assert answers["site_http"][0] == 200
    # ... and everything else still goes to HTTPS; loopback opens no other page
    assert answers["site_page_http"][0] == 301
    assert answers["site_page_http"][1] == "https://sozialraumbudget.example/accounts/login/"
    assert answers["other_page_loopback"][0] == 400
    assert answers["foreign_host"][0] == 400
    assert answers["foreign_host_page"][0] == 400


def _compose_check_code() -> str:
    """The Python code of the web service's health check in docker-compose.yml."""
    text = COMPOSE.read_text()
    match = re.search(r'"(import urllib\.request[^"]*)"', text)
    assert match, "docker-compose.yml: web health check not found"
    return match.group(1)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_compose_health_check_passes_against_gunicorn_with_production_settings(tmp_path):
    code = _compose_check_code()
    assert "http://127.0.0.1:8000/healthz/" in code
    port = _free_port()
    env = production_env(tmp_path)
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "srb_project.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.time() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    pytest.fail((tmp_path / "gunicorn.log").read_text())
                time.sleep(0.2)
        # exactly the compose check's request: Host 127.0.0.1:8000, plain HTTP
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "GET",
            "/healthz/",
            headers={"Host": "127.0.0.1:8000", "User-Agent": "Python-urllib/3.11"},
        )
        response = connection.getresponse()
        assert response.status == 200, response.read()
        assert json.loads(response.read()) == {"status": "ok"}
        connection.close()
        # and the compose command itself, pointed at this port
        check = subprocess.run(
            [sys.executable, "-c", code.replace("127.0.0.1:8000", f"127.0.0.1:{port}")],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert check.returncode == 0, check.stderr
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
