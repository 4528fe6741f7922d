from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import User
from surveys.retention import retention_apply
from tests.factories import KitaFactory, make_user

pytestmark = pytest.mark.django_db


def _old_round_with_contact(kita):
    from surveys.models import Instrument, Response, SurveyRound

    round_ = SurveyRound.objects.create(
        jugendamt=kita.sozialraum.jugendamt,
        code="2015",
        instrument=Instrument.objects.get(code="SRB-2021"),
        stichtag=date(2015, 10, 1),
        state="geschlossen",
    )
    return Response.objects.create(
        round=round_,
        kita=kita,
        status="submitted",
        answers={"A1": 50, "A2": 40, "F6": "Frau M. ist krank", "F7": "Frau M., 0671 123"},
    )


def test_contact_data_is_removed_two_years_after_the_round_but_numbers_stay():
    response = _old_round_with_contact(KitaFactory())
    report = retention_apply()
    response.refresh_from_db()
    assert report.answers_cleared == 1
    assert response.answers == {"A1": 50, "A2": 40}
    assert AuditEvent.objects.filter(action="retention.apply").count() == 1


def test_dry_run_changes_nothing():
    response = _old_round_with_contact(KitaFactory())
    report = retention_apply(dry_run=True)
    response.refresh_from_db()
    assert report.answers_cleared == 1
    assert response.answers["F7"] == "Frau M., 0671 123"
    assert not AuditEvent.objects.filter(action="retention.apply").exists()


def test_deactivated_accounts_are_anonymised_after_a_year_and_unused_invitations_expire():
    kita = KitaFactory()
    gone = make_user(roles.KITA_LEITUNG, kitas=[kita], first_name="Erika", is_active=False)
    User.objects.filter(pk=gone.pk).update(last_login=timezone.now() - timedelta(days=400))
    invited = make_user(roles.KITA_LEITUNG, kitas=[kita])
    invited.set_unusable_password()
    invited.save()
    User.objects.filter(pk=invited.pk).update(date_joined=timezone.now() - timedelta(days=100))
    active = make_user(roles.JUGENDAMT, jugendamt=kita.sozialraum.jugendamt)

    report = retention_apply()

    gone.refresh_from_db()
    invited.refresh_from_db()
    active.refresh_from_db()
    assert report.users_anonymised == 1 and gone.username == f"geloescht-{gone.pk}"
    assert gone.first_name == "" and gone.email == "" and not gone.kitas.exists()
    assert report.invitations_deactivated == 1 and not invited.is_active
    assert active.is_active and active.username != f"geloescht-{active.pk}"


def test_old_login_attempts_are_deleted_and_the_command_prints_german_counts(capsys):
    old = AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", failures_since_start=1)
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - timedelta(days=100)
    )
    AccessAttempt.objects.create(username="y", ip_address="127.0.0.1", failures_since_start=1)
    call_command("apply_retention")
    out = capsys.readouterr().out
    assert "Anmeldeprotokolle gelöscht: 1" in out
    assert AccessAttempt.objects.count() == 1


def test_the_daily_task_applies_the_rules_and_is_scheduled(settings):
    from surveys.tasks import apply_retention

    response = _old_round_with_contact(KitaFactory())
    apply_retention.delay()
    response.refresh_from_db()
    assert "F7" not in response.answers
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"surveys.tasks.apply_retention", "indices.tasks.recompute_pending"} <= scheduled


def test_a_re_sent_invitation_is_not_deactivated_by_the_first_invitations_age():
    kita = KitaFactory()
    invited = make_user(roles.KITA_LEITUNG, kitas=[kita])
    invited.set_unusable_password()
    invited.save()
    long_ago = timezone.now() - timedelta(days=100)
    User.objects.filter(pk=invited.pk).update(
        date_joined=long_ago, invited_at=timezone.now() - timedelta(days=2)
    )

    report = retention_apply()

    invited.refresh_from_db()
    assert report.invitations_deactivated == 0 and invited.is_active


def test_sent_and_failed_outbox_mails_are_deleted_after_30_days_queued_ones_stay():
    from post_office.models import STATUS, Email

    old = timezone.now() - timedelta(days=31)
    sent = Email.objects.create(
        to=["a@example.org"], from_email="srb@example.org", subject="Link", status=STATUS.sent
    )
    failed = Email.objects.create(
        to=["b@example.org"], from_email="srb@example.org", subject="Link", status=STATUS.failed
    )
    queued = Email.objects.create(
        to=["c@example.org"], from_email="srb@example.org", subject="Link", status=STATUS.queued
    )
    recent = Email.objects.create(
        to=["d@example.org"], from_email="srb@example.org", subject="Link", status=STATUS.sent
    )
    Email.objects.filter(pk__in=[sent.pk, failed.pk, queued.pk]).update(created=old)

    report = retention_apply()

    assert report.mails_deleted == 2
    assert set(Email.objects.values_list("pk", flat=True)) == {queued.pk, recent.pk}
