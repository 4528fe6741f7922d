"""The audit vocabulary: every kind of event the product writes, and the only way to write one.

Each action is registered once here with a German label (what the history pages show) and
the payload fields its ``old``/``new`` documents may carry. ``record`` refuses an action
that is not registered and a payload field that the action does not declare, so the
history pages can rely on the shape. Events written before the vocabulary existed keep
their free-form action codes; ``label_for`` shows those as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent


class UnknownAuditAction(ValueError):
    """An event whose action or payload field is not in the vocabulary."""


@dataclass(frozen=True)
class Action:
    """One registered kind of event: its code, German label and payload fields."""

    code: str
    label: str | Promise
    fields: tuple[str, ...] = ()
    # Set where old/new are keyed by a name (e.g. a Sozialraum): each value then holds
    # ``fields``; the text says what the keys are.
    keyed_by: str = ""


_REGISTRY: dict[str, Action] = {}


def register(
    code: str, label: str | Promise, fields: Iterable[str] = (), *, keyed_by: str = ""
) -> Action:
    """Add one action to the vocabulary (each code once)."""
    if code in _REGISTRY:
        raise ValueError(f"audit action registered twice: {code}")
    action = Action(code=code, label=label, fields=tuple(fields), keyed_by=keyed_by)
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
    unknown = sorted(keys - set(action.fields))
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
    return AuditEvent.objects.create(
        jugendamt_id=jugendamt_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=(str(obj) if obj is not None else object_repr)[:300],
        old=old,
        new=new,
        reason=reason,
    )


# --- the vocabulary --------------------------------------------------------------------
# Codes are stored in every row: never rename one that has been written. The two styles
# (``round_created`` next to ``plan.approve``) are history; new actions use ``noun.verb``.

_BUDGET_YEAR = (
    "year",
    "label",
    "state_budget",
    "own_figure",
    "round",
    "fte_costs",
    "fte_step",
)
_PLAN = ("state", "version", "approved_at", "approved_by", "review_due")
_LINE = (
    "plan_id",
    "kita_id",
    "kita",
    "strand",
    "fte",
    "annual_cost",
    "state_part",
    "justification",
    "qualification",
    "central_location",
    "cross_provider",
)

# master data and people (sozialraeume)
USER_INVITE = register("user.invite", _("Person eingeladen"), ("email", "role", "kitas"))
RETENTION_APPLY = register(
    "retention.apply",
    _("Löschkonzept angewendet"),
    (
        "answers_cleared",
        "invitations_deactivated",
        "users_anonymised",
        "login_records_deleted",
        "sessions_deleted",
        "audit_events_past_retention",
    ),
)

# survey rounds and questionnaires (surveys)
ROUND_CREATED = register(
    "round_created", _("Erhebungsrunde angelegt"), ("code", "stichtag", "instrument")
)
ROUND_OPENED = register("round_opened", _("Erhebungsrunde geöffnet"), ("state",))
ROUND_CLOSED = register("round_closed", _("Erhebungsrunde geschlossen"), ("state", "submitted"))
ROUND_REMINDERS_QUEUED = register("round_reminders_queued", _("Erinnerungen angestoßen"))
ROUND_PARTNERS_CHANGED = register(
    "round_partners_changed", _("Netzwerkpartner der Runde geändert"), ("partners",)
)
SURVEY_REMINDER = register("survey.reminder", _("Erinnerung versandt"), ("round_id", "round"))
RESPONSE_SAVED = register(
    "response_saved", _("Fragebogen zwischengespeichert"), ("status", "version")
)
RESPONSE_SUBMITTED = register(
    "response_submitted", _("Fragebogen eingereicht"), ("status", "version")
)
RESPONSE_REOPENED = register("response_reopened", _("Fragebogen wieder geöffnet"), ("status",))
RESPONSE_REVIEWED = register(
    "response_reviewed", _("Fragebogen geprüft"), ("review_state", "review_comment")
)
RESPONSES_IMPORTED = register("responses_imported", _("Antworten importiert"), ("rows", "source"))

# index runs (indices)
INDEX_RUN_REQUESTED = register("index_run.requested", _("Neuberechnung angefordert"))
INDEX_RUN_FINISHED = register(
    "index_run.finished",
    _("Indizes berechnet"),
    ("kitas", "sozialraeume", "checksum", "method_version", "trigger"),
)
INDEX_RUN_FAILED = register("index_run.failed", _("Berechnung fehlgeschlagen"), ("error",))
INDEX_RUN_STALE = register(
    "index_run.stale", _("Berechnung abgebrochen (zu lange)"), ("started_at",)
)

# budget years, plans, lines and reallocations (allocation)
BUDGET_YEAR_CREATE = register("budget_year.create", _("Budgetjahr angelegt"), _BUDGET_YEAR)
BUDGET_YEAR_UPDATE = register("budget_year.update", _("Budgetjahr geändert"), _BUDGET_YEAR)
BUDGET_YEAR_SHARES = register(
    "budget_year.shares",
    _("Anteile der Sozialräume festgelegt"),
    ("percent", "state_amount", "carried_forward"),
    keyed_by=_("Sozialraum"),
)
PLAN_CREATE = register("plan.create", _("Verteilungsplan angelegt"), _PLAN)
PLAN_PROPOSE = register(
    "plan.propose",
    _("Vorschlag nach Regel erstellt"),
    ("fundable", "allocated", "unallocated", "lines"),
)
PLAN_CONSULTATION = register("plan.consultation", _("In Abstimmung gegeben"), _PLAN)
PLAN_SUBMIT = register("plan.submit", _("Als Beschlussvorlage vorgelegt"), _PLAN)
PLAN_APPROVE = register("plan.approve", _("Beschlossen"), _PLAN)
PLAN_REWORK = register("plan.rework", _("Zur Überarbeitung zurück in den Entwurf"), _PLAN)
PLAN_COMMENT = register("plan.comment", _("Kommentar geschrieben"), ("comment_id", "text"))
LINE_CREATE = register("line.create", _("Zeile angelegt"), _LINE)
LINE_UPDATE = register("line.update", _("Zeile geändert"), _LINE)
LINE_DELETE = register("line.delete", _("Zeile gelöscht"), _LINE)
REALLOCATION_CREATE = register(
    "reallocation.create",
    _("Mittel umverteilt"),
    (
        "budget_year_id",
        "from_sozialraum_id",
        "from_sozialraum",
        "to_sozialraum_id",
        "to_sozialraum",
        "kita_id",
        "kita",
        "amount",
    ),
)

# downloads with per-Kita values (reports)
EXPORT_KITA_INDICES = register(
    "export.kita_indices", _("Export: Indizes je Kita"), ("round", "run_id", "format")
)
EXPORT_ALLOCATION_LINES = register(
    "export.allocation_lines", _("Export: Verteilung je Kita"), ("year", "format")
)
EXPORT_PROOF_OF_USE = register(
    "export.proof_of_use", _("Export: Verwendungsnachweis"), ("year", "format")
)
