"""Fixtures of the audit tests: the allocation tests' small city and an empty plan for Nord;
connections as the application's runtime role on PostgreSQL."""

import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from allocation.services import plans as plan_services
from tests.allocation.factories import make_world


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def plan(world):
    return plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )


# --- the audit trail on PostgreSQL, as the application's runtime role ---------------------

REQUIRE_SERVICES = os.environ.get("SRB_REQUIRE_SERVICES") == "1"


def require_postgresql():
    """Skip off PostgreSQL; with ``SRB_REQUIRE_SERVICES=1`` (``.ci/run``) fail instead, so
    that CI cannot pass without the database guarantees having been tested."""
    if connection.vendor == "postgresql":
        return
    reason = "braucht PostgreSQL (DATABASE_URL) – läuft mit .ci/run"
    if REQUIRE_SERVICES:
        pytest.fail(f"SRB_REQUIRE_SERVICES=1, aber {reason}")
    pytest.skip(reason)


def runtime_role() -> str:
    """The role the application connects as in production: ``SRB_DB_RUNTIME_ROLE``, or,
    where none is configured, the role of the application's own connection."""
    return getattr(settings, "SRB_DB_RUNTIME_ROLE", "") or settings.DATABASES["default"]["USER"]


@pytest.fixture
def runtime_connect(django_db_blocker):
    """Open psycopg connections to the test database as the runtime role, after the
    owner (the suite's connection) has applied the grants there (``db_grant_runtime``).
    ``SRB_DB_RUNTIME_PASSWORD`` is its password where the server asks for one."""
    require_postgresql()
    import psycopg

    if getattr(settings, "SRB_DB_RUNTIME_ROLE", ""):
        with django_db_blocker.unblock():
            call_command("db_grant_runtime", stdout=io.StringIO())
    db = settings.DATABASES["default"]
    opened = []

    def connect(**kwargs):
        conn = psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            dbname=db["NAME"],
            user=runtime_role(),
            password=os.environ.get("SRB_DB_RUNTIME_PASSWORD", db.get("PASSWORD") or ""),
            **kwargs,
        )
        opened.append(conn)
        return conn

    yield connect
    for conn in opened:
        conn.close()


@pytest.fixture
def runtime_env():
    """The environment of a process of the application connected as the runtime role."""
    db = settings.DATABASES["default"]
    password = os.environ.get("SRB_DB_RUNTIME_PASSWORD", "")
    auth = f"{runtime_role()}:{password}" if password else runtime_role()
    env = dict(os.environ)
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    env.update(
        DATABASE_URL=f"postgres://{auth}@{host}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="srb_project.settings.test",
    )
    return env
