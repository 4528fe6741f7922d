"""``manage.py compute_indices --csv FILE [--budget EUR] [--param NAME=WERT ...]``: the index
of a CSV, as JSON.

Methodology section 10. Touches no database and runs no system checks; pandas and the engine
are imported inside ``handle`` so that start-up stays as short as Django allows. ``--param``
(issue 18, repeatable) computes under a method variant (``indices.method``: ``sd``,
``weighting``, ``min_answered``, ``winsorize``) and prints the same JSON shape; without it
the output is the default method's, unchanged.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Berechnet Variablen, Standardpunkte, Indizes, Normbereiche und Anteile aus einer "
        "CSV-Datei (eine Zeile je Kita) und gibt sie als JSON aus. Ohne Datenbank."
    )
    requires_system_checks = []
    requires_migrations_checks = False
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument(
            "--csv", required=True, metavar="FILE", help="CSV-Datei, „-“ für die Standardeingabe"
        )
        parser.add_argument(
            "--budget", metavar="EUR", help="Landeszuweisung in Euro: fügt „amount“ hinzu"
        )
        parser.add_argument(
            "--indent", type=int, default=None, help="JSON eingerückt ausgeben (Leerzeichen)"
        )
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=WERT",
            help=(
                "Methodenvariante, mehrfach möglich: sd=sample|population, "
                "weighting=none|children, min_answered=0..1, winsorize=UNTEN,OBEN (Perzentile)"
            ),
        )

    def handle(self, *args, **options):
        # Not a cycle: pandas and the engine load only when the command runs, not for
        # ``manage.py help compute_indices`` (start-up, see the module docstring).
        from indices.csv_input import (
            CsvInputError,
            parse_euro_cents,
            read_answers_csv,
            read_source,
        )
        from indices.method import MethodError, from_params

        # The parameters first: a mistyped variant fails before the file is read.
        try:
            method = from_params(options["param"])
        except MethodError as exc:
            raise CommandError(str(exc)) from None
        try:
            budget_cents = (
                None if options["budget"] is None else parse_euro_cents(options["budget"])
            )
            frame = read_answers_csv(read_source(options["csv"], options.get("stdin") or sys.stdin))
        except CsvInputError as exc:
            raise CommandError(str(exc)) from None

        from indices.compute import compute_indices

        result = compute_indices(frame, budget_cents=budget_cents, method=method)
        if options["indent"] is None:
            text = result.dumps()
        else:
            text = json.dumps(result.to_json(), ensure_ascii=False, indent=options["indent"])
        self.stdout.write(text)
