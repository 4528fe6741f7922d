"""Writes of the evaluation survey (issue 17, concept chapter 4).

Every write asks the policy (``evaluation.permissions``), runs in one transaction and
records its audit event there (``evaluation.audit_actions``); mails go to the outbox in
the same step (``evaluation.notifications``).

- An instrument is created from the built-in template (``evaluation.template``: the six
  blocks, 16 items, waves T0/T1/T2 with the concept's dates). Its items may be changed
  until its first wave opens; then it is frozen and a change needs a new version (a copy
  with the next version number and fresh planned waves).
- A wave is planned, open or closed. Invitations (one per e-mail address) are sent while
  it is open; each carries a personal link with a random token of 32 bytes, of which the
  database keeps only the SHA-256. A link works while the wave is open and not past its
  last day, once: ``answers_submit`` marks the invitation answered and writes the answers
  into tables that have no link to it (see ``evaluation.models``). A reminder issues a new
  token (the old link stops working), because the raw token is not stored.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from email.utils import parseaddr

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import events as audit_events
from evaluation import notifications
from evaluation import template as tpl
from evaluation.models import (
    LIKERT_KINDS,
    Answer,
    Block,
    EvaluationInstrument,
    Invitation,
    Item,
    ItemKind,
    RespondentType,
    Submission,
    Wave,
    WaveState,
)
from evaluation.permissions import instrument_policy, wave_policy
from sozialraeume.models import Jugendamt, User

MAX_TEXT = 4000
MAX_NUMBER = Decimal("9999999999.99")
MAX_OPTIONS = 12
MAX_INVITATIONS = 500  # addresses in one list
REMIND_AGAIN_AFTER = datetime.timedelta(hours=20)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Dazu sind Sie nicht berechtigt."))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


# --- snapshots for the audit trail ---------------------------------------------------


def instrument_snapshot(instrument: EvaluationInstrument) -> dict:
    return {
        "code": instrument.code,
        "title": instrument.title,
        "version": instrument.version,
        "respondent_type": instrument.respondent_type,
        "previous_id": instrument.previous_id,
        "items": Item.objects.filter(block__instrument=instrument).count(),
    }


def item_snapshot(item: Item) -> dict:
    return {
        "instrument_id": item.block.instrument_id,
        "block": item.block.code,
        "code": item.code,
        "text": item.text,
        "kind": item.kind,
        "options": list(item.options or []),
        "required": item.required,
    }


def wave_snapshot(wave: Wave) -> dict:
    return {
        "instrument_id": wave.instrument_id,
        "code": wave.code,
        "label": wave.label,
        "opens_on": wave.opens_on.isoformat(),
        "closes_on": wave.closes_on.isoformat(),
        "state": wave.state,
    }


# --- instruments ---------------------------------------------------------------------


def _add_template_waves(instrument: EvaluationInstrument) -> None:
    Wave.objects.bulk_create(
        Wave(instrument=instrument, code=code, label=label, opens_on=opens, closes_on=closes)
        for code, label, opens, closes in tpl.WAVES
    )


@transaction.atomic
def instrument_create(
    *,
    jugendamt: Jugendamt,
    respondent_type: str,
    acting_user: User,
    title: str = "",
) -> EvaluationInstrument:
    """A new instrument from the built-in template (six blocks, their items, T0–T2)."""
    _require(instrument_policy.user_can(acting_user, "manage", jugendamt))
    if respondent_type not in RespondentType.values:
        raise ValidationError(_("Unbekannte Gruppe der Befragten."), code="respondent_type")
    code = tpl.CODES[respondent_type]
    existing = EvaluationInstrument.objects.filter(jugendamt=jugendamt, code=code)
    if existing.exists():
        raise ValidationError(
            _(
                "Für diese Gruppe gibt es schon ein Instrument (%(code)s). Ändern Sie es, "
                "oder legen Sie dort eine neue Version an."
            )
            % {"code": code},
            code="exists",
        )
    instrument = EvaluationInstrument.objects.create(
        jugendamt=jugendamt,
        code=code,
        title=(title or "").strip()[:200] or tpl.TITLES[respondent_type],
        version=1,
        respondent_type=respondent_type,
    )
    for position, (block_code, block_title) in enumerate(tpl.BLOCKS):
        block = Block.objects.create(
            instrument=instrument, position=position, code=block_code, title=block_title
        )
        Item.objects.bulk_create(
            Item(
                block=block,
                position=i,
                code=code_,
                kind=kind,
                text=text,
                options=list(options),
                required=required,
            )
            for i, (code_, kind, text, options, required) in enumerate(tpl.ITEMS[block_code])
        )
    _add_template_waves(instrument)
    audit_events.record(
        actor=acting_user,
        action="evaluation_instrument.create",
        obj=instrument,
        jugendamt_id=instrument.jugendamt_id,
        new=instrument_snapshot(instrument),
    )
    return instrument


@transaction.atomic
def instrument_new_version(
    *, instrument: EvaluationInstrument, acting_user: User
) -> EvaluationInstrument:
    """A copy of a frozen instrument (blocks and items) with the next version number and
    fresh planned waves T0–T2; the old version and its waves and answers stay as they are."""
    _require(instrument_policy.user_can(acting_user, "manage", instrument))
    if not instrument.is_frozen:
        raise ValidationError(
            _("Dieses Instrument kann noch geändert werden; eine neue Version ist nicht nötig."),
            code="not_frozen",
        )
    latest = (
        EvaluationInstrument.objects.filter(
            jugendamt_id=instrument.jugendamt_id, code=instrument.code
        )
        .order_by("-version")
        .first()
    )
    copy = EvaluationInstrument.objects.create(
        jugendamt_id=instrument.jugendamt_id,
        code=instrument.code,
        title=instrument.title,
        version=latest.version + 1,
        respondent_type=instrument.respondent_type,
        previous=instrument,
    )
    for block in instrument.blocks.prefetch_related("items"):
        new_block = Block.objects.create(
            instrument=copy, position=block.position, code=block.code, title=block.title
        )
        Item.objects.bulk_create(
            Item(
                block=new_block,
                position=item.position,
                code=item.code,
                text=item.text,
                kind=item.kind,
                options=list(item.options or []),
                required=item.required,
            )
            for item in block.items.all()
        )
    _add_template_waves(copy)
    audit_events.record(
        actor=acting_user,
        action="evaluation_instrument.new_version",
        obj=copy,
        jugendamt_id=copy.jugendamt_id,
        old=instrument_snapshot(instrument),
        new=instrument_snapshot(copy),
    )
    return copy


def _check_editable(instrument: EvaluationInstrument) -> None:
    if instrument.is_frozen:
        raise ValidationError(
            _(
                "Das Instrument ist eingefroren, seit seine erste Welle geöffnet wurde: "
                "Fragen können nicht mehr geändert werden. Legen Sie für Änderungen eine "
                "neue Version an."
            ),
            code="frozen",
        )


def _clean_item(*, text: str, kind: str, options, required: bool) -> tuple[str, list, bool]:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Bitte geben Sie den Text der Frage ein."), code="text")
    if len(text) > 1000:
        raise ValidationError(_("Der Text der Frage ist zu lang (höchstens 1000 Zeichen)."))
    if kind not in ItemKind.values:
        raise ValidationError(_("Unbekannte Art der Frage."), code="kind")
    cleaned = [str(o).strip() for o in (options or []) if str(o).strip()]
    if kind in (ItemKind.SINGLE, ItemKind.MULTI):
        if len(cleaned) < 2:
            raise ValidationError(
                _("Eine Auswahlfrage braucht mindestens zwei Antwortmöglichkeiten."),
                code="options",
            )
        if len(cleaned) > MAX_OPTIONS:
            raise ValidationError(
                _("Höchstens %(n)s Antwortmöglichkeiten.") % {"n": MAX_OPTIONS}, code="options"
            )
        if len(set(cleaned)) != len(cleaned):
            raise ValidationError(
                _("Jede Antwortmöglichkeit darf nur einmal vorkommen."), code="options"
            )
        if any(len(o) > 200 for o in cleaned):
            raise ValidationError(_("Eine Antwortmöglichkeit ist zu lang (höchstens 200 Zeichen)."))
    else:
        cleaned = []
    return text, cleaned, bool(required)


@transaction.atomic
def item_update(
    *, item: Item, text: str, kind: str, options: list, required: bool, acting_user: User
) -> Item:
    instrument = item.block.instrument
    _require(instrument_policy.user_can(acting_user, "manage", instrument))
    item = Item.objects.select_for_update().select_related("block__instrument").get(pk=item.pk)
    EvaluationInstrument.objects.select_for_update().filter(pk=instrument.pk).first()
    _check_editable(EvaluationInstrument.objects.get(pk=instrument.pk))
    old = item_snapshot(item)
    item.text, item.options, item.required = _clean_item(
        text=text, kind=kind, options=options, required=required
    )
    item.kind = kind
    item.save()
    audit_events.record(
        actor=acting_user,
        action="evaluation_item.change",
        obj=item,
        jugendamt_id=instrument.jugendamt_id,
        old=old,
        new=item_snapshot(item),
    )
    return item


@transaction.atomic
def item_create(
    *, block: Block, text: str, kind: str, options: list, required: bool, acting_user: User
) -> Item:
    instrument = block.instrument
    _require(instrument_policy.user_can(acting_user, "manage", instrument))
    EvaluationInstrument.objects.select_for_update().filter(pk=instrument.pk).first()
    _check_editable(EvaluationInstrument.objects.get(pk=instrument.pk))
    text, options, required = _clean_item(text=text, kind=kind, options=options, required=required)
    existing = list(block.items.values_list("code", "position"))
    number = len(existing) + 1
    codes = {c for c, _p in existing}
    while f"{block.code}{number}" in codes:
        number += 1
    item = Item.objects.create(
        block=block,
        position=max((p for _c, p in existing), default=-1) + 1,
        code=f"{block.code}{number}",
        text=text,
        kind=kind,
        options=options,
        required=required,
    )
    audit_events.record(
        actor=acting_user,
        action="evaluation_item.create",
        obj=item,
        jugendamt_id=instrument.jugendamt_id,
        new=item_snapshot(item),
    )
    return item


@transaction.atomic
def item_delete(*, item: Item, acting_user: User) -> None:
    instrument = item.block.instrument
    _require(instrument_policy.user_can(acting_user, "manage", instrument))
    EvaluationInstrument.objects.select_for_update().filter(pk=instrument.pk).first()
    _check_editable(EvaluationInstrument.objects.get(pk=instrument.pk))
    old = item_snapshot(item)
    audit_events.record(
        actor=acting_user,
        action="evaluation_item.delete",
        obj=item,
        jugendamt_id=instrument.jugendamt_id,
        old=old,
    )
    item.delete()


# --- waves ---------------------------------------------------------------------------


def _locked_wave(wave: Wave) -> Wave:
    return Wave.objects.select_for_update().select_related("instrument").get(pk=wave.pk)


@transaction.atomic
def wave_update(
    *,
    wave: Wave,
    label: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    acting_user: User,
    today: datetime.date | None = None,
) -> Wave:
    """Label and dates of a planned or open wave (an open wave may end earlier or later,
    but not in the past)."""
    _require(wave_policy.user_can(acting_user, "manage", wave))
    today = today or timezone.localdate()
    wave = _locked_wave(wave)
    if wave.state == WaveState.CLOSED:
        raise ValidationError(_("Die Welle ist geschlossen; ihre Daten bleiben, wie sie sind."))
    if opens_on is None or closes_on is None:
        raise ValidationError(_("Bitte geben Sie Beginn und Ende an."))
    if closes_on < opens_on:
        raise ValidationError(_("Das Ende darf nicht vor dem Beginn liegen."), code="dates")
    if wave.state == WaveState.OPEN and closes_on < today:
        raise ValidationError(
            _("Eine offene Welle kann nicht in der Vergangenheit enden; schließen Sie sie.")
        )
    old = wave_snapshot(wave)
    wave.label = (label or "").strip()[:120]
    wave.opens_on, wave.closes_on = opens_on, closes_on
    wave.save()
    audit_events.record(
        actor=acting_user,
        action="evaluation_wave.change",
        obj=wave,
        jugendamt_id=wave.jugendamt_id,
        old=old,
        new=wave_snapshot(wave),
    )
    return wave


@transaction.atomic
def wave_open(*, wave: Wave, acting_user: User, today: datetime.date | None = None) -> Wave:
    """Open a planned wave; the first wave that opens freezes the instrument."""
    _require(wave_policy.user_can(acting_user, "manage", wave))
    today = today or timezone.localdate()
    wave = _locked_wave(wave)
    if wave.state != WaveState.PLANNED:
        raise ValidationError(_("Nur eine geplante Welle kann geöffnet werden."), code="state")
    if wave.closes_on < today:
        raise ValidationError(
            _(
                "Das Ende der Welle (%(date)s) liegt in der Vergangenheit. Bitte ändern Sie "
                "zuerst ihre Daten."
            )
            % {"date": wave.closes_on.strftime("%d.%m.%Y")},
            code="past",
        )
    instrument = EvaluationInstrument.objects.select_for_update().get(pk=wave.instrument_id)
    if not Item.objects.filter(block__instrument=instrument).exists():
        raise ValidationError(_("Das Instrument hat keine Fragen."), code="empty")
    old = wave_snapshot(wave)
    wave.state = WaveState.OPEN
    wave.save(update_fields=["state"])
    if instrument.frozen_at is None:
        instrument.frozen_at = timezone.now()
        instrument.save(update_fields=["frozen_at"])
    audit_events.record(
        actor=acting_user,
        action="evaluation_wave.open",
        obj=wave,
        jugendamt_id=wave.jugendamt_id,
        old=old,
        new=wave_snapshot(wave),
    )
    return wave


@transaction.atomic
def wave_close(*, wave: Wave, acting_user: User | None) -> Wave:
    """Close an open wave: its links stop working. ``acting_user`` None: the daily task
    closing a wave past its last day."""
    if acting_user is not None:
        _require(wave_policy.user_can(acting_user, "manage", wave))
    wave = _locked_wave(wave)
    if wave.state != WaveState.OPEN:
        raise ValidationError(_("Nur eine offene Welle kann geschlossen werden."), code="state")
    old = wave_snapshot(wave)
    wave.state = WaveState.CLOSED
    wave.save(update_fields=["state"])
    audit_events.record(
        actor=acting_user,
        action="evaluation_wave.close",
        obj=wave,
        jugendamt_id=wave.jugendamt_id,
        old=old,
        new=wave_snapshot(wave),
    )
    return wave


def waves_close_expired(*, today: datetime.date | None = None) -> list[Wave]:
    """Close every open wave past its last day (the daily task; safe to run twice)."""
    today = today or timezone.localdate()
    closed = []
    for wave in Wave.objects.filter(state=WaveState.OPEN, closes_on__lt=today):
        closed.append(wave_close(wave=wave, acting_user=None))
    return closed


# --- invitations and reminders --------------------------------------------------------


@dataclass
class InviteResult:
    created: list[tuple[Invitation, str]] = field(default_factory=list)  # with raw token
    skipped: list[str] = field(default_factory=list)  # already invited


def parse_addresses(text: str) -> list[tuple[str, str]]:
    """One address per line ("erika@example.org" or "Erika Muster <erika@example.org>"):
    (name, address) pairs, each address once; German errors naming the line."""
    result: list[tuple[str, str]] = []
    seen: set[str] = set()
    errors = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().rstrip(",;")
        if not line:
            continue
        name, address = parseaddr(line)
        address = address.strip()
        try:
            if not address or " " in address:
                raise ValidationError("")
            validate_email(address)
        except ValidationError:
            errors.append(
                _("Zeile %(n)s: „%(line)s“ ist keine gültige E-Mail-Adresse.")
                % {"n": number, "line": line[:80]}
            )
            continue
        key = address.lower()
        if key in seen:
            continue
        seen.add(key)
        result.append((name.strip()[:200], address))
    if errors:
        raise ValidationError(errors, code="addresses")
    if not result:
        raise ValidationError(_("Bitte geben Sie mindestens eine E-Mail-Adresse ein."))
    if len(result) > MAX_INVITATIONS:
        raise ValidationError(
            _("Höchstens %(n)s Adressen auf einmal.") % {"n": MAX_INVITATIONS}, code="too_many"
        )
    return result


@transaction.atomic
def invitations_create(
    *,
    wave: Wave,
    addresses: str,
    acting_user: User,
    today: datetime.date | None = None,
) -> InviteResult:
    """One invitation per new address of an open wave, each mailed with its personal
    link. Addresses invited before are skipped (their link is not re-sent: that is the
    reminder). Returns the new invitations with their raw tokens (only here and in the
    mail)."""
    _require(wave_policy.user_can(acting_user, "manage", wave))
    wave = _locked_wave(wave)
    if not wave.accepts_answers(today):
        raise ValidationError(
            _("Einladungen sind nur möglich, solange die Welle offen ist."), code="state"
        )
    pairs = parse_addresses(addresses)
    known = {e.lower() for e in wave.invitations.values_list("email", flat=True)}
    result = InviteResult()
    now = timezone.now()
    for name, address in pairs:
        if address.lower() in known:
            result.skipped.append(address)
            continue
        token, digest = _new_token()
        invitation = Invitation.objects.create(
            wave=wave, email=address, name=name, token_hash=digest, sent_at=now
        )
        result.created.append((invitation, token))
    notifications.send_links(wave=wave, pairs=result.created, reminder=False)
    audit_events.record(
        actor=acting_user,
        action="evaluation_wave.invite",
        obj=wave,
        jugendamt_id=wave.jugendamt_id,
        new={"code": wave.code, "invited": len(result.created), "skipped": len(result.skipped)},
    )
    return result


@transaction.atomic
def wave_reminders_send(
    *, wave: Wave, acting_user: User | None, now: datetime.datetime | None = None
) -> int:
    """Remind everyone invited to an open wave who has not answered and was not reminded
    within the last 20 hours, each with a new personal link. ``acting_user`` None: the
    daily task. Returns the number of reminders."""
    if acting_user is not None:
        _require(wave_policy.user_can(acting_user, "manage", wave))
    now = now or timezone.now()
    wave = _locked_wave(wave)
    if not wave.accepts_answers(timezone.localdate(now)):
        raise ValidationError(
            _("Erinnerungen sind nur möglich, solange die Welle offen ist."), code="state"
        )
    due = (
        Invitation.objects.select_for_update()
        .filter(wave=wave, answered=False)
        .exclude(reminded_at__gt=now - REMIND_AGAIN_AFTER)
        .exclude(sent_at__gt=now - REMIND_AGAIN_AFTER)
    )
    pairs = []
    for invitation in due:
        token, digest = _new_token()
        invitation.token_hash = digest
        invitation.reminded_at = now
        invitation.save(update_fields=["token_hash", "reminded_at"])
        pairs.append((invitation, token))
    notifications.send_links(wave=wave, pairs=pairs, reminder=True)
    if pairs:
        audit_events.record(
            actor=acting_user,
            action="evaluation_wave.remind",
            obj=wave,
            jugendamt_id=wave.jugendamt_id,
            new={"code": wave.code, "reminded": len(pairs)},
        )
    return len(pairs)


def reminders_send_due(*, today: datetime.date | None = None) -> int:
    """The daily task: remind once in the last week of every open wave."""
    today = today or timezone.localdate()
    total = 0
    waves = Wave.objects.filter(
        state=WaveState.OPEN,
        closes_on__gte=today,
        closes_on__lte=today + datetime.timedelta(days=7),
    )
    for wave in waves:
        if wave.invitations.filter(answered=False, reminded_at__isnull=True).exists():
            total += wave_reminders_send(wave=wave, acting_user=None)
    return total


# --- answering through the personal link ----------------------------------------------


class LinkGone(Exception):
    """The personal link does not work (any more): ``status`` 404 (unknown) or 410."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def invitation_for_token(token: str, *, today: datetime.date | None = None) -> Invitation:
    """The invitation of a personal link that may still answer, or ``LinkGone``."""
    invitation = (
        Invitation.objects.select_related("wave__instrument")
        .filter(token_hash=token_hash(token or ""))
        .first()
    )
    if invitation is None:
        raise LinkGone(
            404,
            _(
                "Diesen Link kennen wir nicht. Vielleicht wurde er durch den Link einer "
                "Erinnerung ersetzt; bitte nehmen Sie den Link aus der neuesten E-Mail."
            ),
        )
    if invitation.answered:
        raise LinkGone(
            410,
            _("Mit diesem Link wurde bereits geantwortet. Jede Person kann nur einmal antworten."),
        )
    if not invitation.wave.accepts_answers(today):
        raise LinkGone(
            410,
            _("Die Befragung ist beendet (die Welle ist geschlossen); der Link gilt nicht mehr."),
        )
    return invitation


def _answer_row(item: Item, value) -> Answer | None | str:
    """The Answer for one value, None for no answer, or a German error text."""
    if value is None or value == "" or value == []:
        return None
    if item.kind in LIKERT_KINDS:
        points = len(item.scale)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= points:
            return _("Bitte wählen Sie einen Wert von 1 bis %(n)s.") % {"n": points}
        return Answer(item=item, number=Decimal(value))
    if item.kind == ItemKind.SINGLE:
        if isinstance(value, bool) or not isinstance(value, int):
            return _("Bitte wählen Sie eine der Antwortmöglichkeiten.")
        if not 0 <= value < len(item.scale):
            return _("Bitte wählen Sie eine der Antwortmöglichkeiten.")
        return Answer(item=item, choices=[value])
    if item.kind == ItemKind.MULTI:
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v < len(item.scale)
            for v in value
        ):
            return _("Bitte wählen Sie nur angebotene Antwortmöglichkeiten.")
        return Answer(item=item, choices=sorted(set(value)))
    if item.kind == ItemKind.NUMBER:
        try:
            number = Decimal(value)
        except (InvalidOperation, TypeError, ValueError):
            return _("Bitte geben Sie eine Zahl ein.")
        if not number.is_finite() or number < 0 or number > MAX_NUMBER:
            return _("Bitte geben Sie eine Zahl ab 0 ein.")
        if number != number.quantize(Decimal("0.01")):
            return _("Bitte höchstens zwei Nachkommastellen.")
        return Answer(item=item, number=number)
    text = str(value).strip()
    if not text:
        return None
    if len(text) > MAX_TEXT:
        return _("Der Text ist zu lang (höchstens %(n)s Zeichen).") % {"n": MAX_TEXT}
    return Answer(item=item, text=text)


def field_name(item: Item) -> str:
    """The form field of an item (forms and the service's errors agree on it)."""
    return f"item_{item.pk}"


@transaction.atomic
def answers_submit(
    *, token: str, answers: dict[int, object], today: datetime.date | None = None
) -> Wave:
    """Store one respondent's answers (``{item id: value}``: Likert points 1..n, an option
    index, a list of indexes, a Decimal, a text) and use up the link.

    Anonymous by construction: the invitation is only marked answered; the Submission and
    its Answers get random keys and the day, nothing that leads back to it, and the audit
    event is about the wave. Refused (``LinkGone``) for an unknown, used or expired link;
    ``ValidationError`` keyed by form field for missing or impossible answers."""
    today = today or timezone.localdate()
    invitation = invitation_for_token(token, today=today)
    # lock the invitation: two tabs sending at once answer once
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation = invitation_for_token(token, today=today)
    wave = invitation.wave
    items = list(Item.objects.filter(block__instrument_id=wave.instrument_id))
    known = {item.pk for item in items}
    if set(answers) - known:
        raise ValidationError(_("Die Antworten passen nicht zu diesem Fragebogen."))
    rows, errors = [], {}
    for item in items:
        row = _answer_row(item, answers.get(item.pk))
        if isinstance(row, str):
            errors[field_name(item)] = [row]
        elif row is None:
            if item.required:
                errors[field_name(item)] = [_("Bitte beantworten Sie diese Frage.")]
        else:
            rows.append(row)
    if errors:
        raise ValidationError(errors)
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    submission = Submission.objects.create(wave=wave, submitted_on=today)
    for row in rows:
        row.submission = submission
    Answer.objects.bulk_create(rows)
    audit_events.record(
        actor=None,
        action="evaluation_wave.answer",
        obj=wave,
        jugendamt_id=wave.jugendamt_id,
        new={"code": wave.code, "submitted_on": today.isoformat()},
    )
    return wave


# --- export -------------------------------------------------------------------------


def results_export_record(
    *, instrument: EvaluationInstrument, waves: list[str], acting_user
) -> None:
    """The audit event of an export (it holds the free texts)."""
    _require(instrument_policy.user_can(acting_user, "view", instrument))
    audit_events.record(
        actor=acting_user,
        action="evaluation_results.export",
        obj=instrument,
        jugendamt_id=instrument.jugendamt_id,
        new={"format": "xlsx", "waves": waves},
    )
