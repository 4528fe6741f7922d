"""``manage.py allocation_export --year YEAR --json``: a budget year's allocation as JSON."""

import json

from django.core.management.base import BaseCommand, CommandError

from allocation.exports import allocation_export
from allocation.models import BudgetYear


class Command(BaseCommand):
    help = "Gibt die Verteilung eines Haushaltsjahres als JSON aus."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Haushaltsjahr, z. B. 2026")
        parser.add_argument("--json", action="store_true", help="JSON ausgeben (Standard)")
        parser.add_argument("--jugendamt", help="Kurzname des Jugendamts (bei mehreren)")

    def handle(self, *args, year, jugendamt=None, **options):
        qs = BudgetYear.objects.filter(year=year).select_related("round")
        if jugendamt:
            qs = qs.filter(jugendamt__slug=jugendamt)
        years = list(qs.order_by("jugendamt_id")[:2])
        if not years:
            raise CommandError(f"Kein Haushaltsjahr {year} gefunden.")
        if len(years) > 1 and not jugendamt:
            raise CommandError("Mehrere Jugendämter haben dieses Jahr: bitte --jugendamt angeben.")
        data = allocation_export(years[0])
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
