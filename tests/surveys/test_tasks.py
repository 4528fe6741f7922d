"""Reminder e-mails to Kitas without a submitted questionnaire."""

import pytest
from django.core import mail
from django.urls import reverse

from sozialraeume import roles
from sozialraeume.models import Kita
from surveys.models import SurveyRound
from surveys.tasks import send_round_reminders
from tests.factories import KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    survey_round = SurveyRoundFactory(code="2027")
    sozialraum = SozialraumFactory(jugendamt=survey_round.jugendamt)
    done, draft, fresh = (KitaFactory(sozialraum=sozialraum) for _ in range(3))
    ResponseFactory(round=survey_round, kita=done)
    ResponseFactory(round=survey_round, kita=draft, status="draft")
    leaders = {
        kita.pk: make_user(roles.KITA_LEITUNG, kitas=[kita], email=f"leitung{i}@kita.invalid")
        for i, kita in enumerate((done, draft, fresh))
    }
    return survey_round, done, draft, fresh, leaders


def test_reminders_go_in_german_to_kitas_without_submission(setting):
    survey_round, done, draft, fresh, leaders = setting
    assert send_round_reminders(survey_round.pk) == 2
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([leaders[draft.pk].email, leaders[fresh.pk].email])
    message = next(m for m in mail.outbox if m.to == [leaders[fresh.pk].email])
    assert message.subject == f"Erinnerung: Fragebogen 2027 für {fresh.name}"
    assert "noch nicht eingereicht" in message.body
    assert f"/erhebung/2027/{fresh.pk}/" in message.body
    assert "Guten Tag" in message.body


def test_no_reminders_for_a_closed_round(setting):
    survey_round, *_ = setting
    SurveyRound.objects.filter(pk=survey_round.pk).update(state="geschlossen")
    assert send_round_reminders(survey_round.pk) == 0
    assert mail.outbox == []


def test_staff_button_queues_the_reminders_after_commit(
    setting, client, django_capture_on_commit_callbacks
):
    survey_round, *_ = setting
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:round_remind", kwargs={"code": "2027"}), follow=True
        )
    assert "Erinnerungen" in response.content.decode()
    assert len(mail.outbox) == 2


def test_demo_kita_leader_is_reminded(demo, role_users):
    send_round_reminders(SurveyRound.objects.get(code="2027").pk)
    assert [m.to for m in mail.outbox] == [[role_users["kita-leitung"].email]]
    assert Kita.objects.filter(leitungen__username="kita-leitung").count() == 1


def test_reminder_links_carry_plain_ids_even_above_999(db, mailoutbox, settings):
    """Ids are never grouped like numbers ("/erhebung/2027/3.587/" would be a dead link)."""
    from django.template.loader import render_to_string

    from sozialraeume import roles
    from surveys.models import SurveyRound
    from tests.factories import KitaFactory, make_user

    kita = KitaFactory()
    kita.pk = 3587  # an unsaved copy is enough for rendering
    body = render_to_string(
        "surveys/reminder_email.txt",
        {
            "kita": kita,
            "round": SurveyRound(code="2027", jugendamt=kita.sozialraum.jugendamt),
            "user": make_user(roles.KITA_LEITUNG, kitas=[KitaFactory()]),
        },
    )
    assert "/erhebung/2027/3587/" in body


def test_running_the_reminders_twice_sends_once(setting):
    survey_round, done, draft, fresh, leaders = setting
    assert send_round_reminders(survey_round.pk) == 2
    assert send_round_reminders(survey_round.pk) == 0
    assert len(mail.outbox) == 2
    from audit.models import AuditEvent

    reminded = AuditEvent.objects.filter(action="survey.reminder").values_list(
        "object_id", flat=True
    )
    assert sorted(reminded) == sorted([str(draft.pk), str(fresh.pk)])


def test_a_run_a_day_later_reminds_again(setting):
    import datetime

    from django.utils import timezone

    from surveys.reminders import round_reminders_deliver

    survey_round, done, draft, fresh, leaders = setting
    now = timezone.now()
    assert round_reminders_deliver(round_id=survey_round.pk, now=now) == 2
    later = now + datetime.timedelta(hours=19)
    assert round_reminders_deliver(round_id=survey_round.pk, now=later) == 0
    next_day = now + datetime.timedelta(days=1)
    assert round_reminders_deliver(round_id=survey_round.pk, now=next_day) == 2
    assert len(mail.outbox) == 4


def test_a_reminder_in_another_round_does_not_hold_this_one_back(setting):
    survey_round, done, draft, fresh, leaders = setting
    assert send_round_reminders(survey_round.pk) == 2
    other = SurveyRoundFactory(jugendamt=survey_round.jugendamt, code="2028")
    assert send_round_reminders(other.pk) == 3  # no Kita has submitted in 2028
    assert len(mail.outbox) == 5
