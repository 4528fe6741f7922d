"""The audit vocabulary of the evaluation survey (issue 17), registered on import
(``EvaluationConfig.ready``).

Privacy: no event names a respondent's answers, and the event of an answer
(``evaluation_wave.answer``) is about the wave, never about the invitation; the
invitation and reminder events carry counts, not addresses.
"""

from django.utils.translation import gettext_lazy as _

from audit.events import Field as F
from audit.events import Kind as K
from audit.events import register

WAVE_STATES = (
    ("planned", _("geplant")),
    ("open", _("offen")),
    ("closed", _("geschlossen")),
)
_INSTRUMENT = (
    F("code", _("Kürzel")),
    F("title", _("Titel")),
    F("version", _("Version")),
    F("respondent_type", _("Befragte")),
    F("previous_id", _("Vorversion"), K.REF),
    F("items", _("Fragen"), K.NUMBER),
)
_ITEM = (
    F("instrument_id", _("Instrument"), K.REF),
    F("block", _("Block")),
    F("code", _("Kürzel")),
    F("text", _("Frage")),
    F("kind", _("Art")),
    F("options", _("Antwortmöglichkeiten"), K.LIST),
    F("required", _("Pflichtfrage"), K.BOOL),
)
_WAVE = (
    F("instrument_id", _("Instrument"), K.REF),
    F("code", _("Welle")),
    F("label", _("Bezeichnung")),
    F("opens_on", _("Beginn"), K.DATE),
    F("closes_on", _("Ende"), K.DATE),
    F("state", _("Status"), K.STATE, WAVE_STATES),
)

INSTRUMENT_CREATE = register(
    "evaluation_instrument.create", _("Evaluationsinstrument angelegt"), _INSTRUMENT
)
INSTRUMENT_NEW_VERSION = register(
    "evaluation_instrument.new_version", _("Neue Version des Evaluationsinstruments"), _INSTRUMENT
)
ITEM_CREATE = register("evaluation_item.create", _("Frage der Evaluation angelegt"), _ITEM)
ITEM_CHANGE = register("evaluation_item.change", _("Frage der Evaluation geändert"), _ITEM)
ITEM_DELETE = register("evaluation_item.delete", _("Frage der Evaluation gelöscht"), _ITEM)
WAVE_CHANGE = register("evaluation_wave.change", _("Befragungswelle geändert"), _WAVE)
WAVE_OPEN = register("evaluation_wave.open", _("Befragungswelle geöffnet"), _WAVE)
WAVE_CLOSE = register("evaluation_wave.close", _("Befragungswelle geschlossen"), _WAVE)
WAVE_INVITE = register(
    "evaluation_wave.invite",
    _("Zur Evaluation eingeladen"),
    (
        F("code", _("Welle")),
        F("invited", _("eingeladen"), K.NUMBER),
        F("skipped", _("schon eingeladen"), K.NUMBER),
    ),
)
WAVE_REMIND = register(
    "evaluation_wave.remind",
    _("An die Evaluation erinnert"),
    (F("code", _("Welle")), F("reminded", _("erinnert"), K.NUMBER)),
)
# An anonymous answer: the wave and the day, nothing that names the invitation
WAVE_ANSWER = register(
    "evaluation_wave.answer",
    _("Antwortbogen der Evaluation eingegangen"),
    (F("code", _("Welle")), F("submitted_on", _("eingegangen am"), K.DATE)),
)
RESULTS_EXPORT = register(
    "evaluation_results.export",
    _("Ergebnisse der Evaluation exportiert"),
    (F("format", _("Format")), F("waves", _("Wellen"), K.LIST)),
)
