"""The demo runs the way the product looks (issue 14): `make demo`'s settings show the
project's own error pages, serve the static files and answer /favicon.ico.

One test starts the real development server (``manage.py runserver --noreload`` with
``srb_project.settings.local``) on a free loopback port, as ``make demo`` does, and asks it
over HTTP; the others use the test client.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _local_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SRB_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="srb_project.settings.local",
        # an empty database of its own: the pages asked here read nothing from it
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        CELERY_BROKER_URL="",
        PYTHONUNBUFFERED="1",
    )
    return env


def _get(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def test_local_settings_run_without_debug_unless_asked(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    env = _local_env(tmp_path)
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "False"
    env["DJANGO_DEBUG"] = "1"
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip() == "True"


def test_demo_server_shows_the_projects_404_serves_static_files_and_the_favicon(tmp_path):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=_local_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    output = server.stdout.read().decode() if server.poll() is not None else ""
                    pytest.fail(f"runserver did not start: {output}")
                time.sleep(0.2)

        status, content_type, body = _get(f"{base}/gibt-es-nicht/")
        page = body.decode()
        assert status == 404
        assert "Seite nicht gefunden" in page  # templates/404.html inside the layout
        assert "URLconf" not in page and "Using the URLconf" not in page  # no technical page
        assert "erhebung/" not in page  # no list of URL patterns

        status, content_type, body = _get(f"{base}/static/css/app.css")
        assert status == 200 and content_type.startswith("text/css") and body

        status, _, _ = _get(f"{base}/static/vendor/bootstrap/css/bootstrap.min.css")
        assert status == 200

        status, content_type, body = _get(f"{base}/favicon.ico")
        assert status == 200
        assert content_type == "image/x-icon"
        assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file

        status, content_type, body = _get(f"{base}/static/favicon.svg")
        assert status == 200 and content_type.startswith("image/svg+xml")
        assert 'href="/static/favicon.svg"' in page  # every page names its icon
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stdout.close()


@pytest.mark.django_db
def test_favicon_is_answered_at_the_root_and_linked_from_the_layout(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


@pytest.mark.django_db
def test_admin_pages_carry_the_favicon_too(client):
    html = client.get("/admin/login/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html


def test_make_demo_uses_the_local_settings_and_the_readme_names_the_debug_switch():
    makefile = (ROOT / "Makefile").read_text()
    demo = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    assert "manage.py runserver" in demo
    assert "DJANGO_SETTINGS_MODULE" not in demo  # manage.py's default: the local settings
    assert "DJANGO_DEBUG=1" in (ROOT / "README.md").read_text()


def test_the_demo_targets_commands_load_the_demo_with_the_local_settings(tmp_path):
    """`make demo` runs migrate and seed_demo with the local settings, where DEBUG is off:
    the demo data must still load there (and only there or with DEBUG)."""
    env = _local_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        run = subprocess.run(
            manage + command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240
        )
        assert run.returncode == 0, run.stderr[-2000:]
    assert "Demodaten sind geladen" in run.stdout
    check = "import django; django.setup(); from sozialraeume.models import User; " + (
        "print(User.objects.filter(username='kita-leitung').exists())"
    )
    run = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.stdout.strip() == "True"
