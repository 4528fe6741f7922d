"""Audit events as people read them: German labels, "alt → neu", German numbers and dates.

``event_row`` turns one ``AuditEvent`` into an ``EventRow`` for the history pages. A
registered action is shown by its label and each declared field by its label and kind
(``audit.events.Kind``); an old free-form event (or a key its action does not declare)
by its code and "key: value" text. Nothing here shows a Python repr of a payload.
Numbers and dates follow the active language (German by default: 1.234,56 €, 01.12.2026),
times the current time zone (Europe/Berlin).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from audit.events import Action, Field, Kind, get_action
from audit.models import AuditEvent

ARROW = "→"
NBSP = "\u00a0"  # between a number and its unit: "1.234,56 €" stays on one line
EMPTY = "–"


@dataclass(frozen=True)
class Change:
    """One field of an event: its label and the old and/or new value as text."""

    label: str
    old: str | None = None
    new: str | None = None

    @property
    def changed(self) -> bool:
        return self.old is not None and self.new is not None and self.old != self.new

    @property
    def value(self) -> str:
        """ "1,00 → 0,50" for a change, else the one value there is."""
        if self.changed:
            return f"{self.old} {ARROW} {self.new}"
        return self.new if self.new is not None else (self.old or EMPTY)

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"


@dataclass(frozen=True)
class EventRow:
    """One line of a history page."""

    pk: int
    at: datetime.datetime  # aware; for <time datetime>
    when: str  # German date and time in the current time zone
    person: str
    label: str  # the action's German label (an old code as it is)
    code: str
    known: bool  # registered in the vocabulary
    subject: str  # the object as it was named when the event was written
    changes: list[Change] = field(default_factory=list)
    reason: str = ""


# --- values ----------------------------------------------------------------------------


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _number(value: Decimal, places: int) -> str:
    """Grouped, ``places`` decimals, rounded half up (as the amounts are computed)."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, places, force_grouping=True)


def _date(value) -> str | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    return date_format(value, "SHORT_DATE_FORMAT")


def _datetime(value) -> str | None:
    if not isinstance(value, datetime.datetime):
        try:
            value = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            return None
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")


def _yes_no(value) -> str:
    return _("ja") if value else _("nein")


def plain(value) -> str:
    """Any stored value as readable text: "key: value" for dicts, lists joined."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items()) or EMPTY
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value) or EMPTY
    return str(value)


def _scalar(value, f: Field) -> str:
    kind = f.kind
    if kind == Kind.STATE:
        return f.choice_label(value) or plain(value)
    if kind == Kind.BOOL:
        return _yes_no(value)
    if kind in (Kind.EUR, Kind.FTE, Kind.PERCENT, Kind.INDEX, Kind.NUMBER):
        number = _decimal(value)
        if number is None:
            return plain(value)
        if kind == Kind.EUR:
            return f"{_number(number, 2)}{NBSP}€"
        if kind == Kind.PERCENT:
            return f"{_number(number, 2)}{NBSP}%"
        if kind == Kind.FTE:
            return _number(number, 2)
        if kind == Kind.INDEX:
            return _number(number, 1)
        return _number(number, 0)
    if kind == Kind.DATE:
        return _date(value) or plain(value)
    if kind == Kind.DATETIME:
        return _datetime(value) or plain(value)
    return plain(value)


def _parts(value: dict, f: Field) -> str:
    texts = []
    for key, item in value.items():
        part = f.part(key)
        if part is None:
            texts.append(f"{key}: {plain(item)}")
        elif part.kind != Kind.REF:
            texts.append(f"{part.label}: {format_value(item, part)}")
    return ", ".join(texts) or EMPTY


def format_value(value, f: Field) -> str:
    """One value of field ``f`` in German notation."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, dict):
        if f.parts:
            return _parts(value, f)
        # e.g. {strand: euros}: each value in the field's kind
        return "; ".join(f"{k}: {_scalar(v, f)}" for k, v in value.items()) or EMPTY
    if isinstance(value, list | tuple):
        items = []
        for item in value:
            if isinstance(item, dict):
                items.append(_parts(item, f) if f.parts else plain(item))
            elif isinstance(item, list | tuple) and len(item) == 2:
                items.append(plain(item[1]))  # a [key, label] pair: the label
            else:
                items.append(_scalar(item, f) if f.kind != Kind.LIST else plain(item))
        return ("; " if f.parts else ", ").join(items) or EMPTY
    return _scalar(value, f)


# --- events ----------------------------------------------------------------------------


def _as_dict(payload) -> dict:
    if payload is None:
        return {}
    if isinstance(payload, dict):
        return payload
    return {_("Wert"): payload}  # an old event with a bare value


def _worth_showing(change: Change) -> bool:
    """Not a field that is empty before and after (e.g. no qualification on a new line)."""
    return any(v not in (None, EMPTY) for v in (change.old, change.new))


def _field_changes(action: Action | None, old: dict, new: dict, prefix: str = "") -> list[Change]:
    """Declared fields in their order, then any other keys by name; empty ones left out."""
    changes = []
    declared = action.fields if action else ()
    for f in declared:
        if f.kind == Kind.REF or (f.name not in old and f.name not in new):
            continue
        changes.append(
            Change(
                label=f"{prefix}{f.label}",
                old=format_value(old[f.name], f) if f.name in old else None,
                new=format_value(new[f.name], f) if f.name in new else None,
            )
        )
    names = {f.name for f in declared}
    for key in [*old, *(k for k in new if k not in old)]:
        if key in names:
            continue
        changes.append(
            Change(
                label=f"{prefix}{key}",
                old=plain(old[key]) if key in old else None,
                new=plain(new[key]) if key in new else None,
            )
        )
    return [c for c in changes if _worth_showing(c)]


def event_changes(event: AuditEvent) -> list[Change]:
    """What changed, field by field."""
    action = get_action(event.action)
    old, new = _as_dict(event.old), _as_dict(event.new)
    if action is not None and action.keyed_by:
        # {name: {field: value}}: one group of changes per name (e.g. per Sozialraum)
        changes = []
        for key in [*old, *(k for k in new if k not in old)]:
            o, n = old.get(key), new.get(key)
            if isinstance(o, dict | type(None)) and isinstance(n, dict | type(None)):
                changes += _field_changes(action, o or {}, n or {}, prefix=f"{key} – ")
            else:
                changes.append(
                    Change(
                        label=str(key),
                        old=plain(o) if key in old else None,
                        new=plain(n) if key in new else None,
                    )
                )
        return changes
    return _field_changes(action, old, new)


def person_name(user) -> str:
    """The person's full name, or their login when no name is known."""
    if user is None:
        return _("System")
    # ``User.display_name`` (sozialraeume, above this app: read from the object, not imported)
    name = getattr(user, "display_name", None)
    return name or user.get_full_name().strip() or user.get_username()


def event_row(event: AuditEvent) -> EventRow:
    action = get_action(event.action)
    at = timezone.localtime(event.at)
    return EventRow(
        pk=event.pk,
        at=at,
        when=date_format(at, "SHORT_DATETIME_FORMAT"),
        person=person_name(event.actor),
        label=str(action.label) if action else event.action,
        code=event.action,
        known=action is not None,
        subject=event.object_repr,
        changes=event_changes(event),
        reason=event.reason,
    )


def event_rows(events) -> list[EventRow]:
    """Rows of several events (pass a queryset with ``select_related("actor")``)."""
    return [event_row(e) for e in events]
