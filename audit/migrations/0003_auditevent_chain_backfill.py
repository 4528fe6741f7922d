"""The existing audit events get their hash chain: per Jugendamt (and one global chain
for events without one), in the order they were written (time, then id).

On PostgreSQL the check value is computed by the SQL function ``srb_audit_event_hash``,
created here; the insert trigger (0004) and ``manage.py audit_verify`` use the same
function, so the canonical text is ``jsonb``'s and nothing re-implements it. On SQLite
``audit.chain.event_hash`` computes it in Python (the form is frozen).
The append-only trigger of allocation 0002 is switched off for the backfill only, inside
this migration's transaction.
"""

from django.db import migrations

HASH_FUNCTION = """
CREATE OR REPLACE FUNCTION {schema}.srb_audit_event_hash(
    p_jugendamt_id bigint, p_seq bigint, p_at timestamptz, p_actor_id bigint,
    p_action text, p_object_type text, p_object_id text, p_object_repr text,
    p_old jsonb, p_new jsonb, p_reason text, p_prev_hash text
) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(sha256(convert_to(jsonb_build_object(
        'jugendamt', p_jugendamt_id,
        'seq', p_seq,
        'at', to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        'actor', p_actor_id,
        'action', p_action,
        'object_type', p_object_type,
        'object_id', p_object_id,
        'object_repr', p_object_repr,
        'old', p_old,
        'new', p_new,
        'reason', p_reason,
        'prev', p_prev_hash
    )::text, 'UTF8')), 'hex')
$$;
"""
DROP_HASH_FUNCTION = """
DROP FUNCTION IF EXISTS {schema}.srb_audit_event_hash(
    bigint, bigint, timestamptz, bigint, text, text, text, text, jsonb, jsonb, text, text
);
"""
TABLE = "allocation_auditevent"
APPEND_ONLY_TRIGGER = "allocation_auditevent_no_change"


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.quote_name(cursor.fetchone()[0])


def _backfill_postgresql(schema_editor):
    schema = _schema(schema_editor)
    schema_editor.execute(HASH_FUNCTION.format(schema=schema), params=None)
    schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, jugendamt_id FROM {TABLE} "  # noqa: S608 - constant table name
            "ORDER BY COALESCE(jugendamt_id, 0), at, id"
        )
        rows = cursor.fetchall()
        heads: dict = {}
        for pk, jugendamt_id in rows:
            seq, prev = heads.get(jugendamt_id, (0, ""))
            cursor.execute(
                f"UPDATE {TABLE} SET chain_seq = %s, prev_hash = %s, "  # noqa: S608
                f"hash = {schema}.srb_audit_event_hash(jugendamt_id, %s, at, actor_id, "
                "action, object_type, object_id, object_repr, old, new, reason, %s) "
                "WHERE id = %s RETURNING hash",
                [seq + 1, prev, seq + 1, prev, pk],
            )
            heads[jugendamt_id] = (seq + 1, cursor.fetchone()[0])
    schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")


def _backfill_python(apps):
    from audit.chain import GENESIS, event_hash

    AuditEvent = apps.get_model("audit", "AuditEvent")
    heads: dict = {}
    for e in AuditEvent.objects.order_by("jugendamt_id", "at", "id").iterator():
        seq, prev = heads.get(e.jugendamt_id, (0, GENESIS))
        value = event_hash(
            jugendamt_id=e.jugendamt_id,
            chain_seq=seq + 1,
            at=e.at,
            actor_id=e.actor_id,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_repr=e.object_repr,
            old=e.old,
            new=e.new,
            reason=e.reason,
            prev_hash=prev,
        )
        AuditEvent.objects.filter(pk=e.pk).update(chain_seq=seq + 1, prev_hash=prev, hash=value)
        heads[e.jugendamt_id] = (seq + 1, value)


def backfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _backfill_postgresql(schema_editor)
    else:
        _backfill_python(apps)


def clear(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {APPEND_ONLY_TRIGGER}")
        schema_editor.execute(f"UPDATE {TABLE} SET chain_seq = 0, prev_hash = '', hash = ''")
        schema_editor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {APPEND_ONLY_TRIGGER}")
        schema_editor.execute(DROP_HASH_FUNCTION.format(schema=_schema(schema_editor)))
    else:
        AuditEvent = apps.get_model("audit", "AuditEvent")
        AuditEvent.objects.update(chain_seq=0, prev_hash="", hash="")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_auditevent_chain_fields"),
        ("allocation", "0002_audit_event_append_only_trigger"),
    ]

    operations = [migrations.RunPython(backfill, clear)]
