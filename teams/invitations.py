"""The invitation mails of team meetings: one message per member, with the meeting as
an iCalendar attachment (``teams.ics``).

The messages are rendered in German inside the step's transaction, come from the
Jugendamt (``mail_sender``), are signed in its name and link absolutely to the meeting
page (``site_url``); they are handed to the outbox as rows of the same transaction
(``outbox.delivery.send_with_step``). The attachment is a MIME part of its own
(``text/calendar; method=...``) so that django-post-office keeps its content type and
headers when it stores the message and sends it later.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from outbox.delivery import send_with_step
from sozialraeume.accounts import jugendamt_sender_name, mail_sender, site_url
from teams import ics
from teams.models import Meeting, TeamMember

ATTACHMENT_NAME = "einladung.ics"


def meeting_url(meeting: Meeting) -> str:
    return site_url(reverse("teams:meeting_detail", args=[meeting.pk]))


def recipients(meeting: Meeting) -> list[tuple[str, str]]:
    """(name, e-mail) of every active member with an address, and the team's contact
    person; each address once."""
    seen: set[str] = set()
    result = []
    members = (
        TeamMember.objects.filter(team=meeting.team, left_on__isnull=True)
        .select_related("user")
        .order_by("pk")
    )
    people = [(m.display_name, m.contact_email, m.user) for m in members]
    contact = meeting.team.contact_person
    if contact is not None:
        people.append((contact.display_name, contact.email, contact))
    for name, email, user in people:
        if not email or (user is not None and not user.is_active):
            continue
        key = email.lower()
        if key in seen:
            continue
        seen.add(key)
        result.append((name, email))
    return result


def calendar_part(content: bytes, method: str) -> MIMEText:
    part = MIMEText(content.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename=ATTACHMENT_NAME)
    return part


def send_meeting_mail(*, meeting: Meeting, kind: str, acting_user) -> int:
    """``kind``: "invitation", "update" or "cancellation". Returns the number of mails."""
    people = recipients(meeting)
    if not people:
        return 0
    jugendamt = meeting.team.sozialraum.jugendamt
    method = ics.CANCEL if kind == "cancellation" else ics.REQUEST
    sender = mail_sender(jugendamt)
    url = meeting_url(meeting)
    with translation.override("de"):
        signature = jugendamt_sender_name(jugendamt)
        subjects = {
            "invitation": _("Einladung: %(title)s am %(date)s"),
            "update": _("Geändert: %(title)s am %(date)s"),
            "cancellation": _("Abgesagt: %(title)s am %(date)s"),
        }
        local_start = timezone.localtime(meeting.starts_at)
        subject = subjects[kind] % {
            "title": meeting.title,
            "date": local_start.strftime("%d.%m.%Y"),
        }
        description = "\n\n".join(part for part in (meeting.agenda, url) if part)
        content = ics.meeting_calendar(
            meeting,
            method=method,
            organizer=sender,
            attendees=people,
            description=description,
        )
        messages = []
        for name, email in people:
            body = render_to_string(
                "teams/mail/meeting.txt",
                {
                    "meeting": meeting,
                    "kind": kind,
                    "name": name,
                    "url": url,
                    "starts": local_start,
                    "ends": timezone.localtime(meeting.ends_at),
                    "signature": signature,
                    "acting_user": acting_user,
                },
            )
            message = EmailMessage(subject=subject, body=body, from_email=sender, to=[email])
            message.attach(calendar_part(content, method))
            messages.append(message)
    send_with_step(messages, what=f"teams/meeting_{kind}")
    return len(messages)
