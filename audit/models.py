"""The append-only audit trail: the bottom layer that every app writes to.

Rows are written only through ``audit.events.record`` (the vocabulary) and never
changed or deleted: the model and queryset refuse it, the admin is read-only, and on
PostgreSQL a trigger refuses UPDATE and DELETE as well. The table keeps its original
name ``allocation_auditevent`` (the model moved here from ``allocation`` without
touching the database, so the trigger and every landed row stay as they were).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One entry of the append-only audit trail: who, when, what, old, new, why."""

    jugendamt = models.ForeignKey(
        "sozialraeume.Jugendamt",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Jugendamt"),
    )
    at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Person"),
    )
    action = models.CharField(_("Aktion"), max_length=60, db_index=True)
    object_type = models.CharField(_("Objekttyp"), max_length=60)
    object_id = models.CharField(_("Objekt-ID"), max_length=40)
    object_repr = models.CharField(_("Objekt"), max_length=300)
    old = models.JSONField(_("alter Wert"), null=True, blank=True, encoder=DjangoJSONEncoder)
    new = models.JSONField(_("neuer Wert"), null=True, blank=True, encoder=DjangoJSONEncoder)
    reason = models.TextField(_("Begründung"), blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "allocation_auditevent"
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")
