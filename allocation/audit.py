"""Writing the audit trail. Services call ``audit_record`` inside their transaction."""

from allocation.models import AuditEvent


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    jugendamt_id=None,
    old=None,
    new=None,
    reason: str = "",
    object_type: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one audit event for ``obj`` (a model instance), or for a named subject
    (``object_type``/``object_repr``) when the event is about no single row."""
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
