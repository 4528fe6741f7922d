"""Load idempotent demo data: master data, then whatever later apps add."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Each app with demo data has a ``demo`` module with ``seed(stdout=None)``, run in order.
DEMO_MODULES = ["sozialraeume.demo", "surveys.demo", "indices.demo", "allocation.demo"]


class Command(BaseCommand):
    help = "Lädt Demodaten (fiktive Kitas, Demo-Benutzer*innen mit Passwort 'demo')."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Auch mit DEBUG=False ausführen (Vorsicht!)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo legt Konten mit dem Passwort 'demo' an und läuft daher nur mit "
                "DEBUG=True. Mit --force trotzdem ausführen."
            )
        for module_name in DEMO_MODULES:
            if find_spec(module_name) is None:
                continue
            with transaction.atomic():
                import_module(module_name).seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demodaten sind geladen."))
