"""On PostgreSQL, refuse UPDATE and DELETE of audit events in the database itself."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION allocation_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'allocation_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER allocation_auditevent_no_change
    BEFORE UPDATE OR DELETE ON allocation_auditevent
    FOR EACH ROW EXECUTE FUNCTION allocation_auditevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS allocation_auditevent_no_change ON allocation_auditevent;
DROP FUNCTION IF EXISTS allocation_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("allocation", "0001_audit_event")]
    operations = [migrations.RunPython(forwards, backwards)]
