"""``manage.py db_grant_runtime``: give the application's runtime role its rights.

Run by the owner role right after ``migrate`` (docker compose's ``migrate`` service,
``.ci/run``'s test databases). The runtime role (``SRB_DB_RUNTIME_ROLE``) gets SELECT,
INSERT, UPDATE and DELETE on every table of the schema and USAGE on its sequences, but
on the audit trail only INSERT and SELECT (no UPDATE, DELETE, TRUNCATE, TRIGGER,
REFERENCES). ``ALTER DEFAULT PRIVILEGES`` covers tables that later migrations of the
owner create. Safe to run twice; nothing to do on SQLite or without the setting.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEvent


def runtime_grants(*, role: str) -> list[str]:
    """The statements that give ``role`` its rights in the current schema."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = qn(cursor.fetchone()[0])
    r = qn(role)
    audit = f"{schema}.{qn(AuditEvent._meta.db_table)}"
    return [
        f"GRANT USAGE ON SCHEMA {schema} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {r}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {r}",
        # The audit trail: append and read, nothing else.
        f"REVOKE ALL ON TABLE {audit} FROM {r}",
        f"GRANT SELECT, INSERT ON TABLE {audit} TO {r}",
        # Tables and sequences the owner creates later (new migrations).
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT USAGE ON SEQUENCES TO {r}",
    ]


class Command(BaseCommand):
    help = _(
        "Gibt der Datenbankrolle der laufenden Anwendung (SRB_DB_RUNTIME_ROLE) ihre "
        "Rechte: Lesen und Schreiben auf allen Tabellen, auf dem Protokoll nur Anfügen "
        "und Lesen. Nach »migrate« mit der Eigentümerrolle aufrufen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", default=None, help=_("Rolle statt SRB_DB_RUNTIME_ROLE (für Tests)")
        )

    def handle(self, *args, role=None, **options):
        role = role or settings.SRB_DB_RUNTIME_ROLE
        if connection.vendor != "postgresql":
            self.stdout.write(_("Keine PostgreSQL-Datenbank: keine Rechte zu vergeben."))
            return
        if not role:
            self.stdout.write(_("SRB_DB_RUNTIME_ROLE ist leer: keine Rechte zu vergeben."))
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolbypassrls "
                "FROM pg_roles WHERE rolname = %s",
                [role],
            )
            attributes = cursor.fetchone()
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner "
                "WHERE r.rolname = %s",
                [role],
            )
            owned = cursor.fetchone()[0]
        if attributes is None:
            raise CommandError(_("Die Datenbankrolle %(role)s gibt es nicht.") % {"role": role})
        if role == owner:
            raise CommandError(
                _(
                    "%(role)s ist die Rolle dieser Verbindung (Eigentümer). Die laufende "
                    "Anwendung braucht eine eigene Rolle, der nichts gehört."
                )
                % {"role": role}
            )
        if any(attributes):
            raise CommandError(
                _(
                    "Die Datenbankrolle %(role)s darf weder Superuser sein noch Datenbanken, "
                    "Rollen anlegen oder Zeilenschutz umgehen (NOSUPERUSER NOCREATEDB "
                    "NOCREATEROLE NOBYPASSRLS)."
                )
                % {"role": role}
            )
        if owned:
            raise CommandError(
                _(
                    "Der Datenbankrolle %(role)s gehören %(count)s Tabellen oder andere "
                    "Objekte; sie darf nichts besitzen (sonst könnte sie die Schutzregeln "
                    "abschalten)."
                )
                % {"role": role, "count": owned}
            )
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in runtime_grants(role=role):
                cursor.execute(statement)
        self.stdout.write(
            _(
                "Rechte für %(role)s vergeben: alle Tabellen lesen und schreiben, das "
                "Protokoll nur anfügen und lesen."
            )
            % {"role": role}
        )
