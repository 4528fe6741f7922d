"""The audit vocabulary of the quality pages (issue 18); registered on import
(``QualityConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from audit.events import Field as F
from audit.events import Kind as K
from audit.events import register
from quality.models import PlausibilityFinding

OFFICIAL_IMPORT = register(
    "official_values.import",
    _("Amtliche Daten eingelesen"),
    (
        F("file", _("Datei")),
        F("rows", _("Zeilen"), K.NUMBER),
        F("indicators", _("Indikatoren"), K.LIST),
        F("replaced", _("ersetzte Werte"), K.NUMBER),
    ),
)
PLAUSIBILITY_CHECK = register(
    "plausibility.check",
    _("Plausibilitätsprüfung ausgeführt"),
    (
        F("previous_round", _("Vorrunde")),
        F("k", _("Schwelle (Standardabweichungen)")),
        F("findings", _("Auffälligkeiten"), K.NUMBER),
        F("open", _("offen"), K.NUMBER),
    ),
)
_FINDING = (
    F("kita_id", _("Kita"), K.REF),
    F("kita", _("Kita")),
    F("variable", _("Variable")),
    F("previous", _("Vorrunde")),
    F("current", _("aktuell")),
    F("z", _("Abstand in Standardabweichungen")),
    F("state", _("Status"), K.STATE, tuple(PlausibilityFinding.State.choices)),
    F("note", _("Vermerk")),
)
FINDING_CONFIRM = register(
    "plausibility_finding.confirm", _("Auffällige Veränderung bestätigt"), _FINDING
)
FINDING_REQUEST_CORRECTION = register(
    "plausibility_finding.request_correction",
    _("Kita um Korrektur einer auffälligen Veränderung gebeten"),
    _FINDING,
)
