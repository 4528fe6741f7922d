"""The mail of a correction request (issue 18): the Kita's leaders read why the Jugendamt
reopened their questionnaire, with the link to it. Rendered in German inside the
request's transaction and handed to the outbox as a row of it (``send_with_step``)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from outbox.delivery import send_with_step
from sozialraeume.accounts import jugendamt_sender_name, mail_recipients, mail_sender, site_url


def correction_requested(*, finding, acting_user) -> None:
    kita = finding.kita
    survey_round = finding.round
    recipients = mail_recipients(kita.leitungen.all(), acting_user)
    if not recipients:
        return
    jugendamt = survey_round.jugendamt
    url = site_url(reverse("surveys:form", kwargs={"code": survey_round.code, "kita_id": kita.pk}))
    messages = []
    with translation.override("de"):
        subject = _("Bitte prüfen Sie Ihren Fragebogen %(code)s: %(kita)s") % {
            "code": survey_round.code,
            "kita": kita.name,
        }
        for user in recipients:
            body = render_to_string(
                "quality/mail/correction_requested.txt",
                {
                    "finding": finding,
                    "round": survey_round,
                    "user": user,
                    "url": url,
                    "list_url": site_url(reverse("quality:corrections")),
                    "signature": jugendamt_sender_name(jugendamt),
                },
            )
            messages.append(
                EmailMessage(
                    subject=subject, body=body, from_email=mail_sender(jugendamt), to=[user.email]
                )
            )
    send_with_step(messages, what="quality/correction_requested")
