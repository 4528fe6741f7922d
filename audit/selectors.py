"""Reading the audit trail: exports, the history of one object, the Jugendamt's list.

The ``*_events`` selectors return querysets (oldest first, the actor joined); the
``*_history`` ones the same events as display rows (``audit.display.EventRow``). Other
apps' objects are named here only by their ``object_type`` strings and ids: the callers
(the views of those apps) pass the ids they have already checked.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from audit.display import EventRow, event_rows
from audit.models import AuditEvent
from audit.permissions import audit_policy

PLAN = "allocation.allocationplan"
LINE = "allocation.allocationline"
REALLOCATION = "allocation.reallocation"
SURVEY_ROUND = "surveys.surveyround"
RESPONSE = "surveys.response"
REMINDER_ACTION = "survey.reminder"  # recorded on the Kita, with the round in ``new``


def events_for_object(*, object_type: str, object_id) -> QuerySet[AuditEvent]:
    """Every event recorded about one row (``object_type`` is the model's label_lower)."""
    return AuditEvent.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")


def plan_events(*, plan_id: int, budget_year_id: int, sozialraum_id: int) -> QuerySet[AuditEvent]:
    """Everything recorded about a plan: its transitions and comments, its lines (by the
    ``plan_id`` in the line's old or new values) and the reallocations of its budget
    year from or to its Sozialraum."""
    reallocations = Q(object_type=REALLOCATION, new__budget_year_id=budget_year_id) & (
        Q(new__to_sozialraum_id=sozialraum_id) | Q(new__from_sozialraum_id=sozialraum_id)
    )
    return AuditEvent.objects.filter(
        Q(object_type=PLAN, object_id=str(plan_id))
        | Q(object_type=LINE, new__plan_id=plan_id)
        | Q(object_type=LINE, old__plan_id=plan_id)
        | reallocations
    ).select_related("actor")


def kita_events(
    *,
    kita_id: int,
    plan_ids: Iterable[int] | None = None,
    budget_year_ids: Iterable[int] | None = None,
    reallocation_ids: Iterable[int] | None = None,
) -> QuerySet[AuditEvent]:
    """The Kita's allocation lines and the reallocations to it.

    ``plan_ids`` (if given) keeps the line events to those plans, ``budget_year_ids``
    the reallocations to those budget years, ``reallocation_ids`` to those reallocations:
    pass what the user may view (a Träger never sees a draft plan, nor a reallocation
    that is only proposed or was rejected); None for everything."""
    lines = Q(object_type=LINE, new__kita_id=kita_id) | Q(object_type=LINE, old__kita_id=kita_id)
    if plan_ids is not None:
        plan_ids = list(plan_ids)
        lines &= Q(new__plan_id__in=plan_ids) | Q(old__plan_id__in=plan_ids)
    reallocations = Q(object_type=REALLOCATION, new__kita_id=kita_id)
    if budget_year_ids is not None:
        reallocations &= Q(new__budget_year_id__in=list(budget_year_ids))
    if reallocation_ids is not None:
        reallocations = Q(
            object_type=REALLOCATION, object_id__in=[str(pk) for pk in reallocation_ids]
        )
    return AuditEvent.objects.filter(lines | reallocations).select_related("actor")


def round_events(*, round_id: int, response_ids: Iterable[int] = ()) -> QuerySet[AuditEvent]:
    """A survey round's events (created, opened, closed, reminders, imports, partners,
    recomputations asked for) and those of its questionnaires (``response_ids``)."""
    return AuditEvent.objects.filter(
        Q(object_type=SURVEY_ROUND, object_id=str(round_id))
        | Q(object_type=RESPONSE, object_id__in=[str(pk) for pk in response_ids])
        | Q(action=REMINDER_ACTION, new__round_id=round_id)
    ).select_related("actor")


def jugendamt_events(*, user, action: str = "") -> QuerySet[AuditEvent]:
    """The whole trail the user may read (their Jugendamt's), newest first; ``action``
    keeps one action code."""
    qs = audit_policy.instances_for(user, "view")
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-pk")


def plan_history(*, plan_id: int, budget_year_id: int, sozialraum_id: int) -> list[EventRow]:
    return event_rows(
        plan_events(plan_id=plan_id, budget_year_id=budget_year_id, sozialraum_id=sozialraum_id)
    )


def kita_history(
    *,
    kita_id: int,
    plan_ids: Iterable[int] | None = None,
    budget_year_ids: Iterable[int] | None = None,
    reallocation_ids: Iterable[int] | None = None,
) -> list[EventRow]:
    """The Kita's history as display rows (see ``kita_events``)."""
    return event_rows(
        kita_events(
            kita_id=kita_id,
            plan_ids=plan_ids,
            budget_year_ids=budget_year_ids,
            reallocation_ids=reallocation_ids,
        )
    )


def round_history(*, round_id: int, response_ids: Iterable[int] = ()) -> list[EventRow]:
    return event_rows(round_events(round_id=round_id, response_ids=response_ids))


def audit_export(*, jugendamt_id: int | None = None) -> list[dict]:
    """The audit trail, oldest first: who, when, what, old, new, why."""
    qs = AuditEvent.objects.select_related("actor").order_by("at", "pk")
    if jugendamt_id is not None:
        qs = qs.filter(jugendamt_id=jugendamt_id)
    return [
        {
            "at": e.at.isoformat(),
            "actor": e.actor.username if e.actor else None,
            "action": e.action,
            "object": e.object_repr,
            "old": e.old,
            "new": e.new,
            "reason": e.reason,
        }
        for e in qs.iterator()
    ]
