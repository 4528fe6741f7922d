"""export_responses --round CODE --csv FILE|- (or --xlsx FILE)."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from surveys import exchange
from surveys.management.commands._round import add_round_arguments, find_round


class Command(BaseCommand):
    help = (
        "Exportiert die Antworten einer Erhebungsrunde als CSV (wie compute_indices --csv) "
        "oder XLSX."
    )

    def add_arguments(self, parser):
        add_round_arguments(parser)

    def handle(self, *args, round_code, jugendamt, csv, xlsx, **options):
        survey_round = find_round(round_code, jugendamt)
        if csv == "-":
            self.stdout.write(exchange.export_csv_text(survey_round), ending="")
            return
        if csv:
            Path(csv).write_text(exchange.export_csv_text(survey_round), encoding="utf-8")
            target = csv
        else:
            Path(xlsx).write_bytes(exchange.export_xlsx_bytes(survey_round))
            target = xlsx
        count = survey_round.responses.count()
        self.stderr.write(
            _("%(n)s Fragebögen der %(round)s nach %(file)s exportiert.")
            % {"n": count, "round": survey_round, "file": target}
        )
