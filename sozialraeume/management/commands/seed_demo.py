"""Load idempotent demo data: master data, then what each later app adds."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app's ``demo`` module has ``seed(stdout=None)``; they run in this order.
DEMO_MODULES = [
    "sozialraeume.demo",
    "sozialraeume.demo_geo",
    "surveys.demo",
    "network.demo",
    "indices.demo",
    "foerderung.demo",
    "allocation.demo",
    "positions.demo",
    "positions.demo_costs",
    "teams.demo",
    "teams.demo_review",
    "evaluation.demo",
    "knowledge.demo",
]


def seed_all(stdout=None):
    """The whole demo, one app after the other, each in its own transaction."""
    for module_name in DEMO_MODULES:
        with transaction.atomic():
            import_module(module_name).seed(stdout=stdout)


class Command(BaseCommand):
    help = "Lädt Demodaten (fiktive Kitas, Demo-Benutzer*innen mit Passwort 'demo')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch außerhalb der Demo-Einstellungen ausführen (Vorsicht!).",
        )

    def handle(self, *args, force=False, **options):
        allowed = settings.DEBUG or getattr(settings, "SRB_DEMO_DATA_ALLOWED", False)
        if not allowed and not force:
            raise CommandError(
                "seed_demo legt Konten mit dem Passwort 'demo' an und läuft daher nur in der "
                "eingebetteten Demo (srb_project.settings.local) oder mit DEBUG=True. Mit "
                "--force trotzdem ausführen."
            )
        seed_all(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demodaten sind geladen."))
