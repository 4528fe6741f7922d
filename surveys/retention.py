"""Deletion and retention rules (see docs/datenschutz.md) as one service.

The rules keep what the allocation decisions need and remove personal data as
soon as it is no longer needed. Every run writes one audit event with its counts.
It lives in surveys, the highest of the apps whose data it covers: questionnaire
answers (here), accounts and login records (sozialraeume, Django, axes), and the
audit trail (counted only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import timedelta

from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from post_office.models import STATUS, Email

from audit import events as audit_events
from audit.models import AuditEvent
from surveys.models import Response, SurveyRound

# Free-text answers that may contain personal data (contact person, remarks).
PERSONAL_ANSWER_CODES = ("F6", "F7")
CONTACT_DATA_YEARS = 2
UNUSED_INVITATION_DAYS = 90
INACTIVE_USER_ANONYMISE_DAYS = 365
LOGIN_LOG_DAYS = 90
# Sent or failed outbox mails (addresses, reset and invitation links): 30 days.
OUTBOX_MAIL_DAYS = 30
AUDIT_YEARS = 10


@dataclass
class RetentionReport:
    answers_cleared: int = 0
    invitations_deactivated: int = 0
    users_anonymised: int = 0
    login_records_deleted: int = 0
    sessions_deleted: int = 0
    mails_deleted: int = 0
    external_members_anonymised: int = 0
    child_pictures_deleted: int = 0  # issue 17: knowledge (children's perspective)
    audit_events_past_retention: int = 0


# Rules of apps above this one (inversion, docs/architecture.md "Cycles"): each registers,
# in its AppConfig.ready(), a function ``rule(now=..., dry_run=...) -> int`` for one field of
# the report (issue 15: teams removes name and e-mail of external members after leaving).
_RULES: dict[str, Callable[..., int]] = {}


def register_retention_rule(field: str, rule: Callable[..., int]) -> None:
    """Let a higher app apply one rule of the concept; ``field`` names its count."""
    if field not in RetentionReport.__dataclass_fields__:
        raise ValueError(f"RetentionReport has no field {field!r}")
    _RULES[field] = rule


def _years_ago(now, years):
    return now - timedelta(days=365 * years + years // 4)


@transaction.atomic
def retention_apply(*, acting_user=None, dry_run: bool = False, now=None) -> RetentionReport:
    """Apply every rule of the concept once (``dry_run``: only count); safe to run twice."""
    now = now or timezone.now()
    report = RetentionReport()

    # 1. Contact person and remarks: removed two years after the round's reference date.
    cutoff = _years_ago(now, CONTACT_DATA_YEARS).date()
    old_rounds = SurveyRound.objects.filter(state="geschlossen", stichtag__lt=cutoff)
    for response in Response.objects.filter(round__in=old_rounds).only("pk", "answers"):
        if any(response.answers.get(code) for code in PERSONAL_ANSWER_CODES):
            report.answers_cleared += 1
            if not dry_run:
                answers = {
                    k: v for k, v in response.answers.items() if k not in PERSONAL_ANSWER_CODES
                }
                Response.objects.filter(pk=response.pk).update(answers=answers)

    User = get_user_model()
    # 2. Invitations never used: the account is deactivated after 90 days.
    # Counted from the last invitation sent (a re-sent invitation starts the time anew).
    unused = User.objects.alias(sent=Coalesce("invited_at", "date_joined")).filter(
        is_active=True,
        last_login__isnull=True,
        password__startswith="!",  # noqa: S106 - Django's unusable-password marker
        sent__lt=now - timedelta(days=UNUSED_INVITATION_DAYS),
    )
    report.invitations_deactivated = unused.count()
    if not dry_run:
        unused.update(is_active=False)

    # 3. Deactivated accounts: name and e-mail removed after a year; the row stays
    #    because the audit trail refers to it.
    stale = User.objects.filter(is_active=False, is_superuser=False).exclude(
        username__startswith="geloescht-"
    )
    stale = [
        u
        for u in stale
        if (u.last_login or u.date_joined) < now - timedelta(days=INACTIVE_USER_ANONYMISE_DAYS)
    ]
    report.users_anonymised = len(stale)
    if not dry_run:
        for user in stale:
            user.username = f"geloescht-{user.pk}"
            user.first_name = user.last_name = user.email = ""
            user.set_unusable_password()
            user.save(update_fields=["username", "first_name", "last_name", "email", "password"])
            user.kitas.clear()

    # 4. Login attempts and logs (IP addresses) after 90 days.
    login_cutoff = now - timedelta(days=LOGIN_LOG_DAYS)
    attempts = AccessAttempt.objects.filter(attempt_time__lt=login_cutoff)
    logs = AccessLog.objects.filter(attempt_time__lt=login_cutoff)
    report.login_records_deleted = attempts.count() + logs.count()
    # 5. Expired sessions.
    sessions = Session.objects.filter(expire_date__lt=now)
    report.sessions_deleted = sessions.count()
    if not dry_run:
        attempts.delete()
        logs.delete()
        sessions.delete()

    # 6. Delivered or finally failed mails of the outbox after 30 days (queued ones stay).
    mails = Email.objects.filter(
        status__in=(STATUS.sent, STATUS.failed),
        created__lt=now - timedelta(days=OUTBOX_MAIL_DAYS),
    )
    report.mails_deleted = mails.count()
    if not dry_run:
        mails.delete()

    # 7. The higher apps' rules (external team members, issue 15).
    for field, rule in _RULES.items():
        setattr(report, field, rule(now=now, dry_run=dry_run))

    # 8. Audit events are append-only: they are counted, never deleted here (see docs).
    report.audit_events_past_retention = AuditEvent.objects.filter(
        at__lt=_years_ago(now, AUDIT_YEARS)
    ).count()

    if not dry_run:
        audit_events.record(
            actor=acting_user,
            action="retention.apply",
            object_type="retention",
            object_repr="Lösch- und Aufbewahrungskonzept",
            new=asdict(report),
        )
    return report
