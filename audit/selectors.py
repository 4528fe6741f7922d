"""Reading the audit trail: exports and the history of one object."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEvent


def events_for_object(*, object_type: str, object_id) -> QuerySet[AuditEvent]:
    """Every event recorded about one row (``object_type`` is the model's label_lower)."""
    return AuditEvent.objects.filter(
        object_type=object_type, object_id=str(object_id)
    ).select_related("actor")


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
