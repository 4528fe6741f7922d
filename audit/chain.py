"""The hash chain of the audit trail: how an event's check value is formed and checked.

Every event stores ``chain_seq`` (its number in its chain), ``prev_hash`` (the check value
of the event before it) and ``hash`` (SHA-256 over its content and ``prev_hash``). There is
one chain per Jugendamt and one global chain for events without a Jugendamt. Changing,
removing or slipping in an event breaks the chain at that point; ``manage.py audit_verify``
walks every chain and names the first break.

Who computes the check value:

- **PostgreSQL**: the database. A ``BEFORE INSERT`` trigger (``audit`` migration 0004)
  takes a per-chain advisory lock, numbers the event, sets its time (refusing a supplied
  one) and computes ``hash`` with the SQL function ``srb_audit_event_hash`` (migration
  0003; the canonical text is ``jsonb``'s, which orders keys itself). ``audit_verify``
  recomputes with the same function, so Python never re-implements the SQL form.
- **SQLite** (the embedded demo): ``AuditEvent.save`` does the same in Python with
  ``event_hash`` below (canonical JSON: sorted keys, no spaces). There is no database
  guarantee on SQLite: anyone with the file can rewrite it; the chain still shows a
  change made behind the application's back.

Both forms are frozen: changing either would make every stored check value wrong.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils.translation import gettext as _

GENESIS = ""  # prev_hash of the first event of a chain

# The columns the PostgreSQL hash function takes, in its argument order (migration 0003).
PG_HASH_CALL = (
    "srb_audit_event_hash(jugendamt_id, chain_seq, at, actor_id, action, object_type,"
    " object_id, object_repr, old, new, reason, prev_hash)"
)


def canonical_json(value) -> object:
    """``value`` as the JSON field stores and returns it (Decimals and dates as strings)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def format_at(at: datetime.datetime) -> str:
    """The event time in the hash: UTC, microseconds (as PostgreSQL's ``to_char`` in 0003)."""
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(
    *,
    jugendamt_id: int | None,
    chain_seq: int,
    at: datetime.datetime,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    old,
    new,
    reason: str,
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of one event and its predecessor's check value; the SQLite form."""
    content = {
        "jugendamt": jugendamt_id,
        "seq": chain_seq,
        "at": format_at(at),
        "actor": actor_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_repr": object_repr,
        "old": canonical_json(old),
        "new": canonical_json(new),
        "reason": reason,
        "prev": prev_hash,
    }
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- verification ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainRow:
    """What the walk needs of one stored event; ``expected`` is its recomputed check value."""

    id: int
    jugendamt_id: int | None
    chain_seq: int
    prev_hash: str
    hash: str
    expected: str
    at: datetime.datetime


@dataclass(frozen=True)
class ChainBreak:
    """The first place where a chain is not what was written: which row, and what."""

    kind: str  # "altered", "removed", "inserted", "order"
    row_id: int
    chain_seq: int
    message: str


@dataclass(frozen=True)
class ChainResult:
    jugendamt_id: int | None
    count: int
    head_seq: int
    head_hash: str
    broken: ChainBreak | None


def walk_chain(rows: Iterable[ChainRow]) -> tuple[ChainRow | None, ChainBreak | None]:
    """Walk one chain in ``chain_seq`` order; return (last good row, first break).

    A row is good when its content gives its stored check value, its number follows its
    predecessor's and its ``prev_hash`` is its predecessor's check value. At the first row
    that is not, the kind of damage is told apart by what still fits:

    - the row's ``prev_hash`` names the row *before* its predecessor: the predecessor was
      slipped in (inserted);
    - numbered and linked right, but its content does not give its check value: altered;
    - the same number twice or a time before the predecessor's: inserted;
    - a gap in the numbers while the row itself is intact: rows were removed;
    - the row is intact and numbered right but does not point to its predecessor: the
      predecessor was changed and given a new check value (altered);
    - otherwise its content does not give its check value: altered.
    """
    previous: ChainRow | None = None
    before_previous: ChainRow | None = None
    for row in rows:
        expected_seq = previous.chain_seq + 1 if previous else 1
        expected_prev = previous.hash if previous else GENESIS
        intact = row.expected == row.hash
        if (
            intact
            and row.chain_seq == expected_seq
            and row.prev_hash == expected_prev
            and (previous is None or row.at >= previous.at)
        ):
            before_previous, previous = previous, row
            continue
        return previous, _classify(row, previous, before_previous, expected_seq, intact)
    return previous, None


def _classify(row, previous, before_previous, expected_seq, intact) -> ChainBreak:
    if previous is not None and row.prev_hash == (
        before_previous.hash if before_previous else GENESIS
    ):
        return ChainBreak(
            "inserted",
            previous.id,
            previous.chain_seq,
            _(
                "Eintrag #%(id)s (Nr. %(seq)s) wurde nachträglich eingefügt: sein Nachfolger "
                "#%(next)s verweist auf den Eintrag davor."
            )
            % {"id": previous.id, "seq": previous.chain_seq, "next": row.id},
        )
    expected_prev = previous.hash if previous else GENESIS
    if not intact and row.chain_seq == expected_seq and row.prev_hash == expected_prev:
        return _altered(row)
    if row.chain_seq < expected_seq or (previous is not None and row.at < previous.at):
        return ChainBreak(
            "inserted",
            row.id,
            row.chain_seq,
            _(
                "Eintrag #%(id)s (Nr. %(seq)s) wurde nachträglich eingefügt: Nummer oder "
                "Zeitpunkt passen nicht hinter Eintrag #%(prev)s."
            )
            % {"id": row.id, "seq": row.chain_seq, "prev": previous.id if previous else "–"},
        )
    if intact and row.chain_seq > expected_seq:
        missing = (
            str(expected_seq)
            if row.chain_seq - 1 == expected_seq
            else f"{expected_seq}–{row.chain_seq - 1}"
        )
        return ChainBreak(
            "removed",
            row.id,
            row.chain_seq,
            _("Vor Eintrag #%(id)s (Nr. %(seq)s) fehlen Nr. %(missing)s: gelöscht.")
            % {"id": row.id, "seq": row.chain_seq, "missing": missing},
        )
    if intact and row.chain_seq == expected_seq and previous is not None:
        return ChainBreak(
            "altered",
            previous.id,
            previous.chain_seq,
            _(
                "Eintrag #%(id)s (Nr. %(seq)s) wurde verändert und mit neuem Prüfwert "
                "versehen: sein Nachfolger #%(next)s verweist auf einen anderen Prüfwert."
            )
            % {"id": previous.id, "seq": previous.chain_seq, "next": row.id},
        )
    if not intact:
        return _altered(row)
    return ChainBreak(
        "order",
        row.id,
        row.chain_seq,
        _("Eintrag #%(id)s (Nr. %(seq)s) steht nicht an seinem Platz in der Kette.")
        % {"id": row.id, "seq": row.chain_seq},
    )


def _altered(row) -> ChainBreak:
    return ChainBreak(
        "altered",
        row.id,
        row.chain_seq,
        _(
            "Eintrag #%(id)s (Nr. %(seq)s) wurde verändert: sein Inhalt ergibt nicht den "
            "gespeicherten Prüfwert."
        )
        % {"id": row.id, "seq": row.chain_seq},
    )


def _rows_postgresql(jugendamt_id: int | None, *, only: bool) -> Iterator[ChainRow]:
    where = ""
    params: list = []
    if only:
        where = "WHERE COALESCE(jugendamt_id, 0) = COALESCE(%s, 0)"
        params = [jugendamt_id]
    # The table name is the model's constant, not input.
    sql = (
        f"SELECT id, jugendamt_id, chain_seq, prev_hash, hash, {PG_HASH_CALL}, at "  # noqa: S608
        f"FROM allocation_auditevent {where} "
        "ORDER BY COALESCE(jugendamt_id, 0), chain_seq, id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(2000):
            for values in batch:
                yield ChainRow(*values)


def _rows_python(jugendamt_id: int | None, *, only: bool) -> Iterator[ChainRow]:
    from audit.models import AuditEvent  # models import this module for the SQLite form

    qs = AuditEvent.objects.all()
    if only:
        qs = qs.filter(jugendamt_id=jugendamt_id)
    for e in qs.order_by("jugendamt_id", "chain_seq", "id").iterator(chunk_size=2000):
        yield ChainRow(
            id=e.pk,
            jugendamt_id=e.jugendamt_id,
            chain_seq=e.chain_seq,
            prev_hash=e.prev_hash,
            hash=e.hash,
            expected=event_hash(
                jugendamt_id=e.jugendamt_id,
                chain_seq=e.chain_seq,
                at=e.at,
                actor_id=e.actor_id,
                action=e.action,
                object_type=e.object_type,
                object_id=e.object_id,
                object_repr=e.object_repr,
                old=e.old,
                new=e.new,
                reason=e.reason,
                prev_hash=e.prev_hash,
            ),
            at=e.at,
        )


def verify_chains(*, jugendamt_id: int | None = None, only: bool = False) -> list[ChainResult]:
    """Walk every chain (or, with ``only``, the chain of ``jugendamt_id``; None = global)
    and return per chain its length, its head and its first break."""
    reader = _rows_postgresql if connection.vendor == "postgresql" else _rows_python
    results: list[ChainResult] = []
    current: list[ChainRow] = []
    key = object()

    def finish():
        if current:
            head, broken = walk_chain(current)
            results.append(
                ChainResult(
                    jugendamt_id=current[0].jugendamt_id,
                    count=len(current),
                    head_seq=head.chain_seq if head else 0,
                    head_hash=head.hash if head else GENESIS,
                    broken=broken,
                )
            )

    for row in reader(jugendamt_id, only=only):
        if row.jugendamt_id != key:
            finish()
            current = []
            key = row.jugendamt_id
        current.append(row)
    finish()
    return results
