"""Shared option handling of the export/import commands."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from surveys.models import SurveyRound


def add_round_arguments(parser):
    parser.add_argument("--round", required=True, dest="round_code", help="Kennung der Runde")
    parser.add_argument(
        "--jugendamt", default=None, help="Kurzname des Jugendamts (nötig bei mehreren)"
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--csv", default=None, help="CSV-Datei (- = Standardausgabe/-eingabe)")
    group.add_argument("--xlsx", default=None, help="XLSX-Datei")


def find_round(code: str, jugendamt_slug: str | None) -> SurveyRound:
    rounds = SurveyRound.objects.filter(code=code).select_related("instrument", "jugendamt")
    if jugendamt_slug:
        rounds = rounds.filter(jugendamt__slug=jugendamt_slug)
    found = list(rounds[:2])
    if not found:
        raise CommandError(_("Die Runde „%(code)s“ gibt es nicht.") % {"code": code})
    if len(found) > 1:
        raise CommandError(
            _("Die Runde „%(code)s“ gibt es in mehreren Jugendämtern: bitte --jugendamt angeben.")
            % {"code": code}
        )
    return found[0]
