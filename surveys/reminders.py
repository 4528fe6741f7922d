"""Reminder e-mails to Kita leaders whose questionnaire is not yet submitted."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation

from sozialraeume.models import Kita
from surveys.models import Response, SurveyRound


def round_reminders_deliver(*, round_id: int) -> int:
    """Send one German e-mail per Kita leader and Kita still missing; returns the count.

    Nothing happens for a round that is no longer open, so a late retry sends nothing.
    """
    survey_round = SurveyRound.objects.select_related("jugendamt").get(pk=round_id)
    if survey_round.state != SurveyRound.State.OFFEN:
        return 0
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
    )
    messages = []
    with translation.override("de"):
        for user in leaders:
            for kita in user.kitas.all():
                if not kita.active or kita.pk in submitted:
                    continue
                context = {"user": user, "kita": kita, "round": survey_round}
                subject = render_to_string("surveys/reminder_subject.txt", context).strip()
                body = render_to_string("surveys/reminder_email.txt", context)
                messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    return len(messages)
