"""On PostgreSQL the database writes the chain: a ``BEFORE INSERT`` trigger refuses an
event that brings its own time, takes the chain's advisory lock (one chain per
Jugendamt, NULL = global), numbers the event after the chain's last one, sets its time
(never before its predecessor's) and computes its check value with
``srb_audit_event_hash`` (0003). A unique number per chain makes a fork impossible even
where the lock is not enough (REPEATABLE READ: the second writer fails instead).

Names are qualified by the schema and the functions run with a fixed ``search_path``,
so a role that can create temporary tables cannot slip its own table in.
"""

from django.db import migrations, models
import django.db.models.expressions
import django.db.models.functions.comparison

TRIGGER = """
CREATE OR REPLACE FUNCTION {schema}.srb_audit_event_chain() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    last_seq bigint;
    last_hash text;
    last_at timestamptz;
BEGIN
    IF NEW.at IS DISTINCT FROM statement_timestamp() THEN
        RAISE EXCEPTION 'audit event time is set by the database (supplied: %)', NEW.at
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM pg_advisory_xact_lock(
        hashtextextended('srb_audit_chain:' || COALESCE(NEW.jugendamt_id, 0)::text, 0)
    );
    SELECT e.chain_seq, e.hash, e.at INTO last_seq, last_hash, last_at
      FROM {schema}.allocation_auditevent e
     WHERE COALESCE(e.jugendamt_id, 0) = COALESCE(NEW.jugendamt_id, 0)
     ORDER BY e.chain_seq DESC
     LIMIT 1;
    NEW.chain_seq := COALESCE(last_seq, 0) + 1;
    NEW.prev_hash := COALESCE(last_hash, '');
    NEW.at := GREATEST(clock_timestamp(), last_at);
    NEW.hash := {schema}.srb_audit_event_hash(
        NEW.jugendamt_id, NEW.chain_seq, NEW.at, NEW.actor_id, NEW.action,
        NEW.object_type, NEW.object_id, NEW.object_repr, NEW.old, NEW.new, NEW.reason,
        NEW.prev_hash
    );
    RETURN NEW;
END;
$$;
CREATE TRIGGER srb_audit_event_chain
    BEFORE INSERT ON {schema}.allocation_auditevent
    FOR EACH ROW EXECUTE FUNCTION {schema}.srb_audit_event_chain();
"""
DROP = """
DROP TRIGGER IF EXISTS srb_audit_event_chain ON {schema}.allocation_auditevent;
DROP FUNCTION IF EXISTS {schema}.srb_audit_event_chain();
"""


def _schema(schema_editor) -> str:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return schema_editor.quote_name(cursor.fetchone()[0])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER.format(schema=_schema(schema_editor)), params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP.format(schema=_schema(schema_editor)), params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_auditevent_chain_backfill")]

    operations = [
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                django.db.models.functions.comparison.Coalesce(
                    django.db.models.expressions.F("jugendamt"),
                    django.db.models.expressions.Value(0),
                    output_field=models.BigIntegerField(),
                ),
                django.db.models.expressions.F("chain_seq"),
                name="audit_chain_seq_unique",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
