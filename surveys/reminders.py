"""Reminder e-mails to Kita leaders whose questionnaire is not yet submitted.

The mails are composed and handed to Django's mail API inside the transaction that
records them. In every environment but the test runner that API is the outbox
(``outbox``, django-post-office): the mails are rows of this transaction, delivered by the
task ``outbox.tasks.deliver_outbox`` after the commit, so no broker is needed to remind
and none can lose a reminder.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from audit import events as audit_events
from audit.models import AuditEvent
from sozialraeume.accounts import jugendamt_sender_name, mail_sender, site_url
from sozialraeume.models import Kita, User
from surveys.models import Response, SurveyRound

REMINDER_ACTION = "survey.reminder"
# A Kita is reminded at most once per round in this interval, however often the task runs.
REMINDER_INTERVAL = datetime.timedelta(hours=20)


def _recently_reminded(survey_round, now) -> set[int]:
    """Ids of the Kitas that got a reminder for this round within ``REMINDER_INTERVAL``."""
    ids = AuditEvent.objects.filter(
        action=REMINDER_ACTION,
        object_type=Kita._meta.label_lower,
        jugendamt_id=survey_round.jugendamt_id,
        new__round_id=survey_round.pk,
        at__gt=now - REMINDER_INTERVAL,
    ).values_list("object_id", flat=True)
    return {int(pk) for pk in ids}


@dataclass(frozen=True)
class RemindedKita:
    name: str
    recipients: int  # Kita leaders with an address who got the mail


@dataclass(frozen=True)
class ReminderReport:
    """What one reminder run did, for the page that started it: whom it reminded and why
    the other active Kitas of the Jugendamt were not (Kita names, sorted)."""

    reminded: list[RemindedKita] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)  # already submitted
    no_leader: list[str] = field(default_factory=list)  # no active leader with an address
    recently: list[str] = field(default_factory=list)  # reminded within REMINDER_INTERVAL
    round_open: bool = True
    people: int = 0  # different people reminded (a leader of two Kitas gets two mails)

    @property
    def mails(self) -> int:
        return sum(kita.recipients for kita in self.reminded)


@transaction.atomic
def round_reminders_deliver(
    *,
    round_id: int,
    acting_user: User | None = None,
    now: datetime.datetime | None = None,
) -> int:
    """Hand one German e-mail per Kita leader and Kita still missing to the outbox;
    returns the number of mails (``round_reminders_send`` says to whom)."""
    return round_reminders_send(round_id=round_id, acting_user=acting_user, now=now).mails


@transaction.atomic
def round_reminders_send(
    *,
    round_id: int,
    acting_user: User | None = None,
    now: datetime.datetime | None = None,
) -> ReminderReport:
    """Hand one German e-mail per Kita leader and Kita still missing to the outbox;
    returns a ``ReminderReport`` (whom, and why the others not).

    Nothing happens for a round that is no longer open, so a late retry sends nothing.
    Safe to run twice: each reminded Kita gets an audit event ``survey.reminder``, and a
    Kita reminded for this round within the last 20 hours is skipped. The round row is
    locked, so two runs at the same time do not both send. The round gets one event
    ``round.reminders_send`` naming each reminded Kita with its number of recipients
    (what was actually put into the outbox, nothing when nobody was due).
    """
    now = now or timezone.now()
    survey_round = (
        SurveyRound.objects.select_for_update().select_related("jugendamt").get(pk=round_id)
    )
    if survey_round.state != SurveyRound.State.OFFEN:
        return ReminderReport(round_open=False)
    recent = _recently_reminded(survey_round, now)
    submitted = set(
        Response.objects.filter(round=survey_round, status=Response.Status.SUBMITTED).values_list(
            "kita_id", flat=True
        )
    )
    kita_in_round = {"sozialraum__jugendamt_id": survey_round.jugendamt_id}
    leaders = (
        get_user_model()
        .objects.filter(
            is_active=True,
            kitas__sozialraum__jugendamt_id=survey_round.jugendamt_id,
            kitas__active=True,
        )
        .exclude(email="")
        .prefetch_related(Prefetch("kitas", queryset=Kita.objects.filter(**kita_in_round)))
        .distinct()
        .order_by("pk")
    )
    messages = []
    reminded: dict[int, Kita] = {}
    recipients: dict[int, int] = {}
    led: set[int] = set()  # Kitas with at least one active leader with an address
    people: set[int] = set()
    jugendamt = survey_round.jugendamt
    with translation.override("de"):
        signature = jugendamt_sender_name(jugendamt)
        site = site_url("/").rstrip("/")  # the template appends the questionnaire's path
        for user in leaders:
            for kita in user.kitas.all():
                led.add(kita.pk)
                if not kita.active or kita.pk in submitted or kita.pk in recent:
                    continue
                reminded[kita.pk] = kita
                recipients[kita.pk] = recipients.get(kita.pk, 0) + 1
                people.add(user.pk)
                context = {
                    "user": user,
                    "kita": kita,
                    "round": survey_round,
                    "site_url": site,
                    "signature": signature,
                }
                subject = render_to_string("surveys/reminder_subject.txt", context).strip()
                body = render_to_string("surveys/reminder_email.txt", context)
                messages.append(
                    EmailMessage(
                        subject=subject,
                        body=body,
                        from_email=mail_sender(jugendamt),
                        to=[user.email],
                    )
                )
    for kita in reminded.values():
        audit_events.record(
            actor=acting_user,
            action=REMINDER_ACTION,
            obj=kita,
            jugendamt_id=survey_round.jugendamt_id,
            new={"round_id": survey_round.pk, "round": survey_round.code},
        )
    if messages:
        audit_events.record(
            actor=acting_user,
            action="round.reminders_send",
            obj=survey_round,
            jugendamt_id=survey_round.jugendamt_id,
            new={
                "round": survey_round.code,
                "mails": len(messages),
                "kitas": [
                    {"kita_id": pk, "kita": kita.name, "recipients": recipients[pk]}
                    for pk, kita in sorted(reminded.items(), key=lambda item: item[1].name)
                ],
            },
        )
        # Inside the transaction: through the outbox the mails are rows of it; through a
        # direct backend a failure rolls the reminders back and a retry sends again.
        get_connection().send_messages(messages)
    others = Kita.objects.filter(active=True, **kita_in_round).exclude(pk__in=reminded)
    report: dict[str, list[str]] = {"submitted": [], "no_leader": [], "recently": []}
    for kita in others.order_by("name"):
        if kita.pk in submitted:
            report["submitted"].append(kita.name)
        elif kita.pk not in led:
            report["no_leader"].append(kita.name)
        else:
            report["recently"].append(kita.name)
    return ReminderReport(
        reminded=[
            RemindedKita(name=kita.name, recipients=recipients[pk])
            for pk, kita in sorted(reminded.items(), key=lambda item: item[1].name)
        ],
        people=len(people),
        **report,
    )
