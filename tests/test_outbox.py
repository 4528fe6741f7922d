"""Mail through the outbox (issue 13, finding 9): every mail is a row of its step's
transaction, delivered by ``outbox.tasks.deliver_outbox``; with the broker down the step
still succeeds and the mail goes out when delivery runs later.

Django's test runner swaps EMAIL_BACKEND for its in-memory backend, so these tests put the
outbox back (``outbox_backend``); the outbox then delivers into ``mail.outbox``.
"""

import socket

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse

from sozialraeume import roles
from tests.factories import KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox_backend(settings):
    """The production path: Django's mail API writes outbox rows; delivery uses locmem."""
    settings.EMAIL_BACKEND = "post_office.EmailBackend"
    settings.POST_OFFICE = {
        **getattr(settings, "POST_OFFICE", {}),
        "BACKENDS": {"default": "django.core.mail.backends.locmem.EmailBackend"},
    }
    cache.clear()
    yield
    cache.clear()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def broker_down(settings):
    """Celery publishes to a loopback port where nothing listens (Redis is down)."""
    from srb_project.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.broker_url = f"redis://127.0.0.1:{_closed_port()}/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def open_round():
    """Round 2027 with three Kitas: one submitted, one draft, one not started."""
    survey_round = SurveyRoundFactory(code="2027")
    sozialraum = SozialraumFactory(jugendamt=survey_round.jugendamt)
    done, draft, fresh = (KitaFactory(sozialraum=sozialraum) for _ in range(3))
    ResponseFactory(round=survey_round, kita=done)
    ResponseFactory(round=survey_round, kita=draft, status="draft")
    for i, kita in enumerate((done, draft, fresh)):
        make_user(roles.KITA_LEITUNG, kitas=[kita], email=f"leitung{i}@kita.invalid")
    return survey_round, draft, fresh


def _deliver() -> int:
    from outbox.tasks import deliver_outbox

    return deliver_outbox()


def test_with_the_broker_down_reminders_wird_versendet_and_go_out_when_delivery_runs(
    open_round, client, outbox_backend, broker_down, django_capture_on_commit_callbacks
):
    survey_round, draft, fresh = open_round
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("surveys:round_remind", kwargs={"code": "2027"}), follow=True
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "wird versendet" in html and "2 E-Mails" in html

    from post_office.models import STATUS, Email

    from audit.models import AuditEvent

    queued = Email.objects.filter(status=STATUS.queued)
    assert sorted(e.to[0] for e in queued) == ["leitung1@kita.invalid", "leitung2@kita.invalid"]
    assert mail.outbox == []  # nothing delivered while the broker is down
    event = AuditEvent.objects.get(action="round.reminders_send")
    assert event.new["mails"] == 2
    assert sorted((k["kita_id"], k["recipients"]) for k in event.new["kitas"]) == sorted(
        [(draft.pk, 1), (fresh.pk, 1)]
    )
    assert not AuditEvent.objects.filter(action="round_reminders_queued").exists()

    # later: beat's run (or a kick once the broker is back) delivers
    assert _deliver() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "leitung1@kita.invalid",
        "leitung2@kita.invalid",
    ]
    assert "Erinnerung: Fragebogen 2027" in mail.outbox[0].subject
    assert not Email.objects.filter(status=STATUS.queued).exists()
    assert _deliver() == 0  # safe to run twice
    assert len(mail.outbox) == 2


def test_a_second_click_within_20_hours_queues_nothing_and_says_so(
    open_round, client, outbox_backend
):
    survey_round, *_ = open_round
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    url = reverse("surveys:round_remind", kwargs={"code": "2027"})
    client.post(url)
    response = client.post(url, follow=True)
    assert "Keine Erinnerung versendet" in response.content.decode()
    from post_office.models import Email

    assert Email.objects.count() == 2


def test_with_the_broker_up_delivery_is_kicked_after_commit(
    outbox_backend, django_capture_on_commit_callbacks
):
    """Tasks run eagerly here: the kick after commit delivers at once."""
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Betreff", "Text", "srb@example.de", ["a@example.de"])
    assert [m.to for m in mail.outbox] == [["a@example.de"]]


def test_a_step_that_rolls_back_leaves_nothing_in_the_outbox(outbox_backend):
    from post_office.models import Email

    with pytest.raises(RuntimeError), transaction.atomic():
        mail.send_mail("Betreff", "Text", "srb@example.de", ["a@example.de"])
        raise RuntimeError("the step fails after its mail")
    assert Email.objects.count() == 0
    _deliver()
    assert mail.outbox == []


def test_password_reset_mail_is_an_outbox_row_until_delivery(
    client, demo, outbox_backend, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "jugendamt@demo.invalid"})
    assert response.status_code == 302
    from post_office.models import Email

    assert Email.objects.filter(to="jugendamt@demo.invalid").count() == 1
    assert mail.outbox == []
    assert _deliver() == 1
    assert "/accounts/reset/" in mail.outbox[0].body


class FailingTransport:
    """A mail server that refuses everything."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise OSError("mail server unreachable")


def test_a_mail_the_server_refuses_is_kept_for_a_retry(outbox_backend, settings):
    from post_office.models import STATUS, Email

    settings.POST_OFFICE = {
        **settings.POST_OFFICE,
        "BACKENDS": {"default": "tests.test_outbox.FailingTransport"},
    }
    mail.send_mail("Betreff", "Text", "srb@example.de", ["a@example.de"])
    assert _deliver() == 0
    email = Email.objects.get()
    assert email.status == STATUS.requeued and email.scheduled_time is not None
    assert "mail server unreachable" in email.logs.get().message


def test_only_one_delivery_runs_at_a_time(outbox_backend):
    from outbox.delivery import LOCK_KEY, outbox_deliver

    mail.send_mail("Betreff", "Text", "srb@example.de", ["a@example.de"])
    cache.add(LOCK_KEY, "1")  # another worker is delivering
    assert outbox_deliver().skipped
    assert mail.outbox == []
    cache.delete(LOCK_KEY)
    assert outbox_deliver().sent == 1


def test_workflow_mails_are_rows_of_the_steps_transaction(outbox_backend):
    from post_office.models import Email

    from allocation.services import plans as plan_services
    from allocation.services import workflow
    from tests.allocation.factories import make_world

    world = make_world()
    world.traeger_user.email = "traeger1@example.de"
    world.traeger_user.save()
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    # still inside the test's transaction: no commit has happened, the row is there
    email = Email.objects.get()
    assert email.to == ["traeger1@example.de"]
    assert "Abstimmung mit den Trägern" in email.subject
    assert _deliver() == 1
    assert mail.outbox[0].to == ["traeger1@example.de"]


def test_delivery_runs_every_minute(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    entry = next(e for e in schedule.values() if e["task"] == "outbox.tasks.deliver_outbox")
    assert entry["schedule"] <= 60
