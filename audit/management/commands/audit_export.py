"""``manage.py audit_export --json``: the append-only audit trail as a JSON list."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from audit.models import AuditEvent
from audit.selectors import audit_export


class Command(BaseCommand):
    help = "Gibt das Protokoll (wer, wann, was, alt, neu, Begründung) als JSON aus."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="JSON ausgeben (Standard)")
        parser.add_argument("--jugendamt", help="nur dieses Jugendamt (Kurzname)")

    def handle(self, *args, jugendamt=None, **options):
        jugendamt_id = None
        if jugendamt:
            # The Jugendamt model is a layer above audit: reach it through the event's
            # foreign key instead of importing it.
            jugendamt_model = AuditEvent.jugendamt.field.related_model
            jugendamt_id = (
                jugendamt_model.objects.filter(slug=jugendamt).values_list("pk", flat=True).first()
            )
            if jugendamt_id is None:
                raise CommandError(f"Unbekanntes Jugendamt: {jugendamt}")
        data = audit_export(jugendamt_id=jugendamt_id)
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder))
