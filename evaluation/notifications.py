"""The invitation and reminder mails of the evaluation survey (issue 17).

One mail per invited person with their personal link (absolute, ``SRB_SITE_URL``), in
German, from and signed by the Jugendamt; handed to the outbox inside the step's
transaction (``outbox.delivery.send_with_step``), so a step that rolls back sends nothing.
The raw token exists only here and in the mail: the database keeps its hash.
"""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from evaluation.models import Invitation, Wave
from outbox.delivery import send_with_step
from sozialraeume.accounts import jugendamt_sender_name, mail_sender, site_url


def answer_url(token: str) -> str:
    return site_url(reverse("evaluation:answer", args=[token]))


def send_links(*, wave: Wave, pairs: list[tuple[Invitation, str]], reminder: bool) -> int:
    """``pairs``: (invitation, raw token). Returns the number of mails."""
    if not pairs:
        return 0
    jugendamt = wave.instrument.jugendamt
    template = "reminder" if reminder else "invitation"
    messages = []
    with translation.override("de"):
        signature = jugendamt_sender_name(jugendamt)
        if reminder:
            subject = _("Erinnerung: %(title)s") % {"title": wave.instrument.title}
        else:
            subject = _("Einladung zur Befragung: %(title)s") % {"title": wave.instrument.title}
        for invitation, token in pairs:
            body = render_to_string(
                f"evaluation/mail/{template}.txt",
                {
                    "wave": wave,
                    "instrument": wave.instrument,
                    "invitation": invitation,
                    "url": answer_url(token),
                    "signature": signature,
                },
            )
            messages.append(
                EmailMessage(
                    subject=subject,
                    body=body,
                    from_email=mail_sender(jugendamt),
                    to=[invitation.email],
                )
            )
    send_with_step(messages, what=f"evaluation/{template}")
    return len(messages)
