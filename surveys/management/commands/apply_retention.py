"""Apply the deletion and retention concept (docs/datenschutz.md)."""

from dataclasses import asdict

from django.core.management.base import BaseCommand

from surveys.retention import retention_apply

LABELS = {
    "answers_cleared": "Fragebögen mit gelöschten Kontakt-/Freitextangaben",
    "invitations_deactivated": "nie genutzte Einladungen deaktiviert",
    "users_anonymised": "deaktivierte Konten anonymisiert",
    "login_records_deleted": "Anmeldeprotokolle gelöscht",
    "sessions_deleted": "abgelaufene Sitzungen gelöscht",
    "mails_deleted": "E-Mails des Postausgangs gelöscht",
    "external_members_anonymised": "ausgeschiedene externe Team-Mitglieder anonymisiert",
    "child_pictures_deleted": "Bilder und Notizen der Kinderperspektive nach 5 Jahren gelöscht",
    "audit_events_past_retention": "Protokolleinträge älter als 10 Jahre (Archivierung durch DBA)",
}


class Command(BaseCommand):
    help = "Wendet das Lösch- und Aufbewahrungskonzept an (docs/datenschutz.md)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur zählen, nichts ändern.")

    def handle(self, *args, dry_run=False, **options):
        report = retention_apply(dry_run=dry_run)
        prefix = "Probelauf – " if dry_run else ""
        for key, value in asdict(report).items():
            self.stdout.write(f"{prefix}{LABELS[key]}: {value}")
