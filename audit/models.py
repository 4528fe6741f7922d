"""The append-only, tamper-evident audit trail: the bottom layer that every app writes to.

Rows are written only through ``audit.events.record`` (the vocabulary) and never
changed or deleted: the model and queryset refuse it, the admin is read-only, and on
PostgreSQL a trigger refuses UPDATE and DELETE as well, while the application's runtime
role may only INSERT and SELECT (``manage.py db_grant_runtime``). The time of an event
is the database's; each event carries its number in its chain and a hash over its
content and its predecessor's hash (``audit.chain``), so ``manage.py audit_verify``
finds a row that was changed, removed or slipped in by someone who could bypass all of
that. The table keeps its original name ``allocation_auditevent`` (the model moved here
from ``allocation`` without touching the database, so the trigger and every landed row
stay as they were).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.models import F, Value
from django.db.models.expressions import DatabaseDefault
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import chain


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event, or to give it a time."""


def _is_postgresql(using: str) -> bool:
    return connections[using].vendor == "postgresql"


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        if not _is_postgresql(self.db):
            # The chain is computed in Python on SQLite: one event after the other.
            for obj in objs:
                obj.save(using=self.db)
            return objs
        for obj in objs:
            obj.refuse_supplied_time()
        return super().bulk_create(objs, *args, **kwargs)


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
    # Set by the database (PostgreSQL: by the insert trigger, under the chain's lock);
    # an insert that brings its own time is refused.
    at = models.DateTimeField(_("Zeitpunkt"), db_default=Now(), db_index=True, editable=False)
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
    # The hash chain (``audit.chain``): filled by the database on PostgreSQL (the
    # defaults are placeholders the insert trigger replaces), by ``save`` on SQLite.
    chain_seq = models.BigIntegerField(_("Nr. in der Kette"), db_default=0, editable=False)
    prev_hash = models.CharField(
        _("Prüfwert des Vorgängers"), max_length=64, db_default="", editable=False
    )
    hash = models.CharField(_("Prüfwert"), max_length=64, db_default="", editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "allocation_auditevent"
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        constraints = [
            # One number once per chain (NULL Jugendamt = the global chain, key 0).
            models.UniqueConstraint(
                Coalesce(F("jugendamt"), Value(0), output_field=models.BigIntegerField()),
                F("chain_seq"),
                name="audit_chain_seq_unique",
            ),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, using=None, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only.")
        self.refuse_supplied_time()
        using = using or "default"
        if _is_postgresql(using):
            super().save(*args, using=using, **kwargs)
            return
        # No savepoint of its own: the caller's transaction (``record`` runs in the
        # service's) keeps the read of the chain's head and the insert together.
        with transaction.atomic(using=using, savepoint=False):
            self._link_into_chain(using)
            super().save(*args, using=using, **kwargs)

    def refuse_supplied_time(self) -> None:
        """The time of an event is the database's (the PostgreSQL trigger refuses it too)."""
        if not isinstance(self.at, DatabaseDefault):
            raise AppendOnlyError("The time of an audit event is set by the database.")

    def _link_into_chain(self, using: str) -> None:
        """SQLite: number the event, set its time and hash in Python (what the PostgreSQL
        trigger does in the database). SQLite has one writer at a time, and the unique
        number per chain refuses a second event that read the same predecessor."""
        last = (
            type(self)
            .objects.using(using)
            .filter(jugendamt_id=self.jugendamt_id)
            .order_by("-chain_seq")
            .values_list("chain_seq", "hash", "at")
            .first()
        )
        seq, prev_hash, prev_at = last or (0, chain.GENESIS, None)
        now = timezone.now()
        self.at = max(now, prev_at) if prev_at else now
        self.chain_seq = seq + 1
        self.prev_hash = prev_hash
        self.hash = chain.event_hash(
            jugendamt_id=self.jugendamt_id,
            chain_seq=self.chain_seq,
            at=self.at,
            actor_id=self.actor_id,
            action=self.action,
            object_type=self.object_type,
            object_id=self.object_id,
            object_repr=self.object_repr,
            old=self.old,
            new=self.new,
            reason=self.reason,
            prev_hash=self.prev_hash,
        )

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only.")
