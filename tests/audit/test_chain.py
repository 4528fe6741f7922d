"""The hash chain and ``manage.py audit_verify``, on SQLite (chain computed by the model)
and on PostgreSQL (computed by the insert trigger).

The tampering here is what someone could do who bypasses the application and, on
PostgreSQL, owns the table (the owner role: it may switch the triggers off). The chain
cannot stop them; ``audit_verify`` must name the first row they touched.
"""

import datetime
import io
from contextlib import contextmanager

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import chain, events
from audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db

TABLE = "allocation_auditevent"  # the model's constant, not input


def _record(jugendamt_id, n):
    return events.record(
        actor=None,
        action="round_opened",
        jugendamt_id=jugendamt_id,
        object_type="surveys.surveyround",
        object_repr=f"Erhebung {2020 + n}",
        old={"state": "vorbereitet"},
        new={"state": "offen"},
    )


@pytest.fixture
def trail(world):
    """Six more events in the Jugendamt's chain, two in the global chain."""
    mine = [_record(world.jugendamt.pk, n) for n in range(6)]
    global_ = [_record(None, n) for n in range(2)]
    return mine, global_


def _chain(jugendamt_id):
    return list(AuditEvent.objects.filter(jugendamt_id=jugendamt_id).order_by("chain_seq"))


@contextmanager
def owner_sql():
    """A cursor of the owner role with the table's guards switched off (PostgreSQL: the
    owner may disable its triggers; SQLite has none)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Pending foreign-key checks of this test's inserts would block ALTER TABLE.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER USER")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER USER")


def _rehash(cursor, pk):
    """Give row ``pk`` the check value of its present content, as a careful forger would."""
    if connection.vendor == "postgresql":
        cursor.execute(
            f"UPDATE {TABLE} SET hash = {chain.PG_HASH_CALL} WHERE id = %s",  # noqa: S608
            [pk],
        )
        return
    e = AuditEvent.objects.get(pk=pk)
    value = chain.event_hash(
        jugendamt_id=e.jugendamt_id,
        chain_seq=e.chain_seq,
        at=e.at,
        actor_id=e.actor_id,
        action=e.action,
        object_type=e.object_type,
        object_id=e.object_id,
        object_repr=e.object_repr,
        old=e.old,
        new=e.new,
        reason=e.reason,
        prev_hash=e.prev_hash,
    )
    cursor.execute(f"UPDATE {TABLE} SET hash = %s WHERE id = %s", [value, pk])  # noqa: S608


def _verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def test_each_jugendamt_and_the_global_trail_form_one_numbered_linked_chain(trail, world):
    for jugendamt_id in (world.jugendamt.pk, None):
        rows = _chain(jugendamt_id)
        assert [e.chain_seq for e in rows] == list(range(1, len(rows) + 1))
        assert rows[0].prev_hash == chain.GENESIS
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.prev_hash == before.hash and len(after.hash) == 64
            assert after.at >= before.at
    assert len(_chain(None)) == 2


def test_the_time_of_an_event_is_the_databases_and_known_after_saving(world):
    before = datetime.datetime.now(datetime.UTC)
    event = _record(world.jugendamt.pk, 1)
    assert isinstance(event.at, datetime.datetime)
    assert before - datetime.timedelta(seconds=5) <= event.at
    assert event.at <= datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=5)
    assert event.chain_seq >= 1 and len(event.hash) == 64
    event.refresh_from_db()
    assert event.hash == AuditEvent.objects.get(pk=event.pk).hash


def test_an_event_that_brings_its_own_time_is_refused(world):
    backdated = datetime.datetime(2021, 3, 1, 9, tzinfo=datetime.UTC)
    count = AuditEvent.objects.count()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.create(at=backdated, action="plan.approve", object_repr="Nord")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(at=backdated, action="plan.approve")])
    if connection.vendor == "postgresql":
        # Past the model: the insert trigger refuses it too.
        with (
            pytest.raises(DatabaseError, match="set by the database"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                f"INSERT INTO {TABLE} (at, action, object_type, object_id, object_repr, "  # noqa: S608
                "reason) VALUES (%s, 'plan.approve', '', '', 'Nord', '')",
                [backdated],
            )
    assert AuditEvent.objects.count() == count


def test_audit_verify_passes_an_intact_trail_and_prints_each_chain_head(trail, world):
    ok, out, err = _verify()
    assert ok, err
    head = _chain(world.jugendamt.pk)[-1]
    assert f"Nr. {head.chain_seq}, Prüfwert {head.hash}" in out
    assert "Globale Kette (ohne Jugendamt): 2 Einträge, unversehrt" in out
    assert world.jugendamt.name in out


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("new", '{"state": "geschlossen"}'),
        ("old", '{"state": "offen"}'),
        ("reason", "nachträglich"),
        ("at", datetime.datetime(2021, 3, 1, 9, tzinfo=datetime.UTC)),
    ],
)
def test_audit_verify_names_the_row_the_owner_altered(trail, world, column, value):
    victim = trail[0][2]
    with owner_sql() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET {column} = %s WHERE id = %s", [value, victim.pk])  # noqa: S608
    ok, out, err = _verify()
    assert not ok
    assert f"Eintrag #{victim.pk} (Nr. {victim.chain_seq}) wurde verändert" in err
    assert world.jugendamt.name in err
    assert "Globale Kette (ohne Jugendamt): 2 Einträge, unversehrt" in out
    assert "1 von 2 Ketten gebrochen" in err


def test_audit_verify_names_a_row_altered_and_given_a_new_check_value(trail, world):
    victim = trail[0][2]
    with owner_sql() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = 'anders' WHERE id = %s", [victim.pk])  # noqa: S608
        _rehash(cursor, victim.pk)
    ok, _out, err = _verify()
    assert not ok
    assert (
        f"Eintrag #{victim.pk} (Nr. {victim.chain_seq}) wurde verändert und mit neuem "
        f"Prüfwert versehen: sein Nachfolger #{trail[0][3].pk}"
    ) in err


def test_audit_verify_names_a_removed_row(trail):
    victim, successor = trail[0][2], trail[0][3]
    with owner_sql() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [victim.pk])  # noqa: S608
    ok, _out, err = _verify()
    assert not ok
    assert (
        f"Vor Eintrag #{successor.pk} (Nr. {successor.chain_seq}) fehlen "
        f"Nr. {victim.chain_seq}: gelöscht"
    ) in err


def test_audit_verify_names_a_backdated_row_the_owner_appended(trail, world):
    head = _chain(world.jugendamt.pk)[-1]
    with owner_sql() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (jugendamt_id, chain_seq, prev_hash, hash, at, action, "  # noqa: S608
            "object_type, object_id, object_repr, reason) VALUES (%s, %s, %s, '', %s, "
            "'plan.approve', 'allocation.allocationplan', '1', 'Nord 2021', '')",
            [
                head.jugendamt_id,
                head.chain_seq + 1,
                head.hash,
                datetime.datetime(2021, 3, 1, 9, tzinfo=datetime.UTC),
            ],
        )
        forged = AuditEvent.objects.get(action="plan.approve", object_repr="Nord 2021")
        _rehash(cursor, forged.pk)
    ok, _out, err = _verify()
    assert not ok
    assert f"Eintrag #{forged.pk} (Nr. {head.chain_seq + 1}) wurde nachträglich eingefügt" in err


def test_audit_verify_names_a_row_slipped_into_the_middle(trail, world):
    """The forger renumbers the tail to make room and gives the forged row a valid check
    value linked to its predecessor: the next original row still points past it."""
    before, after = trail[0][1], trail[0][2]
    with owner_sql() as cursor:
        # Renumber from the end so the unique number per chain holds at every step.
        for e in reversed(_chain(world.jugendamt.pk)):
            if e.chain_seq > before.chain_seq:
                cursor.execute(
                    f"UPDATE {TABLE} SET chain_seq = chain_seq + 1 WHERE id = %s",  # noqa: S608
                    [e.pk],
                )
        cursor.execute(
            f"INSERT INTO {TABLE} (jugendamt_id, chain_seq, prev_hash, hash, at, action, "  # noqa: S608
            "object_type, object_id, object_repr, reason) VALUES (%s, %s, %s, '', %s, "
            "'plan.approve', 'allocation.allocationplan', '1', 'Nord 2021', '')",
            [before.jugendamt_id, before.chain_seq + 1, before.hash, before.at],
        )
        forged = AuditEvent.objects.get(action="plan.approve", object_repr="Nord 2021")
        _rehash(cursor, forged.pk)
    ok, _out, err = _verify()
    assert not ok
    assert f"Eintrag #{forged.pk} (Nr. {before.chain_seq + 1}) wurde nachträglich eingefügt" in err
    assert f"Nachfolger #{after.pk}" in err
