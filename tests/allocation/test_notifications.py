"""E-mails of the four-eyes workflow go to the right people, in German, with absolute links
(``SRB_SITE_URL``), and only once the step is committed."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from sozialraeume import roles
from tests.allocation.factories import fs1_line
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SITE = "https://srb.example.de"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SRB_SITE_URL = SITE + "/"  # a trailing slash must not double


@pytest.fixture
def people(world):
    """Addresses for everyone of the world, and one more person per side who must not
    hear of Nord's plan: a Träger without a Kita in Nord, an inactive Leitung."""
    for user, address in [
        (world.staff, "fachkraft@example.de"),
        (world.leitung, "leitung@example.de"),
        (world.leitung2, "leitung2@example.de"),
        (world.traeger_user, "traeger1@example.de"),
        (world.outsider_traeger_user, "traeger-ohne@example.de"),
    ]:
        user.email = address
        user.save()
    second_rep = make_user(
        roles.TRAEGER,
        jugendamt=world.jugendamt,
        traeger=world.other_traeger,
        username="traeger2",
        email="traeger2@example.de",
        password=None,
    )
    gone = make_user(
        roles.JUGENDAMT_LEITUNG,
        jugendamt=world.jugendamt,
        username="leitung-alt",
        email="alt@example.de",
        password=None,
    )
    gone.is_active = False
    gone.save()
    # Someone of another Jugendamt's Leitung never hears of this one.
    make_user(roles.JUGENDAMT_LEITUNG, username="fremd", email="fremd@example.de", password=None)
    return second_rep


def _to(messages):
    return sorted(address for m in messages for address in m.to)


def test_consultation_start_mails_every_traeger_of_the_sozialraums_kitas(
    world, plan, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    assert _to(mail.outbox) == ["traeger1@example.de", "traeger2@example.de"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the other addresses
    message = next(m for m in mail.outbox if m.to == ["traeger2@example.de"])
    assert message.subject == "Verteilungsplan Nord 2026: Abstimmung mit den Trägern"
    assert f"{SITE}/verteilung/plan/{plan.pk}/" in message.body
    assert "//verteilung" not in message.body
    assert "ist jetzt in Abstimmung mit den Trägern" in message.body
    assert "Guten Tag" in message.body


def test_nothing_is_sent_when_the_step_is_refused(
    world, plan, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        workflow.plan_submit(plan=plan, acting_user=world.staff)  # still a draft
    assert mail.outbox == []


def test_submitting_mails_the_leitung_and_the_decision_mails_who_submitted(
    world, plan, people, django_capture_on_commit_callbacks
):
    fs1_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_submit(plan=plan, acting_user=world.staff, reason="Mit Trägern besprochen")
    assert _to(mail.outbox) == ["leitung2@example.de", "leitung@example.de"]
    message = mail.outbox[0]
    assert message.subject == "Verteilungsplan Nord 2026: Beschlussvorlage zur Entscheidung"
    assert f"{SITE}/verteilung/plan/{plan.pk}/" in message.body
    assert "Mit Trägern besprochen" in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_approve(plan=plan, acting_user=world.leitung)
    assert _to(mail.outbox) == ["fachkraft@example.de"]
    assert mail.outbox[0].subject == "Verteilungsplan Nord 2026: beschlossen"
    assert f"{SITE}/verteilung/plan/{plan.pk}/" in mail.outbox[0].body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_rework(plan=plan, acting_user=world.leitung2, reason="Landesmittel gekürzt")
    assert _to(mail.outbox) == ["fachkraft@example.de"]
    message = mail.outbox[0]
    assert message.subject == "Verteilungsplan Nord 2026: Beschluss zurückgenommen"
    assert "Landesmittel gekürzt" in message.body and "zurückgenommen" in message.body
    assert f"{SITE}/verteilung/plan/{plan.pk}/" in message.body


def test_sending_back_a_submitted_plan_mails_who_submitted_it(
    world, plan, people, django_capture_on_commit_callbacks
):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_rework(plan=plan, acting_user=world.leitung, reason="Zeile für Kita C fehlt")
    assert _to(mail.outbox) == ["fachkraft@example.de"]
    assert mail.outbox[0].subject == "Verteilungsplan Nord 2026: zur Überarbeitung zurück"
    assert "Zeile für Kita C fehlt" in mail.outbox[0].body


def test_a_reallocation_proposal_mails_the_leitung_but_not_the_proposer(
    world, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = reallocation_services.reallocation_create(
            budget_year=world.budget_year,
            from_sozialraum=world.north,
            to_sozialraum=world.south,
            amount="1000.00",
            reason="Neue Unterkunft",
            public_reason="Zuzug im Sozialraum Süd",
            acting_user=world.leitung,
        )
    assert _to(mail.outbox) == ["leitung2@example.de"]
    message = mail.outbox[0]
    assert message.subject == "Umverteilung 2026 zur Entscheidung: Nord → Süd"
    assert f"{SITE}/verteilung/?jahr=2026#umverteilungen" in message.body
    assert "1.000,00\u00a0€" in message.body and "Neue Unterkunft" in message.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reallocation_services.reallocation_approve(reallocation=r, acting_user=world.leitung2)
    assert _to(mail.outbox) == ["leitung@example.de"]
    assert mail.outbox[0].subject == "Umverteilung Nord → Süd: genehmigt"
    assert "hat Ihre Umverteilung genehmigt" in mail.outbox[0].body


def test_a_rejection_mails_the_proposer_with_the_reason(
    client, world, people, django_capture_on_commit_callbacks
):
    r = reallocation_services.reallocation_create(
        budget_year=world.budget_year,
        from_sozialraum=world.north,
        to_sozialraum=world.south,
        amount="1000.00",
        reason="Neue Unterkunft",
        public_reason="Zuzug im Sozialraum Süd",
        acting_user=world.staff,
    )
    mail.outbox.clear()
    client.force_login(world.leitung)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("allocation:reallocation_reject", args=[r.pk]),
            {f"r{r.pk}-version": r.version, f"r{r.pk}-reason": "Nicht belegt"},
        )
    assert _to(mail.outbox) == ["fachkraft@example.de"]
    assert mail.outbox[0].subject == "Umverteilung Nord → Süd: abgelehnt"
    assert "Nicht belegt" in mail.outbox[0].body
    assert "Es wurden keine Mittel umverteilt." in mail.outbox[0].body
    assert f"{SITE}/verteilung/?jahr=2026#umverteilungen" in mail.outbox[0].body


def test_the_site_url_default_is_the_local_server():
    from srb_project.settings import base

    assert base.SRB_SITE_URL == "http://127.0.0.1:8000"


def test_workflow_mails_come_from_and_are_signed_by_the_jugendamt(
    world, plan, people, settings, django_capture_on_commit_callbacks
):
    """Issue 14: "Jugendamt <name> <DEFAULT_FROM_EMAIL>" and "Ihr Jugendamt <name>"."""
    from email.utils import parseaddr

    settings.DEFAULT_FROM_EMAIL = "sozialraumbudget@srb.example.de"
    world.jugendamt.name = "Landkreis Musterstadt"
    world.jugendamt.save()
    plan.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    assert mail.outbox
    for message in mail.outbox:
        assert parseaddr(message.from_email) == (
            "Jugendamt Landkreis Musterstadt",
            "sozialraumbudget@srb.example.de",
        )
        assert message.message()["From"] == (
            "Jugendamt Landkreis Musterstadt <sozialraumbudget@srb.example.de>"
        )
        assert "Ihr Jugendamt Landkreis Musterstadt" in message.body
        assert f"{SITE}/verteilung/plan/{plan.pk}/" in message.body
