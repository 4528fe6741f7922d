"""``manage.py sozialraum_shares --points FILE.json --budget EUR``: step 1 from given points.

Reads ``{"Sozialraum": points, ...}`` and prints ``{"Sozialraum": {"percent": p, "amount": a}}``
(methodology sections 6 and 10): percent to 0.01 and euros to the cent, both by the
largest-remainder method, so that they add up to exactly 100.00 and to the budget.
"""

import json
import math
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = (
        "Teilt das Budget nach gegebenen Punkten auf die Sozialräume auf "
        "(Prozent mit zwei Nachkommastellen, Euro auf den Cent). Ohne Datenbank."
    )
    requires_system_checks = []
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--points",
            required=True,
            metavar="FILE.json",
            help='JSON {"Sozialraum": Punkte, ...}, „-“ für die Standardeingabe',
        )
        parser.add_argument("--budget", required=True, metavar="EUR", help="Budget in Euro")

    def handle(self, *args, **options):
        # Not a cycle: imported here so that ``manage.py help sozialraum_shares`` does not
        # load pandas (the engine and the CSV reader need it), as compute_indices.
        from indices.compute import PERCENT_UNITS, largest_remainder
        from indices.csv_input import CsvInputError, decode_text, parse_euro_cents, read_source

        try:
            budget_cents = parse_euro_cents(options["budget"])
            text = decode_text(read_source(options["points"], options.get("stdin") or sys.stdin))
        except CsvInputError as exc:
            raise CommandError(str(exc)) from None
        points = _parse_points(text)
        names, values = list(points), list(points.values())
        percents = largest_remainder(values, PERCENT_UNITS, names)
        cents = largest_remainder(values, budget_cents, names)
        out = {
            name: {"percent": p / 100, "amount": c / 100}
            for name, p, c in zip(names, percents, cents, strict=True)
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False, indent=1))


def _parse_points(text: str) -> dict[str, Decimal]:
    if not text.strip():
        raise CommandError(_("Die Datei ist leer."))

    def unique(pairs):
        seen = {}
        for name, value in pairs:
            if name in seen:
                raise CommandError(_("Sozialraum „%(name)s“ kommt doppelt vor") % {"name": name})
            seen[name] = value
        return seen

    try:
        data = json.loads(text, parse_float=Decimal, parse_int=Decimal, object_pairs_hook=unique)
    except json.JSONDecodeError as exc:
        raise CommandError(
            _("Zeile %(line)s, Spalte %(col)s: kein gültiges JSON")
            % {"line": exc.lineno, "col": exc.colno}
        ) from None
    if not isinstance(data, dict) or not data:
        raise CommandError(
            _(
                'Erwartet wird ein JSON-Objekt {"Sozialraum": Punkte, ...} mit mindestens einem '
                "Eintrag."
            )
        )
    for name, value in data.items():
        if not isinstance(value, Decimal) or not value.is_finite():
            raise CommandError(
                _("Sozialraum „%(name)s“: Punkte „%(value)s“ sind keine Zahl")
                % {"name": name, "value": json.dumps(value, ensure_ascii=False, default=str)}
            )
        if value < 0:
            raise CommandError(
                _("Sozialraum „%(name)s“: Punkte %(value)s sind negativ")
                % {"name": name, "value": value}
            )
    if math.fsum(float(v) for v in data.values()) <= 0 and sum(data.values()) <= 0:
        raise CommandError(_("Die Summe der Punkte ist 0: keine Anteile berechenbar."))
    return data
