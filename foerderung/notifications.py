"""E-mails about FS4 requests (issue 15): the Jugendamt's planners hear of a new request,
the requester of the Jugendamt's decision.

Nobody gets a mail about their own step. The services call these functions inside their
transaction; the messages are rendered there (German, signed and sent in the name of the
Jugendamt, absolute links from ``SRB_SITE_URL``) and handed to the outbox as rows of the
same transaction (``outbox.delivery.send_with_step``), as the allocation's mails are.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from foerderung.models import Fs4Request
from foerderung.permissions import fs4_request_policy
from outbox.delivery import send_with_step
from sozialraeume.accounts import jugendamt_sender_name, mail_recipients, mail_sender, site_url
from sozialraeume.models import User


def request_url(request: Fs4Request) -> str:
    return site_url(reverse("foerderung:fs4_detail", args=[request.pk]))


def _recipients(users: Iterable[User], acting_user: User | None) -> list[User]:
    return mail_recipients(users, acting_user)


def _send(template: str, subject: str, request: Fs4Request, recipients, acting_user) -> None:
    if not recipients:
        return
    jugendamt = request.kita.sozialraum.jugendamt
    messages = []
    with translation.override("de"):
        signature = jugendamt_sender_name(jugendamt)
        for user in recipients:
            body = render_to_string(
                f"foerderung/mail/{template}.txt",
                {
                    "request": request,
                    "url": request_url(request),
                    "user": user,
                    "acting_user": acting_user,
                    "signature": signature,
                },
            )
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=mail_sender(jugendamt),
                    to=[user.email],
                )
            )
    send_with_step(messages, what=f"foerderung/{template}")


def fs4_request_submitted(*, request: Fs4Request, acting_user: User) -> None:
    """To the Jugendamt's planners, who decide the request."""
    candidates = User.objects.filter(jugendamt_id=request.jugendamt_id, is_active=True).exclude(
        email=""
    )
    recipients = _recipients(
        (u for u in candidates if fs4_request_policy.user_can(u, "decide", request)), acting_user
    )
    with translation.override("de"):
        subject = _("Neuer Antrag auf Zusatzpersonal (FS4): %(kita)s") % {"kita": request.kita}
    _send("fs4_submitted", subject, request, recipients, acting_user)


def fs4_request_decided(*, request: Fs4Request, acting_user: User) -> None:
    """To the person who submitted the request."""
    recipients = _recipients([request.requested_by], acting_user)
    with translation.override("de"):
        if request.is_accepted:
            subject = _("Ihr Antrag auf Zusatzpersonal (FS4) für %(kita)s ist angenommen")
        else:
            subject = _("Ihr Antrag auf Zusatzpersonal (FS4) für %(kita)s ist abgelehnt")
        subject = subject % {"kita": request.kita}
    _send("fs4_decided", subject, request, recipients, acting_user)
