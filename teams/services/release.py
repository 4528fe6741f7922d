"""Release time (Freistellung) for special tasks: asked by the Kita leader, decided by the
Jugendamt beforehand (concept 3.4: "nach vorheriger Absprache mit dem Jugendamt").

Decisions before the task happens: a request can be approved only while its period has
not started (up to and including its first day); after that it can still be declined (it
was not agreed beforehand), never approved. Declining needs a reason. The requester is
told by mail in both cases; the team's contact person hears of a new request.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit import events as audit_events
from outbox.delivery import send_with_step
from sozialraeume.accounts import jugendamt_sender_name, mail_sender, site_url
from sozialraeume.models import Kita, User
from teams.models import ReleaseRequest, ReleaseState, Team
from teams.permissions_review import release_policy

HOURS_MIN = Decimal("0.25")
HOURS_MAX = Decimal("200")


def _payload(release: ReleaseRequest) -> dict:
    return {
        "kita": release.kita.name,
        "task": release.task,
        "hours": str(release.hours),
        "period_start": release.period_start.isoformat(),
        "period_end": release.period_end.isoformat(),
        "state": release.state,
    }


def _mail(release: ReleaseRequest, template: str, subject: str, recipients) -> None:
    """One message per person, in the Jugendamt's name, with the absolute link."""
    jugendamt = release.team.sozialraum.jugendamt
    messages = []
    with translation.override("de"):
        signature = jugendamt_sender_name(jugendamt)
        url = site_url(reverse("teams:release_detail", args=[release.pk]))
        for user in recipients:
            if not user or not user.is_active or not user.email:
                continue
            body = render_to_string(
                f"teams/{template}.txt",
                {"release": release, "user": user, "url": url, "signature": signature},
            )
            messages.append(
                EmailMessage(
                    subject=subject, body=body, from_email=mail_sender(jugendamt), to=[user.email]
                )
            )
    if messages:
        send_with_step(messages, what=f"teams/{template}")


def _check(*, task: str, hours: Decimal, period_start, period_end, today) -> tuple[str, Decimal]:
    task = (task or "").strip()
    hours = Decimal(hours).quantize(Decimal("0.01")) if hours is not None else None
    errors = {}
    if not task:
        errors["task"] = _("Bitte beschreiben Sie die Aufgabe.")
    if hours is None or not HOURS_MIN <= hours <= HOURS_MAX:
        errors["hours"] = _("Die Stunden müssen zwischen 0,25 und 200 liegen.")
    if period_start < today:
        errors["period_start"] = _(
            "Eine Freistellung wird vorher vereinbart: Der Zeitraum kann nicht in der "
            "Vergangenheit beginnen."
        )
    if period_end < period_start:
        errors["period_end"] = _("Das Ende des Zeitraums liegt vor seinem Beginn.")
    if errors:
        raise ValidationError(errors)
    return task, hours


@transaction.atomic
def release_request(
    *,
    kita: Kita,
    task: str,
    hours: Decimal,
    period_start: datetime.date,
    period_end: datetime.date,
    acting_user: User,
) -> ReleaseRequest:
    """The Kita leader asks for release for a special task of their Kita's team."""
    if not release_policy.user_can(acting_user, "request", kita):
        raise PermissionDenied
    task, hours = _check(
        task=task,
        hours=hours,
        period_start=period_start,
        period_end=period_end,
        today=timezone.localdate(),
    )
    team = Team.objects.select_related("sozialraum__jugendamt", "contact_person").get(
        sozialraum_id=kita.sozialraum_id
    )
    release = ReleaseRequest.objects.create(
        team=team,
        kita=kita,
        requested_by=acting_user,
        task=task,
        hours=hours,
        period_start=period_start,
        period_end=period_end,
    )
    audit_events.record(
        actor=acting_user,
        action="release.request",
        obj=release,
        jugendamt_id=team.sozialraum.jugendamt_id,
        new=_payload(release),
    )
    if team.contact_person_id and team.contact_person_id != acting_user.pk:
        with translation.override("de"):
            subject = _("Antrag auf Freistellung: %(kita)s") % {"kita": kita.name}
        _mail(release, "release_requested_mail", subject, [team.contact_person])
    return release


def _lock(release: ReleaseRequest) -> ReleaseRequest:
    return (
        ReleaseRequest.objects.select_for_update(of=("self",))
        .select_related("team__sozialraum__jugendamt", "kita", "requested_by")
        .get(pk=release.pk)
    )


def _decide(*, release, approve: bool, reason: str, acting_user) -> ReleaseRequest:
    release = _lock(release)
    if not release_policy.user_can(acting_user, "decide", release):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Für die Ablehnung ist eine Begründung nötig.")})
    if approve and release.period_start < timezone.localdate():
        raise ValidationError(
            _(
                "Der Zeitraum hat schon begonnen: Eine Freistellung wird vorher vereinbart "
                "und kann jetzt nur noch abgelehnt werden."
            )
        )
    old = _payload(release)
    release.state = ReleaseState.APPROVED if approve else ReleaseState.DECLINED
    release.decided_by = acting_user
    release.decided_at = timezone.now()
    release.decision_reason = reason
    release.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    audit_events.record(
        actor=acting_user,
        action="release.approve" if approve else "release.decline",
        obj=release,
        jugendamt_id=release.team.sozialraum.jugendamt_id,
        old=old,
        new=_payload(release),
        reason=reason,
    )
    with translation.override("de"):
        subject = (
            _("Freistellung genehmigt: %(kita)s")
            if approve
            else _("Freistellung abgelehnt: %(kita)s")
        ) % {"kita": release.kita.name}
    _mail(release, "release_decided_mail", subject, [release.requested_by])
    return release


@transaction.atomic
def release_approve(
    *, release: ReleaseRequest, reason: str = "", acting_user: User
) -> ReleaseRequest:
    """The Jugendamt agrees to the release before it happens (reason optional)."""
    return _decide(release=release, approve=True, reason=reason, acting_user=acting_user)


@transaction.atomic
def release_decline(*, release: ReleaseRequest, reason: str, acting_user: User) -> ReleaseRequest:
    """The Jugendamt declines, with a reason the requester reads."""
    return _decide(release=release, approve=False, reason=reason, acting_user=acting_user)
