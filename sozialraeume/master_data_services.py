"""Writes on master data: Jugendamt, Träger, Sozialraum and Kita, each with its audit event.

The admin saves and deletes these rows only through here (issue 13, finding 5: master
data changes and deletions were not audited). Each write asks the master-data rule
(``permissions.master_data_policy``), runs in one transaction and records
``masterdata.create`` / ``.change`` / ``.delete`` (``audit/events.py``; the event's
object names the model) with the old and new values in it: a change stores only the
fields that changed, a related row by its name and id. A row never moves to another
Jugendamt, and a Kita's Träger is of its Sozialraum's Jugendamt.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from audit import events as audit_events
from sozialraeume.models import Jugendamt, Kita, Sozialraum, Traeger, User
from sozialraeume.permissions import master_data_policy
from srb_project import policy

MasterData = Jugendamt | Traeger | Sozialraum | Kita

# per model: the fields its audit events record
_FIELDS: dict[type, tuple[str, ...]] = {
    Jugendamt: (
        "name",
        "slug",
        "consultation_min_days",
        "fte_min",
        "fte_max",
        "fte_step",
        "goals_text",
    ),
    Traeger: ("jugendamt", "name"),
    Sozialraum: ("jugendamt", "name", "description", "position"),
    Kita: ("name", "sozialraum", "traeger", "street", "postal_code", "city", "places", "active"),
}


def _fields(obj: MasterData) -> tuple[str, ...]:
    try:
        return _FIELDS[type(obj)]
    except KeyError:
        raise TypeError(f"no master data: {type(obj).__name__}") from None


def _snapshot(obj: MasterData) -> dict:
    """The recorded fields as JSON values: a related row by its id and its name."""
    fields = _fields(obj)
    values: dict = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.is_relation:
            related_id = getattr(obj, field.attname)
            values[f"{name}_id"] = related_id
            values[name] = str(getattr(obj, name)) if related_id is not None else None
        else:
            value = getattr(obj, name)
            values[name] = str(value) if isinstance(value, Decimal) else value
    return values


def _jugendamt_id(obj: MasterData) -> int | None:
    if isinstance(obj, Kita):
        return obj.sozialraum.jugendamt_id if obj.sozialraum_id else None
    return policy.jugendamt_id_of(obj)


def _event_jugendamt_id(obj: MasterData, *, deleting: bool = False) -> int | None:
    # A deleted Jugendamt cannot be the event's Jugendamt (the row would be gone): its
    # deletion is a platform event.
    if isinstance(obj, Jugendamt) and deleting:
        return None
    return _jugendamt_id(obj)


@transaction.atomic
def master_data_save(*, obj: MasterData, acting_user: User) -> MasterData:
    """Create or change a Jugendamt, Träger, Sozialraum or Kita, audited with old and new.

    Refuses (PermissionDenied) what the user may not manage, before and after the change;
    refuses (ValidationError) a row moved to another Jugendamt, a Kita whose Träger is of
    another Jugendamt than its Sozialraum, and whatever the model's validation refuses. A
    save that changes nothing writes nothing."""
    _fields(obj)
    model = type(obj)
    stored = model.objects.select_for_update().filter(pk=obj.pk).first() if obj.pk else None
    if stored is not None and not master_data_policy.user_can(acting_user, "manage", stored):
        raise PermissionDenied
    if not master_data_policy.user_can(acting_user, "manage", obj):
        raise PermissionDenied
    if (
        stored is not None
        and not isinstance(obj, Jugendamt)
        and _jugendamt_id(stored) != _jugendamt_id(obj)
    ):
        raise ValidationError(
            _("Ein Eintrag kann nicht in ein anderes Jugendamt verschoben werden.")
        )
    if isinstance(obj, Kita) and obj.traeger.jugendamt_id != obj.sozialraum.jugendamt_id:
        raise ValidationError(_("Der Träger gehört zu einem anderen Jugendamt als der Sozialraum."))
    obj.full_clean()
    old = _snapshot(stored) if stored is not None else None
    new = _snapshot(obj)
    if old is not None:
        changed = [key for key in new if new[key] != old[key]]
        if not changed:
            return obj
        old = {key: old[key] for key in changed}
        new = {key: new[key] for key in changed}
    obj.save()
    audit_events.record(
        actor=acting_user,
        action="masterdata.change" if stored is not None else "masterdata.create",
        obj=obj,
        jugendamt_id=_event_jugendamt_id(obj),
        old=old,
        new=new,
    )
    return obj


@transaction.atomic
def master_data_delete(*, obj: MasterData, acting_user: User) -> None:
    """Delete a Jugendamt, Träger, Sozialraum or Kita, audited with its last values.

    A row still in use (Kitas of a Sozialraum, answers of a Kita, ...) is refused with a
    ValidationError, and nothing is deleted or recorded."""
    _fields(obj)
    stored = type(obj).objects.select_for_update().get(pk=obj.pk)
    if not master_data_policy.user_can(acting_user, "manage", stored):
        raise PermissionDenied
    audit_events.record(
        actor=acting_user,
        action="masterdata.delete",
        obj=stored,
        jugendamt_id=_event_jugendamt_id(stored, deleting=True),
        old=_snapshot(stored),
    )
    try:
        stored.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("„%(obj)s“ wird noch verwendet und kann nicht gelöscht werden.") % {"obj": stored}
        ) from exc
