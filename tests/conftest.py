"""Shared fixtures: demo data, users per role, the real Celery worker and the browser.

Tests marked ``services`` need PostgreSQL, Redis and a real Celery worker. On the
embedded settings (SQLite, eager Celery) they are skipped with a reason; with
``SRB_REQUIRE_SERVICES=1`` (set by ``.ci/run``) a missing service fails instead.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from sozialraeume import roles

REPO = Path(__file__).resolve().parent.parent
REQUIRE_SERVICES = os.environ.get("SRB_REQUIRE_SERVICES") == "1"
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(autouse=True)
def _german_after_each_test():
    """Each test starts in German: a request with Accept-Language (or a test's activate)
    leaves its language active in the thread, and numbers in messages now follow the
    active language (issue 14), so a leaked English would change the next test's text."""
    from django.utils import translation  # noqa: PLC0415 - Django is set up by now

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _services_available() -> tuple[bool, str]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return False, "braucht PostgreSQL (DATABASE_URL) – läuft mit .ci/run"
    if not settings.CELERY_BROKER_URL:
        return (
            False,
            "braucht Redis und einen Celery-Worker (CELERY_BROKER_URL) – läuft mit .ci/run",
        )
    return True, ""


def pytest_collection_modifyitems(config, items):
    ok, reason = _services_available()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    for item in items:
        if "services" in item.keywords and not ok:
            if REQUIRE_SERVICES:
                item.add_marker(pytest.mark.xfail(reason=reason, run=False, strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason=reason))
        if "browser" in item.keywords and not chromium and not REQUIRE_SERVICES:
            item.add_marker(
                pytest.mark.skip(reason="braucht Debians Chromium (apt install chromium)")
            )


@pytest.fixture
def demo(db):
    """The full demo data set, as `make demo` loads it."""
    from sozialraeume.management.commands.seed_demo import seed_all
    from sozialraeume.models import Jugendamt

    seed_all()

    return Jugendamt.objects.get(slug="bad-kreuznach")


@pytest.fixture
def role_users(demo):
    from sozialraeume.models import User

    return {u.username: u for u in User.objects.all()}


class WorkerProcess:
    """A real `celery worker` process on the test database; can be stopped and restarted.

    ``start(app=...)`` runs another Celery app module instead of the project's (e.g.
    ``tests.indices.holding_worker``, whose runs pause before storing their values)."""

    def __init__(self):
        self.proc = None
        self.app = "srb_project"

    def env(self):
        db = settings.DATABASES["default"]
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        env = dict(os.environ)
        env.update(
            DATABASE_URL=url,
            DJANGO_SETTINGS_MODULE="srb_project.settings.test",
            CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        )
        return env

    def start(self, app="srb_project"):
        if self.proc and self.proc.poll() is None:
            if app == self.app:
                return
            self.stop()
        self.app = app
        ARTIFACTS.mkdir(exist_ok=True)
        log = open(ARTIFACTS / "celery-worker.log", "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                app,
                "worker",
                "-P",
                "solo",
                "-c",
                "1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "INFO",
            ],
            cwd=REPO,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        from srb_project.celery import app

        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if app.control.ping(timeout=1.0):
                    return
            except Exception:  # noqa: BLE001, S112 - broker not ready yet
                pass
            if self.proc.poll() is not None:
                raise RuntimeError("Celery worker exited; see test-artifacts/celery-worker.log")
        raise RuntimeError("Celery worker did not answer within 60 s")

    def stop(self, kill=False):
        if not self.proc or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    ok, reason = _services_available()
    if not ok:
        pytest.skip(reason)
    from srb_project.celery import app

    app.control.purge()
    worker = WorkerProcess()
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def worker(celery_worker_process, settings):
    """A running real worker for one test; tasks go through Redis, not eagerly."""
    from srb_project.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    celery_worker_process.start()
    yield celery_worker_process
    app.conf.task_always_eager = True
    celery_worker_process.start()


def wait_for(predicate, timeout=60.0, interval=0.2):
    """Poll until ``predicate()`` is truthy; return its value or fail with a clear message."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


@pytest.fixture(scope="session")
def browser():
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if not executable:
        pytest.fail("Chromium fehlt: apt-get install chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def login(page, live_server, username, password="demo"):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


ROLE_NAMES = roles.ALL_ROLES
