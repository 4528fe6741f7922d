"""import_responses --round CODE --csv FILE|- (or --xlsx FILE): all or nothing."""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from surveys import exchange
from surveys.management.commands._round import add_round_arguments, find_round


class Command(BaseCommand):
    help = (
        "Importiert Antworten (CSV oder XLSX) in eine Erhebungsrunde. Bei einem Fehler "
        "wird nichts gespeichert."
    )

    def add_arguments(self, parser):
        add_round_arguments(parser)

    def handle(self, *args, round_code, jugendamt, csv, xlsx, **options):
        survey_round = find_round(round_code, jugendamt)
        path = csv or xlsx
        limit = settings.SRB_IMPORT_MAX_BYTES
        try:
            # Never more than the limit into memory: the size before reading, stdin capped.
            if path == "-":
                content = sys.stdin.buffer.read(limit + 1)
            else:
                exchange.check_size(Path(path).stat().st_size)
                content = Path(path).read_bytes()
            exchange.check_size(len(content))
        except OSError as exc:
            raise CommandError(
                _("Die Datei %(file)s kann nicht gelesen werden: %(error)s")
                % {"file": path, "error": exc.strerror}
            ) from None
        except exchange.ImportProblem as exc:
            raise CommandError(
                _("Import abgebrochen, nichts gespeichert. %(problems)s")
                % {"problems": " | ".join(exc.messages)}
            ) from None
        filename = xlsx if xlsx else "import.csv"
        try:
            count = exchange.import_file(
                survey_round=survey_round, content=content, filename=filename, acting_user=None
            )
        except exchange.ImportProblem as exc:
            raise CommandError(
                _("Import abgebrochen, nichts gespeichert. %(problems)s")
                % {"problems": " | ".join(exc.messages)}
            ) from None
        self.stdout.write(
            _("%(n)s Fragebögen in die %(round)s importiert.") % {"n": count, "round": survey_round}
        )
