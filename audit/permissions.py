"""Who may read the audit trail and the history pages, on ``srb_project.policy``."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AuditEvent
from srb_project import policy


class AuditPolicy(policy.BasePolicy):
    """view: Jugendamt staff, the events of their own Jugendamt. ``obj`` is an event, a
    Jugendamt or its id, or None (whether the user may read history at all)."""

    model = AuditEvent
    actions = ("view",)

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[AuditEvent]:
        if not policy.is_staff(user):
            return AuditEvent.objects.none()
        return AuditEvent.objects.filter(policy.jugendamt_scope(user)).select_related("actor")


audit_policy = policy.register(AuditPolicy())
