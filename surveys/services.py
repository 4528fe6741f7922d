"""Writes of the questionnaire app. Each service is atomic, writes its audit event in
the same transaction and sends ``round_answers_changed`` / queues e-mails on commit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from audit import events as audit_events
from sozialraeume.models import Jugendamt, Kita, User
from sozialraeume.permissions import kita_policy
from surveys.models import Instrument, Response, SurveyRound, validate_round_code
from surveys.permissions import response_policy, round_policy
from surveys.reminders import ReminderReport, round_reminders_send
from surveys.signals import send_round_answers_changed
from surveys.validation import check_answers, validate_answers

if TYPE_CHECKING:  # only for the annotation: surveys.exchange imports this module
    from surveys.exchange import ImportRow


class StaleVersionError(Exception):
    """Somebody else saved or submitted the questionnaire in the meantime."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Der Fragebogen wurde inzwischen an anderer Stelle gespeichert oder "
                "eingereicht (z. B. in einem zweiten Browser-Tab). Ihre Änderungen wurden "
                "nicht übernommen; bitte laden Sie die Seite neu."
            )
        )


class AlreadySubmittedError(Exception):
    """A submitted questionnaire is read-only until the Jugendamt reopens it."""

    def __init__(self, message=None):
        super().__init__(
            message
            or _(
                "Dieser Fragebogen ist bereits eingereicht und kann nicht mehr geändert "
                "werden. Wenden Sie sich bei Korrekturen an das Jugendamt."
            )
        )


class RoundNotOpenError(Exception):
    """The round is not (or no longer) open for questionnaires."""

    def __init__(self, message=None):
        super().__init__(message or _("Diese Erhebungsrunde ist nicht geöffnet."))


def _signal_on_commit(round_id: int) -> None:
    transaction.on_commit(lambda: send_round_answers_changed(round_id))


def _require_round_manager(user: User, survey_round: SurveyRound) -> None:
    if not round_policy.user_can(user, "manage", survey_round):
        raise PermissionDenied


# --- rounds ------------------------------------------------------------------------

# Checks of apps above surveys that may refuse the close of a round (inversion: quality
# registers its plausibility check in ``QualityConfig.ready``). Each is called as
# ``check(survey_round=..., acting_user=...)`` inside the close's transaction, before the
# state changes, and raises ValidationError (German) to refuse.
_close_checks: list = []


def register_close_check(check) -> None:
    """Add a check to ``round_close`` (once; safe to call again)."""
    if check not in _close_checks:
        _close_checks.append(check)


@transaction.atomic
def round_create(
    *,
    jugendamt: Jugendamt,
    code: str,
    stichtag: datetime.date,
    opens_on: datetime.date | None = None,
    closes_on: datetime.date | None = None,
    instrument: Instrument | None = None,
    acting_user: User | None,
) -> SurveyRound:
    """A new round in preparation (vorbereitet); ``acting_user`` None: the system, unchecked."""
    if acting_user is not None and not round_policy.user_can(acting_user, "manage", jugendamt):
        raise PermissionDenied
    try:
        validate_round_code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from error
    if SurveyRound.objects.filter(jugendamt=jugendamt, code=code).exists():
        raise ValidationError({"code": _("Eine Runde mit dieser Kennung gibt es schon.")})
    survey_round = SurveyRound.objects.create(
        jugendamt=jugendamt,
        code=code,
        stichtag=stichtag,
        opens_on=opens_on,
        closes_on=closes_on,
        instrument=instrument or Instrument.objects.get(code="SRB-2021"),
    )
    audit_events.record(
        actor=acting_user,
        action="round_created",
        obj=survey_round,
        jugendamt_id=jugendamt.pk,
        new={
            "code": code,
            "stichtag": stichtag.isoformat(),
            "instrument": str(survey_round.instrument),
        },
    )
    return survey_round


def _round_locked(survey_round: SurveyRound) -> SurveyRound:
    return SurveyRound.objects.select_for_update().get(pk=survey_round.pk)


@transaction.atomic
def round_open(*, survey_round: SurveyRound, acting_user: User) -> SurveyRound:
    """vorbereitet → offen: Kita leaders can fill in their questionnaires."""
    _require_round_manager(acting_user, survey_round)
    locked = _round_locked(survey_round)
    if not can_proceed(locked.open):
        raise ValidationError(_("Nur eine vorbereitete Runde kann geöffnet werden."))
    old = locked.state
    locked.open()
    if locked.opens_on is None:
        locked.opens_on = timezone.localdate()
    locked.save(update_fields=["state", "opens_on"])
    audit_events.record(
        actor=acting_user,
        action="round_opened",
        obj=locked,
        jugendamt_id=locked.jugendamt_id,
        old={"state": old},
        new={"state": locked.state},
    )
    return locked


@transaction.atomic
def round_close(*, survey_round: SurveyRound, acting_user: User) -> SurveyRound:
    """offen → geschlossen; the indices are recomputed after commit."""
    _require_round_manager(acting_user, survey_round)
    locked = _round_locked(survey_round)
    if not can_proceed(locked.close):
        raise ValidationError(_("Nur eine offene Runde kann geschlossen werden."))
    for check in _close_checks:
        check(survey_round=locked, acting_user=acting_user)
    old = locked.state
    locked.close()
    locked.save(update_fields=["state"])
    audit_events.record(
        actor=acting_user,
        action="round_closed",
        obj=locked,
        jugendamt_id=locked.jugendamt_id,
        old={"state": old},
        new={
            "state": locked.state,
            "submitted": locked.responses.filter(status=Response.Status.SUBMITTED).count(),
        },
    )
    _signal_on_commit(locked.pk)
    return locked


@transaction.atomic
def round_send_reminders(*, survey_round: SurveyRound, acting_user: User) -> ReminderReport:
    """Remind the Kitas without a submitted questionnaire; returns whom it reminded and
    why the other Kitas were not (``ReminderReport``).

    The mails go into the outbox in this transaction with their audit events
    (``surveys.reminders``); delivery follows after the commit, so a broker that is down
    delays them and loses none."""
    _require_round_manager(acting_user, survey_round)
    if survey_round.state != SurveyRound.State.OFFEN:
        raise ValidationError(_("Erinnerungen gibt es nur für eine offene Runde."))
    return round_reminders_send(round_id=survey_round.pk, acting_user=acting_user)


# --- one questionnaire -------------------------------------------------------------


def _write_response(
    *,
    survey_round: SurveyRound,
    kita: Kita,
    answers: dict,
    version: int,
    acting_user: User,
    submit: bool,
    automatic: bool = False,
    problems: int = 0,
) -> Response:
    if not kita_policy.user_can(acting_user, "fill_questionnaire", kita):
        raise PermissionDenied
    locked_round = SurveyRound.objects.get(pk=survey_round.pk)
    if locked_round.state != SurveyRound.State.OFFEN:
        raise RoundNotOpenError
    response = Response.objects.select_for_update().filter(round=survey_round, kita=kita).first()
    now = timezone.now()
    status = Response.Status.SUBMITTED if submit else Response.Status.DRAFT
    extra = {}
    if submit:
        extra = {
            "submitted_at": now,
            "submitted_by": acting_user,
            "review_state": Response.Review.IN_PRUEFUNG,
        }
    if response is None:
        if version != 0:
            raise StaleVersionError
        try:
            with transaction.atomic():
                response = Response.objects.create(
                    round=survey_round, kita=kita, answers=answers, status=status, **extra
                )
        except IntegrityError:
            raise StaleVersionError from None
        old_status = None
    else:
        if response.is_submitted:
            raise AlreadySubmittedError
        if response.version != version:
            raise StaleVersionError
        old_status = response.status
        # Conditional update: exactly one of two concurrent writers wins.
        updated = Response.objects.filter(pk=response.pk, version=version).update(
            answers=answers, status=status, version=version + 1, updated_at=now, **extra
        )
        if updated != 1:
            raise StaleVersionError
        response.refresh_from_db()
    new = {"status": response.status, "version": response.version}
    if automatic:
        new["problems"] = problems
    audit_events.record(
        actor=acting_user,
        action=(
            "response.autosaved"
            if automatic
            else ("response_submitted" if submit else "response_saved")
        ),
        obj=response,
        jugendamt_id=survey_round.jugendamt_id,
        old={"status": old_status},
        new=new,
    )
    return response


@transaction.atomic
def response_save_draft(
    *,
    survey_round: SurveyRound,
    kita: Kita,
    answers: dict,
    version: int,
    acting_user: User,
    automatic: bool = False,
) -> Response:
    """Store a draft whatever it contains (issue 14): contradictions, values out of range
    and missing answers are kept and listed as still to fix; only a value that cannot be
    read as its item's type (text in a number field) is refused. ``automatic``: the
    page's autosave (its own audit action, with the number of open problems)."""
    check = check_answers(answers, complete=False, partners=survey_round.partner_list)
    if check.unstorable:
        raise ValidationError(check.unstorable)
    return _write_response(
        survey_round=survey_round,
        kita=kita,
        answers=check.storable,
        version=version,
        acting_user=acting_user,
        submit=False,
        automatic=automatic,
        problems=len(check.problems),
    )


@transaction.atomic
def response_submit(
    *,
    survey_round: SurveyRound,
    kita: Kita,
    version: int,
    acting_user: User,
    answers: dict | None = None,
) -> Response:
    """Validate everything and submit; the indices are recomputed after commit.

    ``answers=None`` submits the stored draft exactly as it is at ``version`` (the
    confirmation page: what was shown is what is sent; a draft saved since is stale)."""
    if answers is None:
        if not kita_policy.user_can(acting_user, "fill_questionnaire", kita):
            raise PermissionDenied
        stored = Response.objects.select_for_update().filter(round=survey_round, kita=kita).first()
        if stored is not None and stored.is_submitted:
            raise AlreadySubmittedError
        if (stored.version if stored is not None else 0) != version:
            raise StaleVersionError
        answers = stored.answers if stored is not None else {}
    cleaned, errors = validate_answers(answers, complete=True, partners=survey_round.partner_list)
    if errors:
        raise ValidationError(errors)
    response = _write_response(
        survey_round=survey_round,
        kita=kita,
        answers=cleaned,
        version=version,
        acting_user=acting_user,
        submit=True,
    )
    _signal_on_commit(survey_round.pk)
    return response


@transaction.atomic
def response_reopen(*, response: Response, reason: str, acting_user: User) -> Response:
    """Jugendamt staff give a submitted questionnaire back to the Kita (reason recorded)."""
    if not response_policy.user_can(acting_user, "review", response):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund an.")})
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if not locked.is_submitted:
        raise ValidationError(_("Nur ein eingereichter Fragebogen kann wieder geöffnet werden."))
    locked.status = Response.Status.DRAFT
    locked.version += 1
    locked.review_state = Response.Review.RUECKFRAGE
    locked.save(update_fields=["status", "version", "review_state", "updated_at"])
    audit_events.record(
        actor=acting_user,
        action="response_reopened",
        obj=locked,
        jugendamt_id=locked.round.jugendamt_id,
        old={"status": Response.Status.SUBMITTED},
        new={"status": locked.status},
        reason=reason.strip(),
    )
    _signal_on_commit(locked.round_id)
    return locked


@transaction.atomic
def response_review(
    *, response: Response, review_state: str, comment: str, acting_user: User
) -> Response:
    """Record the Jugendamt's review state (in Prüfung, geprüft, Rückfrage) and comment."""
    if not response_policy.user_can(acting_user, "review", response):
        raise PermissionDenied
    if review_state not in Response.Review.values or not review_state:
        raise ValidationError({"review_state": _("Unbekannter Prüfstatus.")})
    locked = Response.objects.select_for_update().get(pk=response.pk)
    old = {"review_state": locked.review_state, "review_comment": locked.review_comment}
    locked.review_state = review_state
    locked.review_comment = comment.strip()
    locked.save(update_fields=["review_state", "review_comment", "updated_at"])
    audit_events.record(
        actor=acting_user,
        action="response_reviewed",
        obj=locked,
        jugendamt_id=locked.round.jugendamt_id,
        old=old,
        new={"review_state": locked.review_state, "review_comment": locked.review_comment},
    )
    return locked


# --- import ------------------------------------------------------------------------


@transaction.atomic
def responses_import(
    *,
    survey_round: SurveyRound,
    rows: Sequence[ImportRow],
    acting_user: User | None,
    source: str = "",
) -> int:
    """Write already validated import rows (``exchange.ImportRow``) all at once.

    Existing responses of the listed Kitas are replaced. Returns the row count.
    """
    if acting_user is not None and not round_policy.user_can(
        acting_user, "import_responses", survey_round
    ):
        raise PermissionDenied
    now = timezone.now()
    existing = {
        r.kita_id: r for r in Response.objects.select_for_update().filter(round=survey_round)
    }
    submitted_by = acting_user if getattr(acting_user, "pk", None) else None
    for row in rows:
        submitted = row.status == Response.Status.SUBMITTED
        fields = {
            "answers": row.answers,
            "status": row.status,
            "submitted_at": now if submitted else None,
            "submitted_by": submitted_by if submitted else None,
        }
        response = existing.get(row.kita.pk)
        if response is None:
            Response.objects.create(round=survey_round, kita=row.kita, **fields)
        else:
            for name, value in fields.items():
                setattr(response, name, value)
            response.version += 1
            response.save()
    audit_events.record(
        actor=acting_user,
        action="responses_imported",
        obj=survey_round,
        jugendamt_id=survey_round.jugendamt_id,
        new={"rows": len(rows), "source": source},
    )
    _signal_on_commit(survey_round.pk)
    return len(rows)


# --- network partners (F4) ---------------------------------------------------------

PARTNER_EDITABLE_STATES = (SurveyRound.State.VORBEREITET, SurveyRound.State.OFFEN)
PARTNER_LABEL_MAX = 100


def _partner_key(label: str, taken: set[str]) -> str:
    base = slugify(label).replace("-", "_")[:40].strip("_")
    if not base:
        raise ValidationError(
            {
                "labels": _(
                    "Aus der Bezeichnung „%(label)s“ lässt sich kein Schlüssel bilden; "
                    "bitte verwenden Sie Buchstaben oder Ziffern."
                )
                % {"label": label}
            }
        )
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def partners_from_labels(
    labels: Iterable[str], old_partners: Sequence[Sequence[str]]
) -> list[list[str]]:
    """[key, label] pairs for ``labels``; a label that is already listed keeps its key."""
    old_keys = {label: key for key, label in old_partners}
    cleaned: list[str] = []
    for raw in labels:
        label = " ".join(str(raw).split())
        if not label:
            continue
        if len(label) > PARTNER_LABEL_MAX:
            raise ValidationError(
                {
                    "labels": _("Eine Bezeichnung darf höchstens %(n)s Zeichen lang sein.")
                    % {"n": PARTNER_LABEL_MAX}
                }
            )
        if label in cleaned:
            raise ValidationError(
                {"labels": _("„%(label)s“ steht mehrfach in der Liste.") % {"label": label}}
            )
        cleaned.append(label)
    if not cleaned:
        raise ValidationError({"labels": _("Bitte nennen Sie mindestens einen Netzwerkpartner.")})
    kept = {old_keys[label] for label in cleaned if label in old_keys}
    # New labels must not take the key of a removed partner (its old answers would
    # silently change meaning) nor of one that stays.
    taken = set(kept) | {key for key, _label in old_partners}
    partners = []
    for label in cleaned:
        key = old_keys.get(label)
        if key is None:
            key = _partner_key(label, taken)
            taken.add(key)
        partners.append([key, label])
    return partners


@transaction.atomic
def round_partners_set(
    *, survey_round: SurveyRound, labels: Iterable[str], acting_user: User
) -> SurveyRound:
    """Replace the round's F4 network partners (one label each; keys stay stable).

    Only while the round is vorbereitet or offen, and never removing a partner that a
    questionnaire of the round has already answered for.
    """
    _require_round_manager(acting_user, survey_round)
    locked = _round_locked(survey_round)
    if locked.state not in PARTNER_EDITABLE_STATES:
        raise ValidationError(
            _(
                "Die Netzwerkpartner können nur geändert werden, solange die Runde "
                "vorbereitet oder offen ist."
            )
        )
    old = [list(p) for p in locked.partner_list]
    new = partners_from_labels(labels, old)
    removed = {key: label for key, label in old}
    for key, _label in new:
        removed.pop(key, None)
    if removed:
        # Lock the answers too, so no questionnaire starts using a partner meanwhile.
        answered = set()
        for answers in (
            Response.objects.select_for_update()
            .filter(round=locked)
            .values_list("answers", flat=True)
        ):
            answered.update((answers or {}).get("F4") or {})
        in_use = [label for key, label in removed.items() if key in answered]
        if in_use:
            raise ValidationError(
                _(
                    "Diese Netzwerkpartner können nicht entfernt werden, weil Kitas in "
                    "dieser Runde schon Angaben zu ihnen gemacht haben: %(labels)s."
                )
                % {"labels": ", ".join(in_use)}
            )
    if new == old:
        return locked
    locked.partners = new
    locked.save(update_fields=["partners"])
    audit_events.record(
        actor=acting_user,
        action="round_partners_changed",
        obj=locked,
        jugendamt_id=locked.jugendamt_id,
        old={"partners": old},
        new={"partners": new},
    )
    return locked


# --- round dates changed in the admin (issue 13) ---


@transaction.atomic
def round_dates_change(
    *,
    survey_round: SurveyRound,
    stichtag: datetime.date,
    opens_on: datetime.date | None,
    closes_on: datetime.date | None,
    acting_user: User,
) -> SurveyRound:
    """Change a round's dates (its state changes only through ``round_open`` /
    ``round_close``), audited with the old and new dates; no change, no event."""
    locked = _round_locked(survey_round)
    if not round_policy.user_can(acting_user, "manage", locked):
        raise PermissionDenied
    fields = ("stichtag", "opens_on", "closes_on")
    old = {f: getattr(locked, f) for f in fields}
    new = {"stichtag": stichtag, "opens_on": opens_on, "closes_on": closes_on}
    changed = [f for f in fields if old[f] != new[f]]
    if not changed:
        return locked
    for f in changed:
        setattr(locked, f, new[f])
    locked.save(update_fields=changed)

    def iso(value):
        return value.isoformat() if value else None

    audit_events.record(
        actor=acting_user,
        action="round.dates_change",
        obj=locked,
        jugendamt_id=locked.jugendamt_id,
        old={f: iso(old[f]) for f in changed},
        new={f: iso(new[f]) for f in changed},
    )
    return locked
