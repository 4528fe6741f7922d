"""On PostgreSQL the audit trail is protected by the database, not only by the application:
the role the application connects as (``SRB_DB_RUNTIME_ROLE``) owns nothing, is no
superuser and may only INSERT and SELECT on the audit table; the event time is the
database's. Every attack that issue 13 (finding 5) found succeeding fails here.

The tests run on the test database the suite created as the owner role; the attacks come
through separate connections as the runtime role (``runtime_connect``), so the rows must
be committed (``transaction=True``).
"""

# ruff: noqa: S608 - the SQL names only the model's table constant, never input

import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from audit import events
from audit.models import AuditEvent
from tests.audit.conftest import runtime_role

pytestmark = pytest.mark.django_db(transaction=True)

REPO = Path(__file__).resolve().parents[2]
TABLE = "allocation_auditevent"  # the model's constant, not input


@pytest.fixture
def trail(world):
    """A few committed events in the Jugendamt's chain and the global chain."""
    for n in range(3):
        events.record(
            actor=world.staff,
            action="round_opened",
            jugendamt_id=world.jugendamt.pk,
            object_type="surveys.surveyround",
            object_repr=f"Erhebung {2024 + n}",
            old={"state": "vorbereitet"},
            new={"state": "offen"},
        )
    events.record(
        actor=None, action="round_reminders_queued", object_type="x", object_repr="global"
    )
    return list(AuditEvent.objects.order_by("pk"))


def _head(jugendamt_id):
    return AuditEvent.objects.filter(jugendamt_id=jugendamt_id).order_by("-chain_seq").first()


def _snapshot():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, at, action, old, new, reason FROM {TABLE} ORDER BY id")  # noqa: S608
        return cursor.fetchall()


def test_the_runtime_role_is_no_superuser_owns_nothing_and_may_only_append_to_the_trail(
    runtime_connect,
):
    with runtime_connect() as conn:
        row = conn.execute(
            "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls FROM pg_roles "
            "WHERE rolname = current_user"
        ).fetchone()
        assert row == (False, False, False, False), f"{runtime_role()} hat Sonderrechte"
        owned = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()[0]
        assert owned == 0
        privileges = {
            p
            for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
            if conn.execute(
                "SELECT has_table_privilege(current_user, %s, %s)", [TABLE, p]
            ).fetchone()[0]
        }
        assert privileges == {"SELECT", "INSERT"}
        # ... while it reads and writes the product's other tables.
        for table in ("allocation_allocationplan", "sozialraeume_kita"):
            for p in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                assert conn.execute(
                    "SELECT has_table_privilege(current_user, %s, %s)", [table, p]
                ).fetchone()[0], (table, p)


ATTACKS = {
    "truncate": [f"TRUNCATE {TABLE}"],
    "truncate_cascade": [f"TRUNCATE {TABLE} CASCADE"],
    "disable_trigger": [
        f"ALTER TABLE {TABLE} DISABLE TRIGGER allocation_auditevent_no_change",
        f"DELETE FROM {TABLE}",
    ],
    "disable_all_triggers": [f"ALTER TABLE {TABLE} DISABLE TRIGGER ALL", f"DELETE FROM {TABLE}"],
    "drop_trigger": [
        f"DROP TRIGGER allocation_auditevent_no_change ON {TABLE}",
        f"DELETE FROM {TABLE}",
    ],
    "session_replication_role": [
        "SET session_replication_role = replica",
        f"DELETE FROM {TABLE}",
    ],
    "update": [f"UPDATE {TABLE} SET reason = 'nachträglich', old = NULL"],
    "delete": [f"DELETE FROM {TABLE}"],
    "backdated_insert": [
        f"INSERT INTO {TABLE} (at, action, object_type, object_id, object_repr, reason) "
        "VALUES ('2021-03-01 09:00+01', 'plan.approve', 'allocation.allocationplan', '1', "
        "'Nord 2021', 'gefälscht')"
    ],
    "replace_the_hash_function": [
        "CREATE OR REPLACE FUNCTION srb_audit_event_hash(bigint, bigint, timestamptz, bigint,"
        " text, text, text, text, jsonb, jsonb, text, text) RETURNS text LANGUAGE sql"
        " AS $$ SELECT 'x' $$"
    ],
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_the_runtime_role_cannot_change_remove_or_backdate_audit_events(
    attack, runtime_connect, trail
):
    before = _snapshot()
    with runtime_connect() as conn, pytest.raises(psycopg.Error), conn.transaction():
        for sql in ATTACKS[attack]:
            conn.execute(sql)
    assert _snapshot() == before
    assert AuditEvent.objects.count() == len(trail)


def test_a_supplied_chain_number_and_hash_are_replaced_by_the_database(runtime_connect, trail):
    head = _head(trail[-2].jugendamt_id)
    with runtime_connect() as conn, conn.transaction():
        row = conn.execute(
            f"INSERT INTO {TABLE} (jugendamt_id, chain_seq, prev_hash, hash, action, "  # noqa: S608
            "object_type, object_id, object_repr, reason) VALUES (%s, 1, '', 'forged', "
            "'round_reminders_queued', 'x', '', 'x', '') "
            "RETURNING chain_seq, prev_hash, hash, at",
            [head.jugendamt_id],
        ).fetchone()
    assert row[0] == head.chain_seq + 1
    assert row[1] == head.hash
    assert row[2] not in ("forged", "")
    assert row[3] >= head.at


def test_the_application_records_events_as_the_runtime_role(runtime_connect, runtime_env, trail):
    """The application itself (a process connected as the runtime role) records through
    ``audit.events.record``; the database numbers it after the chain's last event and
    gives it its time, which the instance knows after the save."""
    head = _head(trail[-2].jugendamt_id)
    script = (
        "import django; django.setup()\n"
        "from audit import events\n"
        f"e = events.record(actor=None, action='round_reminders_queued', jugendamt_id="
        f"{head.jugendamt_id}, object_type='surveys.surveyround', object_repr='Erhebung')\n"
        "print(e.pk, e.chain_seq, e.at.isoformat(), e.hash)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=runtime_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    pk, seq, at, digest = done.stdout.split()
    event = AuditEvent.objects.get(pk=int(pk))
    assert event.chain_seq == int(seq) == head.chain_seq + 1
    assert event.at.isoformat() == at and event.hash == digest
    assert event.prev_hash == head.hash and event.at >= head.at
    verify = subprocess.run(
        [sys.executable, "manage.py", "audit_verify", "--skip-checks"],
        cwd=REPO,
        env=runtime_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "unversehrt" in verify.stdout


def test_concurrent_writers_of_one_chain_take_turns(runtime_connect, trail):
    """The chain's lock is held until commit: the second writer waits and is numbered
    after the first, whatever ids the two transactions drew."""
    head = _head(trail[-2].jugendamt_id)
    jugendamt_id = head.jugendamt_id
    insert = (
        f"INSERT INTO {TABLE} (jugendamt_id, action, object_type, object_id, object_repr, "  # noqa: S608
        "reason) VALUES (%s, 'round_reminders_queued', 'x', '', %s, '') RETURNING id, chain_seq"
    )
    first = runtime_connect()
    second = runtime_connect(autocommit=True)
    result = {}
    with first.transaction():
        result["first"] = first.execute(insert, [jugendamt_id, "eins"]).fetchone()

        def write():
            result["second"] = second.execute(insert, [jugendamt_id, "zwei"]).fetchone()

        thread = threading.Thread(target=write)
        thread.start()
        thread.join(timeout=1.0)
        assert thread.is_alive(), "the second writer did not wait for the chain's lock"
    thread.join(timeout=10)
    assert result["first"][1] == head.chain_seq + 1
    assert result["second"][1] == head.chain_seq + 2
    second_event = AuditEvent.objects.get(pk=result["second"][0])
    assert second_event.prev_hash == AuditEvent.objects.get(pk=result["first"][0]).hash
