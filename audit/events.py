"""The audit vocabulary: every kind of event the product writes, and the only way to write one.

Each action is registered once here with a German label (what the history pages show) and
the payload fields its ``old``/``new`` documents may carry, each with a German label and
the kind of value it holds (so ``audit.display`` can show "VZÄ: 1,00 → 0,50" instead of a
dict). ``record`` refuses an action that is not registered and a payload field that the
action does not declare, so the history pages can rely on the shape. Events written
before the vocabulary existed keep their free-form action codes and payloads; the pages
show those as they are (code, and each value as "key: value").

This is the bottom layer: other apps' objects are known here only as strings (the state
names below repeat the models' choices; ``tests/audit/test_events.py`` keeps them equal).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from srb_project import roles


class UnknownAuditAction(ValueError):
    """An event whose action or payload field is not in the vocabulary."""


class Kind(StrEnum):
    """What a payload value is, i.e. how the history pages format it (German notation)."""

    TEXT = "text"
    NUMBER = "number"  # a count: 1.234
    EUR = "eur"  # 1.234,56 €
    FTE = "fte"  # 0,80 (the field's label names the unit, VZÄ)
    PERCENT = "percent"  # 17,37 %
    INDEX = "index"  # 52,3 (an index value, one decimal)
    DATE = "date"  # 01.12.2026
    DATETIME = "datetime"  # 01.12.2026 14:05, Europe/Berlin
    BOOL = "bool"  # ja / nein
    STATE = "state"  # a stored choice shown by its German name (``choices``)
    LIST = "list"  # several values; dicts by ``parts``, [key, label] pairs by their label
    REF = "ref"  # an id that links the event to an object: kept, never shown


@dataclass(frozen=True)
class Field:
    """One payload field: its key, German label and kind. ``choices`` (value, label) pairs
    name the values of a STATE field; ``parts`` describe the keys of a dict value (or of
    the dicts in a LIST)."""

    name: str
    label: str | Promise
    kind: Kind = Kind.TEXT
    choices: tuple[tuple[str, str | Promise], ...] = ()
    parts: tuple[Field, ...] = ()

    def choice_label(self, value) -> str | None:
        for key, label in self.choices:
            if key == value:
                return str(label)
        return None

    def part(self, name: str) -> Field | None:
        return next((p for p in self.parts if p.name == name), None)


@dataclass(frozen=True)
class Action:
    """One registered kind of event: its code, German label and payload fields."""

    code: str
    label: str | Promise
    fields: tuple[Field, ...] = ()
    # Set where old/new are keyed by a name (e.g. a Sozialraum): each value then holds
    # ``fields``; the text says what the keys are.
    keyed_by: str | Promise = ""

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


_REGISTRY: dict[str, Action] = {}


def register(
    code: str, label: str | Promise, fields: Iterable[Field] = (), *, keyed_by: str | Promise = ""
) -> Action:
    """Add one action to the vocabulary (each code once, each field a ``Field``)."""
    if code in _REGISTRY:
        raise ValueError(f"audit action registered twice: {code}")
    fields = tuple(fields)
    for f in fields:
        if not isinstance(f, Field):
            raise TypeError(f"audit action {code}: field {f!r} is not a Field (label, kind)")
    action = Action(code=code, label=label, fields=fields, keyed_by=keyed_by)
    _REGISTRY[code] = action
    return action


def get_action(code: str) -> Action | None:
    """The registered action of a code, or None for an old free-form code."""
    return _REGISTRY.get(code)


def registered_actions() -> list[Action]:
    """Every registered action, in registration order."""
    return list(_REGISTRY.values())


def label_for(code: str) -> str:
    """The German label of an action; an unregistered (old) code is shown as it is."""
    action = _REGISTRY.get(code)
    return str(action.label) if action else code


def _check_payload(action: Action, payload) -> None:
    if not isinstance(payload, dict):
        return
    if action.keyed_by:
        keys = {k for value in payload.values() if isinstance(value, dict) for k in value}
    else:
        keys = set(payload)
    unknown = sorted(keys - set(action.field_names))
    if unknown:
        raise UnknownAuditAction(
            f"audit action {action.code} does not declare the field(s) {', '.join(unknown)}"
        )


def record(
    *,
    actor,
    action: str,
    obj=None,
    jugendamt_id: int | None = None,
    old: dict | None = None,
    new: dict | None = None,
    reason: str = "",
    object_type: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one event of a registered action for ``obj`` (a model instance), or for a
    named subject (``object_type``/``object_repr``) when the event is about no single row.
    Call it inside the transaction of the change it records."""
    spec = _REGISTRY.get(action)
    if spec is None:
        raise UnknownAuditAction(f"audit action not registered: {action}")
    _check_payload(spec, old)
    _check_payload(spec, new)
    if obj is not None:
        # The trail is written in the product's language, whatever the acting user's UI is.
        with translation.override(settings.LANGUAGE_CODE):
            object_repr = str(obj)
    return AuditEvent.objects.create(
        jugendamt_id=jugendamt_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr[:300],
        old=old,
        new=new,
        reason=reason,
    )


# --- the vocabulary --------------------------------------------------------------------
# Codes are stored in every row: never rename one that has been written. The two styles
# (``round_created`` next to ``plan.approve``) are history; new actions use ``noun.verb``.
# Field keys are stored too: a new label or kind changes only how old rows are shown.

F = Field
K = Kind

# The stored values of other apps' choices, by their German names (msgids as in the
# models, so one translation serves both).
PLAN_STATES = (
    ("draft", _("Entwurf")),
    ("consultation", _("In Abstimmung")),
    ("proposal", _("Beschlussvorlage")),
    ("approved", _("Beschlossen")),
)
STRANDS = (
    ("FS1", _("FS1 Individuelle Kita-Sozialarbeit")),
    ("FS2", _("FS2 Kommunikations- und Nachbarschaftszentrum")),
    ("FS3", _("FS3 Interkulturelle Fachkraft")),
    ("FS4", _("FS4 Betriebserlaubnisrelevantes Zusatzpersonal")),
)
ROUND_STATES = (
    ("vorbereitet", _("vorbereitet")),
    ("offen", _("offen")),
    ("geschlossen", _("geschlossen")),
)
RESPONSE_STATUSES = (("draft", _("Entwurf")), ("submitted", _("eingereicht")))
REVIEW_STATES = (
    ("in_pruefung", _("in Prüfung")),
    ("geprueft", _("geprüft")),
    ("rueckfrage", _("Rückfrage")),
)
RUN_TRIGGERS = (
    ("automatic", _("automatisch nach Änderung der Antworten")),
    ("manual", _("von Hand gestartet")),
    ("pending", _("nachgeholt")),
    ("demo", _("Demodaten")),
)
ROLES = tuple(roles.ROLE_LABELS.items())

_STATUS = F("state", _("Status"), K.STATE, PLAN_STATES)
_VERSION = F("version", _("Version"), K.REF)
_BUDGET_YEAR = (
    F("year", _("Haushaltsjahr")),
    F("label", _("Bezeichnung")),
    F("state_budget", _("Landeszuweisung"), K.EUR),
    F("own_figure", _("Betrag laut Bescheid"), K.BOOL),
    F("round", _("Erhebungsrunde der Anteile")),
    # {strand: euros}
    F("fte_costs", _("Jahreskosten je Vollzeitstelle"), K.EUR),
    F("fte_step", _("Rundungsschritt Stellenanteil"), K.FTE),
)
_PLAN = (
    _STATUS,
    _VERSION,
    F("approved_at", _("beschlossen am"), K.DATETIME),
    # the approver's login; the event's person shows who it was
    F("approved_by", _("beschlossen von"), K.REF),
    F("review_due", _("Überprüfung fällig am"), K.DATE),
)
_KITA = F("kita", _("Kita"))
_FTE = F("fte", _("VZÄ"), K.FTE)
_ANNUAL_COST = F("annual_cost", _("Personalkosten pro Jahr"), K.EUR)
_LINE = (
    F("plan_id", _("Plan"), K.REF),
    F("kita_id", _("Kita"), K.REF),
    _KITA,
    F("strand", _("Förderstrang"), K.STATE, STRANDS),
    _FTE,
    _ANNUAL_COST,
    F("state_part", _("Landesanteil"), K.EUR),
    F("justification", _("Begründung der Zeile")),
    F("qualification", _("Qualifikation")),
    F("central_location", _("zentrale Lage bestätigt"), K.BOOL),
    F("cross_provider", _("trägerübergreifende Angebote zugesagt"), K.BOOL),
    # issue 15 (part C): the FS2 centre and the accepted FS4 request the line belongs to
    F("centre", _("Kommunikations- und Nachbarschaftszentrum")),
    F("fs4_request_id", _("FS4-Antrag"), K.REF),
    # the cost set by hand instead of FTE × rate (issue 12), and why
    F("cost_override", _("Personalkosten abweichend festgelegt"), K.BOOL),
    F("cost_override_reason", _("Grund der abweichenden Personalkosten")),
    # issue 15 (part D): a change of strand, Kita or justification takes an accepted FS3
    # exception back (old: who had accepted it; new: empty)
    F("exception_accepted_by", _("Ausnahme anerkannt von")),
)
_ROUND_STATE = F("state", _("Status"), K.STATE, ROUND_STATES)
_RESPONSE_STATUS = F("status", _("Status"), K.STATE, RESPONSE_STATUSES)

# master data and people (sozialraeume)
USER_INVITE = register(
    "user.invite",
    _("Person eingeladen"),
    (
        F("email", _("E-Mail")),
        F("role", _("Rolle"), K.STATE, ROLES),
        F("kitas", _("Kitas"), K.LIST),
    ),
)
RETENTION_APPLY = register(
    "retention.apply",
    _("Löschkonzept angewendet"),
    (
        F("answers_cleared", _("geleerte Antworten"), K.NUMBER),
        F("invitations_deactivated", _("deaktivierte Einladungen"), K.NUMBER),
        F("users_anonymised", _("anonymisierte Personen"), K.NUMBER),
        F("login_records_deleted", _("gelöschte Anmeldeprotokolle"), K.NUMBER),
        F("sessions_deleted", _("beendete Sitzungen"), K.NUMBER),
        F("mails_deleted", _("gelöschte E-Mails des Postausgangs"), K.NUMBER),
        F(
            "external_members_anonymised",
            _("anonymisierte externe Team-Mitglieder"),
            K.NUMBER,
        ),
        F("child_pictures_deleted", _("gelöschte Bilder der Kinderperspektive"), K.NUMBER),
        F(
            "audit_events_past_retention",
            _("Protokolleinträge über der Aufbewahrungsfrist"),
            K.NUMBER,
        ),
    ),
)

# survey rounds and questionnaires (surveys)
ROUND_CREATED = register(
    "round_created",
    _("Erhebungsrunde angelegt"),
    (
        F("code", _("Runde")),
        F("stichtag", _("Stichtag"), K.DATE),
        F("instrument", _("Fragebogen")),
    ),
)
ROUND_OPENED = register("round_opened", _("Erhebungsrunde geöffnet"), (_ROUND_STATE,))
ROUND_CLOSED = register(
    "round_closed",
    _("Erhebungsrunde geschlossen"),
    (_ROUND_STATE, F("submitted", _("eingereichte Fragebögen"), K.NUMBER)),
)
ROUND_REMINDERS_QUEUED = register("round_reminders_queued", _("Erinnerungen angestoßen"))
ROUND_PARTNERS_CHANGED = register(
    "round_partners_changed",
    _("Netzwerkpartner der Runde geändert"),
    # [[key, label], ...]
    (F("partners", _("Netzwerkpartner"), K.LIST),),
)
SURVEY_REMINDER = register(
    "survey.reminder",
    _("Erinnerung versandt"),
    (F("round_id", _("Runde"), K.REF), F("round", _("Runde"))),
)
RESPONSE_SAVED = register(
    "response_saved", _("Fragebogen zwischengespeichert"), (_RESPONSE_STATUS, _VERSION)
)
RESPONSE_SUBMITTED = register(
    "response_submitted", _("Fragebogen eingereicht"), (_RESPONSE_STATUS, _VERSION)
)
RESPONSE_REOPENED = register(
    "response_reopened", _("Fragebogen wieder geöffnet"), (_RESPONSE_STATUS,)
)
RESPONSE_REVIEWED = register(
    "response_reviewed",
    _("Fragebogen geprüft"),
    (
        F("review_state", _("Prüfstatus"), K.STATE, REVIEW_STATES),
        F("review_comment", _("Kommentar")),
    ),
)
RESPONSES_IMPORTED = register(
    "responses_imported",
    _("Antworten importiert"),
    (F("rows", _("Zeilen"), K.NUMBER), F("source", _("Quelle"))),
)

# index runs (indices)
INDEX_RUN_REQUESTED = register("index_run.requested", _("Neuberechnung angefordert"))
INDEX_RUN_FINISHED = register(
    "index_run.finished",
    _("Indizes berechnet"),
    (
        F("kitas", _("Kitas"), K.NUMBER),
        F("sozialraeume", _("Sozialräume"), K.NUMBER),
        F("checksum", _("Prüfsumme der Eingaben")),
        F("method_version", _("Methodenversion")),
        F("trigger", _("Anlass"), K.STATE, RUN_TRIGGERS),
    ),
)
INDEX_RUN_FAILED = register(
    "index_run.failed", _("Berechnung fehlgeschlagen"), (F("error", _("Fehler")),)
)
INDEX_RUN_STALE = register(
    "index_run.stale",
    _("Berechnung abgebrochen (zu lange)"),
    (F("started_at", _("gestartet am"), K.DATETIME),),
)
# recorded on the round whose result is now the Jugendamt's published one; ``old`` names
# the result published before
RESULTS_PUBLISHED = register(
    "results.published",
    _("Ergebnis veröffentlicht"),
    (
        F("run_id", _("Berechnung"), K.REF),
        F("round", _("Erhebungsrunde")),
        F("kitas", _("Fragebögen im Ergebnis"), K.NUMBER),
        F("computed_at", _("berechnet am"), K.DATETIME),
    ),
)

# budget years, plans, lines and reallocations (allocation)
BUDGET_YEAR_CREATE = register("budget_year.create", _("Budgetjahr angelegt"), _BUDGET_YEAR)
BUDGET_YEAR_UPDATE = register("budget_year.update", _("Budgetjahr geändert"), _BUDGET_YEAR)
BUDGET_YEAR_SHARES = register(
    "budget_year.shares",
    _("Anteile der Sozialräume festgelegt"),
    (
        F("percent", _("Anteil"), K.PERCENT),
        F("state_amount", _("Landesanteil"), K.EUR),
        F(
            "carried_forward",
            _("Gesamtindex übernommen"),
            parts=(F("gesamt", _("Gesamtindex"), K.INDEX), F("from", _("aus"))),
        ),
    ),
    keyed_by=_("Sozialraum"),
)
PLAN_CREATE = register("plan.create", _("Verteilungsplan angelegt"), _PLAN)
PLAN_PROPOSE = register(
    "plan.propose",
    _("Vorschlag nach Regel erstellt"),
    (
        F("fundable", _("förderfähige Personalkosten"), K.EUR),
        F("allocated", _("verteilt"), K.EUR),
        F("unallocated", _("nicht verteilt"), K.EUR),
        F("lines", _("Zeilen"), K.LIST, parts=(_KITA, _FTE, F("annual_cost", _("Kosten"), K.EUR))),
    ),
)
# The workflow steps (four eyes, issue 12): who laid the plan before the Leitung, when
# the Träger's consultation began or was shortened, which decision was taken back.
_PLAN_STEP = (
    *_PLAN,
    F("submitted_at", _("vorgelegt am"), K.DATETIME),
    F("submitted_by", _("vorgelegt von"), K.REF),
    F("consultation_started_at", _("Abstimmung begonnen am"), K.DATETIME),
    F("revoked_approval_at", _("zurückgenommener Beschluss vom"), K.DATETIME),
    F("approval_revoked_at", _("Beschluss zurückgenommen am"), K.DATETIME),
    F("approval_revoked_by", _("zurückgenommen von"), K.REF),
)
PLAN_CONSULTATION = register("plan.consultation", _("In Abstimmung gegeben"), _PLAN_STEP)
PLAN_SUBMIT = register("plan.submit", _("Als Beschlussvorlage vorgelegt"), _PLAN_STEP)
PLAN_APPROVE = register("plan.approve", _("Beschlossen"), _PLAN_STEP)
PLAN_REWORK = register("plan.rework", _("Zur Überarbeitung zurück in den Entwurf"), _PLAN_STEP)
PLAN_REVOKE = register(
    "plan.revoke", _("Beschluss zurückgenommen (zurück in den Entwurf)"), _PLAN_STEP
)
PLAN_CONSULTATION_SHORTEN = register(
    "plan.consultation_shorten",
    _("Abstimmung mit den Trägern verkürzt"),
    (
        _STATUS,
        _VERSION,
        F("consultation_started_at", _("Abstimmung begonnen am"), K.DATETIME),
        F("min_days", _("Mindestdauer (Tage)"), K.NUMBER),
        F("earliest", _("ohne Verkürzung frühestens vorlegbar am"), K.DATE),
        F("public_reason", _("Begründung für den Ausschuss")),
    ),
)
PLAN_COMMENT = register(
    "plan.comment",
    _("Kommentar geschrieben"),
    (
        F("comment_id", _("Kommentar"), K.REF),
        F("text", _("Kommentar")),
        # issue 14: a Träger's comment may refer to one line of the plan
        F("line_id", _("Zeile"), K.REF),
        F("line", _("zu Zeile")),
    ),
)
LINE_CREATE = register("line.create", _("Zeile angelegt"), _LINE)
LINE_UPDATE = register("line.update", _("Zeile geändert"), _LINE)
LINE_DELETE = register("line.delete", _("Zeile gelöscht"), _LINE)
REALLOCATION_CREATE = register(
    "reallocation.create",
    _("Mittel umverteilt"),
    (
        F("budget_year_id", _("Haushaltsjahr"), K.REF),
        F("from_sozialraum_id", _("von Sozialraum"), K.REF),
        F("from_sozialraum", _("von Sozialraum")),
        F("to_sozialraum_id", _("an Sozialraum"), K.REF),
        F("to_sozialraum", _("an Sozialraum")),
        F("kita_id", _("an Kita"), K.REF),
        F("kita", _("an Kita")),
        F("amount", _("Betrag"), K.EUR),
    ),
)
# Since issue 12 a reallocation is a proposal until a second person of the
# Jugendamt-Leitung approves it; ``reallocation.create`` stays for the rows written before.
REALLOCATION_STATES = (
    ("proposed", _("vorgeschlagen")),
    ("approved", _("genehmigt")),
    ("rejected", _("abgelehnt")),
)
_REALLOCATION = (
    F("budget_year_id", _("Haushaltsjahr"), K.REF),
    F("from_sozialraum_id", _("von Sozialraum"), K.REF),
    F("from_sozialraum", _("von Sozialraum")),
    F("to_sozialraum_id", _("an Sozialraum"), K.REF),
    F("to_sozialraum", _("an Sozialraum")),
    F("kita_id", _("an Kita"), K.REF),
    F("kita", _("an Kita")),
    F("amount", _("Betrag"), K.EUR),
    F("state", _("Status"), K.STATE, REALLOCATION_STATES),
    F("version", _("Version"), K.REF),
    F("public_reason", _("Begründung für den Ausschuss")),
    # issue 16 (P3): money not yet planned, or money the positions really did not spend
    F(
        "source",
        _("Herkunft der Mittel"),
        K.STATE,
        (("planned", _("nicht verplant")), ("actual", _("tatsächlich nicht verausgabt"))),
    ),
)
REALLOCATION_PROPOSE = register(
    "reallocation.propose", _("Umverteilung vorgeschlagen"), _REALLOCATION
)
REALLOCATION_APPROVE = register(
    "reallocation.approve", _("Umverteilung genehmigt (Mittel umverteilt)"), _REALLOCATION
)
REALLOCATION_REJECT = register("reallocation.reject", _("Umverteilung abgelehnt"), _REALLOCATION)

# downloads with per-Kita values (reports)
_FORMAT = F("format", _("Format"))
EXPORT_KITA_INDICES = register(
    "export.kita_indices",
    _("Export: Indizes je Kita"),
    (F("round", _("Runde")), F("run_id", _("Berechnung"), K.REF), _FORMAT),
)
EXPORT_ALLOCATION_LINES = register(
    "export.allocation_lines",
    _("Export: Verteilung je Kita"),
    (F("year", _("Haushaltsjahr")), _FORMAT),
)
EXPORT_PROOF_OF_USE = register(
    "export.proof_of_use",
    _("Export: Verwendungsnachweis"),
    (F("year", _("Haushaltsjahr")), _FORMAT),
)

# --- people and roles (issue 13) ---
# The states repeat sozialraeume.models.User.InvitationState and RoleGrantRequest.State.
INVITATION_STATES = (
    ("none", _("keine Einladung")),
    ("pending", _("eingeladen")),
    ("expired", _("Einladung abgelaufen")),
    ("accepted", _("Einladung angenommen")),
)
ROLE_GRANT_STATES = (
    ("pending", _("beantragt")),
    ("confirmed", _("bestätigt")),
    ("rejected", _("abgelehnt")),
)
_ROLE = F("role", _("Rolle"), K.STATE, ROLES)
_ROLES = F("roles", _("Rollen"), K.LIST)
_ASSIGNMENT = (
    _ROLE,
    _ROLES,
    F("kitas", _("geleitete Kitas"), K.LIST),
    F("traeger", _("vertretener Träger")),
)
_ROLE_GRANT = (
    F("request_id", _("Anfrage"), K.REF),
    _ROLE,
    F("state", _("Status der Anfrage"), K.STATE, ROLE_GRANT_STATES),
    F("version", _("Version"), K.REF),
    _ROLES,
    F("requested_by", _("beantragt von"), K.REF),
)
_LINK = (
    F("email", _("E-Mail")),
    F("sent_at", _("gesendet am"), K.DATETIME),
    F("expires_at", _("Link gültig bis"), K.DATETIME),
)
ROLE_GRANT = register("role.grant", _("Rolle vergeben"), _ASSIGNMENT)
ROLE_REVOKE = register("role.revoke", _("Rolle entzogen"), _ASSIGNMENT)
ROLE_GRANT_REQUEST = register(
    "role_grant.request",
    _("Rollenvergabe beantragt (Bestätigung durch zweite Person)"),
    _ROLE_GRANT,
)
ROLE_GRANT_CONFIRM = register(
    "role_grant.confirm", _("Rollenvergabe bestätigt (Rolle vergeben)"), _ROLE_GRANT
)
ROLE_GRANT_REJECT = register("role_grant.reject", _("Rollenvergabe abgelehnt"), _ROLE_GRANT)
_ACTIVE = (F("is_active", _("aktiv"), K.BOOL),)
USER_ACTIVATE = register("user.activate", _("Konto reaktiviert"), _ACTIVE)
USER_DEACTIVATE = register("user.deactivate", _("Konto deaktiviert"), _ACTIVE)
USER_INVITE_RESEND = register(
    "user.invite_resend",
    _("Einladung erneut gesendet"),
    (F("state", _("Einladung"), K.STATE, INVITATION_STATES), *_LINK),
)
USER_PASSWORD_RESET_LINK = register(
    "user.password_reset_link", _("Link zum Festlegen eines neuen Passworts gesendet"), _LINK
)

# --- master data in the admin (issue 13) ---
# Every create, change and delete of a Jugendamt, Träger, Sozialraum or Kita
# (``sozialraeume.master_data_services``) and of a budget year (``budget_year_delete``;
# create and change: ``budget_year.*`` above) made in the admin, with old and new values.
# A change stores only the fields that changed; a related row by its name and its id.
_MASTER_DATA = (
    F("name", _("Name")),
    # a Jugendamt
    F("slug", _("Kurzname")),
    F("consultation_min_days", _("Mindestdauer der Abstimmung (Tage)"), K.NUMBER),
    F("fte_min", _("kleinster Stellenanteil je Zeile (VZÄ)"), K.FTE),
    F("fte_max", _("größter Stellenanteil je Zeile (VZÄ)"), K.FTE),
    F("fte_step", _("Schritt des Stellenanteils (VZÄ)"), K.FTE),
    F("goals_text", _("Ziele des Sozialraumbudgets")),
    # a Träger or Sozialraum
    F("jugendamt_id", _("Jugendamt"), K.REF),
    F("jugendamt", _("Jugendamt")),
    F("description", _("Beschreibung")),
    F("position", _("Reihenfolge"), K.NUMBER),
    # a Kita
    F("sozialraum_id", _("Sozialraum"), K.REF),
    F("sozialraum", _("Sozialraum")),
    F("traeger_id", _("Träger"), K.REF),
    F("traeger", _("Träger")),
    F("street", _("Straße und Hausnummer")),
    F("postal_code", _("PLZ")),
    F("city", _("Ort")),
    F("places", _("Plätze"), K.NUMBER),
    F("active", _("aktiv"), K.BOOL),
)
# the event's object (``object_type``) says which master data it was
MASTERDATA_CREATE = register("masterdata.create", _("Stammdaten angelegt"), _MASTER_DATA)
MASTERDATA_CHANGE = register("masterdata.change", _("Stammdaten geändert"), _MASTER_DATA)
MASTERDATA_DELETE = register("masterdata.delete", _("Stammdaten gelöscht"), _MASTER_DATA)
BUDGET_YEAR_DELETE = register("budget_year.delete", _("Budgetjahr gelöscht"), _BUDGET_YEAR)
# a survey round's dates changed in the admin (its state only by opening and closing)
ROUND_DATES_CHANGE = register(
    "round.dates_change",
    _("Termine der Erhebungsrunde geändert"),
    (
        F("stichtag", _("Stichtag"), K.DATE),
        F("opens_on", _("geöffnet ab"), K.DATE),
        F("closes_on", _("Abgabe bis"), K.DATE),
    ),
)

# --- operations: mail outbox (issue 13) ---
# What a reminder run actually put into the outbox: per Kita the number of leaders
# written to (``survey.reminder`` per Kita stays the record that holds a Kita back for
# 20 hours). Delivery itself is logged by the outbox (post_office's Email and Log rows).
ROUND_REMINDERS_SEND = register(
    "round.reminders_send",
    _("Erinnerungen in den Postausgang gelegt"),
    (
        F("round", _("Runde")),
        F("mails", _("E-Mails"), K.NUMBER),
        F(
            "kitas",
            _("erinnerte Kitas"),
            K.LIST,
            parts=(
                F("kita_id", _("Kita"), K.REF),
                F("kita", _("Kita")),
                F("recipients", _("Empfänger"), K.NUMBER),
            ),
        ),
    ),
)

# --- questionnaire: autosave (issue 14) ---
# The questionnaire page saves the draft every ~30 s while the Kita leader types; kept
# apart from ``response_saved`` (the button) so the history tells the two apart, with the
# number of items still to fix in the stored draft.
RESPONSE_AUTOSAVED = register(
    "response.autosaved",
    _("Fragebogen automatisch zwischengespeichert"),
    (_RESPONSE_STATUS, _VERSION, F("problems", _("noch zu klären"), K.NUMBER)),
)

# --- committee report: the concept's goals (issue 14) ---
# The Jugendamt's goals text shown in the committee report (chapter 3.2 of the concept
# until changed), edited by its Leitung or Administration on /berichte/ziele/.
JUGENDAMT_GOALS_CHANGE = register(
    "jugendamt.goals_change",
    _("Ziele für den Ausschussbericht geändert"),
    (F("goals_text", _("Ziele des Sozialraumbudgets")),),
)

# --- issue 15: part A (Sozialraum-Teams: teams, members, meetings, minutes) ---
# A team per Sozialraum with its members (accounts or external people: name, organisation,
# function, e-mail only), the Jugendamt's contact person, and its meetings: invitations
# with an iCalendar attachment (an update or cancellation raises the calendar SEQUENCE),
# attendance with the Kita leaders' release hours, minutes (changed only with a visible
# correction note), tasks and documents.
MEMBER_KINDS = (
    ("kita", _("Kita-Leitung")),
    ("traeger", _("Träger-Vertretung")),
    ("jugendamt", _("Jugendamt")),
    ("sozialarbeit", _("Kita-Sozialarbeit")),
    ("eltern", _("Eltern")),
    ("quartier", _("Quartiersmanagement")),
    ("einrichtung", _("soziale Einrichtung / Verein")),
    ("sonstige", _("sonstige")),
)
MEETING_STATES = (
    ("planned", _("geplant")),
    ("held", _("stattgefunden")),
    ("cancelled", _("abgesagt")),
)
_TEAM = (
    F("sozialraum_id", _("Sozialraum"), K.REF),
    F("sozialraum", _("Sozialraum")),
    F("contact_person_id", _("Ansprechperson des Jugendamts"), K.REF),
    F("contact_person", _("Ansprechperson des Jugendamts")),
    F("founded_on", _("gegründet am"), K.DATE),
)
_TEAM_MEMBER = (
    F("team_id", _("Team"), K.REF),
    F("kind", _("Funktion im Team"), K.STATE, MEMBER_KINDS),
    F("user_id", _("Konto"), K.REF),
    F("kita_id", _("Kita"), K.REF),
    F("traeger_id", _("Träger"), K.REF),
    F("name", _("Name")),
    F("organisation", _("Organisation")),
    F("function", _("Funktion")),
    F("email", _("E-Mail")),
    F("joined_on", _("dabei seit"), K.DATE),
    F("left_on", _("ausgeschieden am"), K.DATE),
)
_MEETING = (
    F("team_id", _("Team"), K.REF),
    F("title", _("Titel")),
    F("starts_at", _("Beginn"), K.DATETIME),
    F("ends_at", _("Ende"), K.DATETIME),
    F("location", _("Ort")),
    F("agenda", _("Tagesordnung")),
    F("state", _("Status"), K.STATE, MEETING_STATES),
    F("sequence", _("Kalender-Version"), K.NUMBER),
    F("minute_taker_id", _("Protokoll führt"), K.REF),
    F("recipients", _("Empfänger"), K.NUMBER),
)
_MINUTES = (
    F("minutes", _("Protokoll")),
    F("decisions", _("Beschlüsse")),
    F("note", _("Korrekturvermerk")),
    F("state", _("Status"), K.STATE, MEETING_STATES),
)
TEAM_CREATE = register("team.create", _("Sozialraum-Team eingerichtet"), _TEAM)
TEAM_CONTACT_CHANGE = register("team.contact_change", _("Ansprechperson des Teams geändert"), _TEAM)
TEAM_MEMBER_ADD = register("team_member.add", _("Team-Mitglied aufgenommen"), _TEAM_MEMBER)
TEAM_MEMBER_LEAVE = register("team_member.leave", _("Team-Mitglied ausgeschieden"), _TEAM_MEMBER)
MEETING_CREATE = register("meeting.create", _("Team-Sitzung angelegt"), _MEETING)
MEETING_CHANGE = register("meeting.change", _("Team-Sitzung geändert"), _MEETING)
MEETING_INVITE = register("meeting.invite", _("Zur Team-Sitzung eingeladen"), _MEETING)
MEETING_CANCEL = register("meeting.cancel", _("Team-Sitzung abgesagt"), _MEETING)
MEETING_ATTENDANCE = register(
    "meeting.attendance",
    _("Anwesenheit der Team-Sitzung erfasst"),
    (
        F("state", _("Status"), K.STATE, MEETING_STATES),
        F(
            "attendance",
            _("Anwesenheit"),
            K.LIST,
            parts=(
                F("member_id", _("Mitglied"), K.REF),
                F("member", _("Mitglied")),
                F("present", _("anwesend"), K.BOOL),
                F("hours", _("Freistellung (Stunden)"), K.NUMBER),
            ),
        ),
    ),
)
MEETING_MINUTES = register("meeting.minutes", _("Protokoll der Team-Sitzung geschrieben"), _MINUTES)
MEETING_MINUTES_CORRECT = register(
    "meeting.minutes_correct", _("Protokoll der Team-Sitzung korrigiert"), _MINUTES
)
_TASK = (
    F("meeting_id", _("Sitzung"), K.REF),
    F("text", _("Aufgabe")),
    F("owner_id", _("zuständig"), K.REF),
    F("owner", _("zuständig")),
    F("due_on", _("fällig am"), K.DATE),
    F("done", _("erledigt"), K.BOOL),
)
MEETING_TASK_ADD = register("meeting_task.add", _("Aufgabe aus der Team-Sitzung angelegt"), _TASK)
MEETING_TASK_DONE = register(
    "meeting_task.done", _("Aufgabe aus der Team-Sitzung erledigt oder wieder geöffnet"), _TASK
)
MEETING_DOCUMENT_ADD = register(
    "meeting_document.add",
    _("Unterlage zur Team-Sitzung hochgeladen"),
    (
        F("meeting_id", _("Sitzung"), K.REF),
        F("name", _("Dateiname")),
        F("size", _("Größe (Bytes)"), K.NUMBER),
    ),
)

# --- issue 15: part B (release time, reviews of the distribution) ---
# A Kita leader's release for a special task, agreed with the Jugendamt beforehand; the
# review of the distribution in a Sozialraum with its team (concept 4: every 2,5 years).
RELEASE_STATES = (
    ("requested", _("beantragt")),
    ("approved", _("genehmigt")),
    ("declined", _("abgelehnt")),
)
_RELEASE = (
    F("kita", _("Kita")),
    F("task", _("Aufgabe")),
    F("hours", _("Stunden"), K.FTE),  # two decimals (FTE's format), e.g. 2,50
    F("period_start", _("von"), K.DATE),
    F("period_end", _("bis"), K.DATE),
    F("state", _("Status"), K.STATE, choices=RELEASE_STATES),
)
RELEASE_REQUEST = register("release.request", _("Freistellung beantragt"), _RELEASE)
RELEASE_APPROVE = register("release.approve", _("Freistellung genehmigt"), _RELEASE)
RELEASE_DECLINE = register("release.decline", _("Freistellung abgelehnt"), _RELEASE)
EXPORT_RELEASE_SUMMARY = register(
    "export.release_summary",
    _("Jahresübersicht der Freistellungen exportiert"),
    (F("year", _("Jahr"), K.NUMBER), F("kitas", _("Kitas"), K.NUMBER), F("format", _("Format"))),
)
TEAM_REVIEW_STATES = (
    ("open", _("offen")),
    ("held", _("mit dem Team beraten")),
    ("decided", _("entschieden")),
)
TEAM_REVIEW_TRIGGERS = (
    ("due", _("fällig (30 Monate nach dem Beschluss)")),
    ("demand", _("auf Anlass")),
)
TEAM_REVIEW_OUTCOMES = (
    ("keep", _("Verteilung bleibt")),
    ("adjust", _("Verteilung wird angepasst")),
)
REVIEW_OPEN = register(
    "review.open",
    _("Überprüfung der Verteilung eröffnet"),
    (
        F("sozialraum", _("Sozialraum")),
        F("trigger", _("Anlass"), K.STATE, choices=TEAM_REVIEW_TRIGGERS),
        F("due_on", _("fällig am"), K.DATE),
        F("plan_id", _("überprüfter Plan"), K.REF),
    ),
)
REVIEW_HOLD = register(
    "review.hold",
    _("Überprüfung mit dem Team beraten"),
    (
        F("state", _("Status"), K.STATE, choices=TEAM_REVIEW_STATES),
        F("meeting", _("Team-Sitzung")),
        F("meeting_id", _("Team-Sitzung"), K.REF),
        F("findings", _("Ergebnisse")),
        F("recommendation", _("Empfehlung des Teams")),
    ),
)
REVIEW_DECIDE = register(
    "review.decide",
    _("Überprüfung entschieden"),
    (
        F("state", _("Status"), K.STATE, choices=TEAM_REVIEW_STATES),
        F("outcome", _("Entscheidung"), K.STATE, choices=TEAM_REVIEW_OUTCOMES),
        F("next_due", _("nächste Überprüfung fällig"), K.DATE),
        F("plan_id", _("überprüfter Plan"), K.REF),
    ),
)

# --- issue 15: part C (FS2 centres, FS4 requests) ---
# A Sozialraum's Kommunikations- und Nachbarschaftszentrum (FS2), created, changed and
# closed by the Jugendamt's planners; FS4 requests of a Kita or its Träger and the
# Jugendamt's decision on them (the requester is told by mail).
PREMISES = (("separate", _("eigene Räume")), ("kita", _("in einer Kita")))
FS4_REQUEST_STATES = (
    ("submitted", _("eingereicht")),
    ("accepted", _("angenommen")),
    ("declined", _("abgelehnt")),
)
REQUESTER_KINDS = (("kita", _("Kita-Leitung")), ("traeger", _("Träger")))
_CENTRE = (
    F("sozialraum_id", _("Sozialraum"), K.REF),
    F("sozialraum", _("Sozialraum")),
    F("name", _("Name")),
    F("premises", _("Räume"), K.STATE, PREMISES),
    F("host_kita_id", _("gastgebende Kita"), K.REF),
    F("host_kita", _("gastgebende Kita")),
    F("address", _("Anschrift")),
    F("opened_on", _("eröffnet am"), K.DATE),
    F("central_location", _("zentrale Lage bestätigt"), K.BOOL),
    F("cross_provider", _("trägerübergreifende Angebote zugesagt"), K.BOOL),
    F("offers", _("Angebote")),
    F("active", _("aktiv"), K.BOOL),
    F("closed_on", _("geschlossen am"), K.DATE),
)
CENTRE_CREATE = register("centre.create", _("Zentrum (FS2) angelegt"), _CENTRE)
CENTRE_CHANGE = register("centre.change", _("Zentrum (FS2) geändert"), _CENTRE)
CENTRE_CLOSE = register("centre.close", _("Zentrum (FS2) geschlossen"), _CENTRE)
_FS4_REQUEST = (
    F("kita_id", _("Kita"), K.REF),
    _KITA,
    F("requester_kind", _("beantragt als"), K.STATE, REQUESTER_KINDS),
    F("need", _("Bedarf")),
    F("justification", _("Begründung")),
    F("fte", _("VZÄ"), K.FTE),
    F("period_start", _("von"), K.DATE),
    F("period_end", _("bis"), K.DATE),
    F("state", _("Status"), K.STATE, FS4_REQUEST_STATES),
    F("decision_reason", _("Begründung der Entscheidung")),
    F("attachments", _("Anlagen"), K.LIST),
)
FS4_REQUEST_SUBMIT = register(
    "fs4_request.submit", _("Antrag auf Zusatzpersonal (FS4) eingereicht"), _FS4_REQUEST
)
FS4_REQUEST_ACCEPT = register(
    "fs4_request.accept", _("Antrag auf Zusatzpersonal (FS4) angenommen"), _FS4_REQUEST
)
FS4_REQUEST_DECLINE = register(
    "fs4_request.decline", _("Antrag auf Zusatzpersonal (FS4) abgelehnt"), _FS4_REQUEST
)

# --- issue 15: part D (FS3 exceptions, Kita leaders in the consultation, answers) ---
# The Jugendamt answers a comment (the answer is a comment of its own, shown under it);
# a second person of the Leitung accepts the justification of an FS3 exception.
PLAN_COMMENT_ANSWER = register(
    "plan.comment_answer",
    _("Kommentar beantwortet"),
    (
        F("comment_id", _("Antwort"), K.REF),
        F("reply_to_id", _("Kommentar"), K.REF),
        F("text", _("Antwort")),
        F("line_id", _("Zeile"), K.REF),
        F("line", _("zu Zeile")),
    ),
)
LINE_EXCEPTION_ACCEPT = register(
    "line.exception_accept",
    _("Begründete Ausnahme anerkannt"),
    (
        F("plan_id", _("Plan"), K.REF),
        F("kita_id", _("Kita"), K.REF),
        _KITA,
        F("strand", _("Förderstrang"), K.STATE, STRANDS),
        F("justification", _("Begründung der Zeile")),
        F("last_editor", _("zuletzt bearbeitet von")),
    ),
)

# --- issue 16: part P1 (qualifications, positions from approved lines, the next year) ---
# The qualification catalogue per Jugendamt (Fachkräfteverordnung RLP); positions (Stellen)
# made from an approved plan's lines, their months filled or vacant, their shares per Kita
# (a cross-Kita position) and the check of the qualification's proof; the next year's plan
# made from the positions that continue.
_QUALIFICATION = (
    F("code", _("Kürzel")),
    F("name", _("Bezeichnung")),
    F("legal_basis", _("Grundlage (Fachkräfteverordnung)")),
    F("active", _("aktiv"), K.BOOL),
)
QUALIFICATION_CREATE = register(
    "qualification.create", _("Qualifikation in den Katalog aufgenommen"), _QUALIFICATION
)
QUALIFICATION_CHANGE = register(
    "qualification.change", _("Qualifikation im Katalog geändert"), _QUALIFICATION
)
_POSITION = (
    F("number", _("Stellennummer")),
    F("budget_year", _("Haushaltsjahr")),
    F("line_id", _("Verteilungszeile"), K.REF),
    F("continues_id", _("Fortsetzung der Stelle"), K.REF),
    F("kita_id", _("Kita"), K.REF),
    _KITA,
    F("strand", _("Förderstrang"), K.STATE, STRANDS),
    _FTE,
    F("starts_on", _("Beginn"), K.DATE),
    F("ends_on", _("Ende"), K.DATE),
    F("employer_id", _("Anstellungsträger"), K.REF),
    F("employer", _("Anstellungsträger")),
    F("qualification", _("Qualifikation")),
    F("qualification_checked_on", _("Nachweis geprüft am"), K.DATE),
    F("qualification_checked_by", _("Nachweis geprüft von")),
    F("planned_cost", _("geplante Personalkosten"), K.EUR),
)
POSITION_CREATE = register("position.create", _("Stelle angelegt"), _POSITION)
POSITION_CHANGE = register("position.change", _("Stelle geändert"), _POSITION)
POSITION_MONTHS = register(
    "position.months",
    _("Besetzung der Stelle je Monat geändert"),
    (
        F("number", _("Stellennummer")),
        F("vacant", _("unbesetzte Monate"), K.LIST),
        F("filled", _("besetzte Monate"), K.LIST),
    ),
)
POSITION_SHARES = register(
    "position.shares",
    _("Anteile der Stelle je Kita geändert"),
    (
        F("number", _("Stellennummer")),
        F(
            "shares",
            _("Anteile je Kita"),
            K.LIST,
            parts=(
                F("kita_id", _("Kita"), K.REF),
                F("kita", _("Kita")),
                F("percent", _("Anteil"), K.PERCENT),
                F("note", _("Tätigkeit dort")),
            ),
        ),
    ),
)
POSITION_QUALIFICATION_CHECK = register(
    "position.qualification_check",
    _("Nachweis der Qualifikation geprüft"),
    (
        F("number", _("Stellennummer")),
        F("qualification", _("Qualifikation")),
        F("qualification_checked_on", _("Nachweis geprüft am"), K.DATE),
        F("qualification_checked_by", _("Nachweis geprüft von")),
    ),
)
PLAN_CREATE_FROM_POSITIONS = register(
    "plan.create_from_positions",
    _("Plan aus den fortlaufenden Stellen angelegt"),
    (
        F("plan_id", _("Plan"), K.REF),
        F("from_year", _("aus dem Haushaltsjahr")),
        F("positions", _("fortlaufende Stellen"), K.LIST),
        F("lines", _("Zeilen"), K.NUMBER),
    ),
)

# --- issue 16: part P2 (actual costs: report, change, confirm, correct, import) ---
COST_STATES = (
    ("reported", _("gemeldet")),
    ("confirmed", _("bestätigt")),
    ("superseded", _("ersetzt")),
)
_ACTUAL_COST = (
    F("position_id", _("Stelle"), K.REF),
    F("position", _("Stellennummer")),
    F("period_start", _("Zeitraum von"), K.DATE),
    F("period_end", _("Zeitraum bis"), K.DATE),
    F("amount", _("Ist-Personalkosten"), K.EUR),
    F("state", _("Status"), K.STATE, COST_STATES),
    F("supersedes_id", _("korrigiert"), K.REF),
    F("correction_reason", _("Grund der Korrektur")),
)
ACTUAL_COST_REPORT = register("actual_cost.report", _("Ist-Kosten gemeldet"), _ACTUAL_COST)
ACTUAL_COST_CHANGE = register("actual_cost.change", _("Ist-Kosten geändert"), _ACTUAL_COST)
ACTUAL_COST_CONFIRM = register("actual_cost.confirm", _("Ist-Kosten bestätigt"), _ACTUAL_COST)
ACTUAL_COST_CORRECT = register(
    "actual_cost.correct", _("Korrektur der Ist-Kosten vorgeschlagen"), _ACTUAL_COST
)
ACTUAL_COST_IMPORT = register(
    "actual_cost.import",
    _("Ist-Kosten importiert"),
    (
        F("source", _("Datei")),
        F("rows", _("Zeilen"), K.NUMBER),
        F("reported", _("neu gemeldet"), K.NUMBER),
        F("changed", _("geändert"), K.NUMBER),
        F("total", _("Summe"), K.EUR),
    ),
)

# --- issue 16: the proof of use for the Land, signed off by the Jugendamt-Leitung ---
PROOF_SIGN_OFF = register(
    "proof.sign_off",
    _("Verwendungsnachweis bestätigt"),
    (
        F("year", _("Haushaltsjahr")),
        F("stichtag", _("Stichtag"), K.DATE),
        F("provisional", _("vorläufig (enthält Prognosewerte)"), K.BOOL),
        F("actual_cost", _("Ist-Personalkosten"), K.EUR),
        F("actual_state", _("Landesanteil (Ist)"), K.EUR),
        F("actual_unspent", _("nicht verausgabt (Ist)"), K.EUR),
        F("content_hash", _("Prüfsumme (SHA-256)")),
    ),
)
