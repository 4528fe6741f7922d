"""Writing the audit trail. Services call ``audit_record`` inside their transaction."""

from allocation.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    obj,
    jugendamt_id=None,
    old=None,
    new=None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event for ``obj`` (any model instance)."""
    return AuditEvent.objects.create(
        jugendamt_id=jugendamt_id,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        old=old,
        new=new,
        reason=reason,
    )
