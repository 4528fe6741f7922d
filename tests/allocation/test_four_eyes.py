"""Four eyes wherever money moves or a decision is undone (issue 12, finding 6).

- an approved plan goes back to Entwurf only by the Jugendamt-Leitung, with a reason,
  and its page says which decision was taken back, never "Entwurf beschlossen am …";
- a reallocation is a proposal that moves no money until another person of the
  Leitung approves it; its text for the committee names no Kita;
- the Träger have a minimum consultation time (the Jugendamt's, 14 days by default)
  unless the Leitung shortens it with reasons.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from allocation import selectors
from allocation.models import AllocationPlan, PlanState, Reallocation
from allocation.services import lines as line_services
from allocation.services import reallocations as reallocation_services
from allocation.services import workflow
from audit import events
from audit.models import AuditEvent
from sozialraeume import roles
from tests.allocation.factories import fs1_line
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# The reallocation states (``allocation.models.ReallocationState``) as stored.
PROPOSED, APPROVED, REJECTED = "proposed", "approved", "rejected"


def _messages(exc):
    return " ".join(exc.value.messages)


def _text(response):
    return response.content.decode()


def _plain(html):
    """The page's text without tags and with single spaces (what a reader sees)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _de(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def _plan_state(plan):
    plan = AllocationPlan.objects.get(pk=plan.pk)
    return (plan.state, plan.version, plan.approved_at, plan.approved_by_id, plan.review_due)


@pytest.fixture
def approved(world, plan):
    """Nord's plan with one line, approved by the Leitung."""
    fs1_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung)
    plan.refresh_from_db()
    return plan


# --- taking back an approved plan ----------------------------------------------------


def test_a_fachkraft_cannot_take_back_an_approved_plan(world, approved):
    before = _plan_state(approved)
    with pytest.raises(PermissionDenied) as exc:
        workflow.plan_rework(plan=approved, acting_user=world.staff, reason="Neue Zahlen")
    assert str(exc.value) == "Nur die Jugendamt-Leitung kann einen Beschluss zurücknehmen."
    assert _plan_state(approved) == before
    assert not AuditEvent.objects.filter(action__in=["plan.rework", "plan.revoke"]).exists()


def test_a_fachkraft_sees_no_take_back_button_and_her_post_changes_nothing(client, world, approved):
    detail = reverse("allocation:plan_detail", args=[approved.pk])
    client.force_login(world.staff)
    html = _text(client.get(detail))
    assert "/status/rework/" not in html
    assert "zurück in den Entwurf" not in html
    before = _plan_state(approved)
    events_before = AuditEvent.objects.count()
    response = client.post(
        reverse("allocation:plan_transition", args=[approved.pk, "rework"]),
        {"reason": "Neue Zahlen", "version": approved.version},
        follow=True,
    )
    assert "Nur die Jugendamt-Leitung kann einen Beschluss zurücknehmen." in _text(response)
    assert _plan_state(approved) == before
    assert AuditEvent.objects.count() == events_before

    client.force_login(world.leitung2)
    html = _text(client.get(detail))
    assert "Beschluss zurücknehmen (zurück in den Entwurf)" in html


def test_the_leitung_takes_a_decision_back_only_with_a_reason(world, approved):
    with pytest.raises(ValidationError) as exc:
        workflow.plan_rework(plan=approved, acting_user=world.leitung2, reason="  ")
    assert _messages(exc) == "Für die Rücknahme des Beschlusses ist eine Begründung nötig."
    assert AllocationPlan.objects.get(pk=approved.pk).state == PlanState.APPROVED


def test_a_plan_taken_back_says_which_decision_was_taken_back(client, world, approved):
    decided_on = timezone.localdate(approved.approved_at)
    client.force_login(world.leitung2)
    response = client.post(
        reverse("allocation:plan_transition", args=[approved.pk, "rework"]),
        {"reason": "Zuweisung des Landes gekürzt", "version": approved.version},
        follow=True,
    )
    page = _plain(_text(response))
    assert "Der Beschluss ist zurückgenommen; der Plan ist wieder im Entwurf." in page
    plan = AllocationPlan.objects.get(pk=approved.pk)
    assert plan.state == PlanState.DRAFT
    assert plan.approved_at is None and plan.review_due is None
    assert timezone.localdate(plan.revoked_approval_at) == decided_on
    today = _de(timezone.localdate())
    assert (
        f"Entwurf – Beschluss vom {_de(decided_on)} zurückgenommen am {today} von leitung2 "
        "(Begründung: Zuweisung des Landes gekürzt)"
    ) in page
    assert "beschlossen am" not in page
    assert "Überprüfung fällig am" not in page
    event = AuditEvent.objects.get(action="plan.revoke")
    assert event.actor == world.leitung2 and event.reason == "Zuweisung des Landes gekürzt"
    assert event.old["state"] == "approved" and event.new["state"] == "draft"
    history = _plain(_text(client.get(reverse("allocation:plan_history", args=[plan.pk]))))
    assert "Beschluss zurückgenommen (zurück in den Entwurf)" in history
    assert "Status: Beschlossen → Entwurf" in history
    assert "plan.revoke" not in history

    # Decided again, the page says so and no longer speaks of the taken-back decision.
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung)
    page = _plain(_text(client.get(reverse("allocation:plan_detail", args=[plan.pk]))))
    assert f"beschlossen am {today} von leitung" in page
    assert "zurückgenommen" not in page


def test_sending_back_a_plan_before_the_decision_still_works_for_its_editors(world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_rework(plan=plan, acting_user=world.staff, reason="Träger meldet neue Zahlen")
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert AuditEvent.objects.filter(action="plan.rework").count() == 1


# --- reallocations: a proposal until a second person approves --------------------------


def _propose(world, by=None, **kwargs):
    values = {
        "budget_year": world.budget_year,
        "from_sozialraum": world.north,
        "to_sozialraum": world.south,
        "amount": "1000.00",
        "reason": "Neue Unterkunft in Süd, Kita D braucht Unterstützung",
        "public_reason": "Zuzug von Familien in den Sozialraum Süd",
        "acting_user": by or world.staff,
    }
    values.update(kwargs)
    return reallocation_services.reallocation_create(**values)


def _amounts(world):
    by = world.budget_year
    return (
        selectors.state_amount_for(by.pk, world.north.pk),
        selectors.state_amount_for(by.pk, world.south.pk),
    )


def test_a_reallocation_by_a_fachkraft_moves_no_money_until_the_leitung_approves(client, world):
    assert _amounts(world) == (Decimal("72000.00"), Decimal("48000.00"))
    client.force_login(world.staff)
    client.post(
        reverse("allocation:reallocation_create", args=[world.budget_year.pk]),
        {
            "from_sozialraum": world.north.pk,
            "to_sozialraum": world.south.pk,
            "amount": "1000,00",
            "reason": "Neue Unterkunft in Süd, Kita D braucht Unterstützung",
            "public_reason": "Zuzug von Familien in den Sozialraum Süd",
        },
    )
    r = Reallocation.objects.get()
    assert _amounts(world) == (Decimal("72000.00"), Decimal("48000.00"))
    assert r.state == PROPOSED
    overview = {row.sozialraum.pk: row for row in selectors.budget_overview(world.budget_year).rows}
    assert overview[world.north.pk].reallocated == 0
    assert overview[world.north.pk].funding.state == Decimal("72000.00")
    page = _plain(_text(client.get(reverse("allocation:plan_list"), {"jahr": 2026})))
    assert "71.000,00 €" not in page and "49.000,00 €" not in page
    assert "vorgeschlagen" in page
    assert "wartet auf die Entscheidung einer anderen Person der Jugendamt-Leitung" in page
    assert AuditEvent.objects.filter(action="reallocation.propose", actor=world.staff).exists()

    client.force_login(world.leitung)
    page = _text(client.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert "Ein Vorschlag zur Umverteilung wartet auf Ihre Entscheidung." in page
    response = client.post(
        reverse("allocation:reallocation_approve", args=[r.pk]),
        {f"r{r.pk}-version": r.version, f"r{r.pk}-reason": "Bedarf belegt"},
        follow=True,
    )
    assert "Die Umverteilung ist genehmigt" in _text(response)
    assert _amounts(world) == (Decimal("71000.00"), Decimal("49000.00"))
    page = _plain(_text(response))
    assert "71.000,00 €" in page and "49.000,00 €" in page
    r.refresh_from_db()
    assert (r.state, r.decided_by, r.decision_reason) == (
        "approved",
        world.leitung,
        "Bedarf belegt",
    )
    event = AuditEvent.objects.get(action="reallocation.approve")
    assert event.actor == world.leitung and event.new["state"] == "approved"
    assert event.old["state"] == "proposed" and event.new["budget_year_id"] == world.budget_year.pk


def test_the_proposer_cannot_decide_their_own_reallocation_even_as_leitung(client, world):
    r = _propose(world, by=world.leitung)
    with pytest.raises(ValidationError) as exc:
        reallocation_services.reallocation_approve(reallocation=r, acting_user=world.leitung)
    assert "Vier-Augen-Prinzip" in _messages(exc)
    with pytest.raises(ValidationError):
        reallocation_services.reallocation_reject(
            reallocation=r, acting_user=world.leitung, reason="doch nicht"
        )
    client.force_login(world.leitung)
    page = _text(client.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert f"/umverteilung/{r.pk}/genehmigen/" not in page
    response = client.post(
        reverse("allocation:reallocation_approve", args=[r.pk]),
        {f"r{r.pk}-version": r.version},
        follow=True,
    )
    assert "Vier-Augen-Prinzip" in _text(response)
    r.refresh_from_db()
    assert r.state == PROPOSED and r.decided_by is None
    assert _amounts(world) == (Decimal("72000.00"), Decimal("48000.00"))

    # A Fachkraft has no right to decide anyone's proposal.
    other_staff = make_user(roles.JUGENDAMT, jugendamt=world.jugendamt, password=None)
    with pytest.raises(PermissionDenied):
        reallocation_services.reallocation_approve(reallocation=r, acting_user=other_staff)

    # Another person of the Leitung can.
    client.force_login(world.leitung2)
    page = _text(client.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert f"/umverteilung/{r.pk}/genehmigen/" in page
    assert f"/umverteilung/{r.pk}/ablehnen/" in page
    reallocation_services.reallocation_approve(reallocation=r, acting_user=world.leitung2)
    assert _amounts(world) == (Decimal("71000.00"), Decimal("49000.00"))


def test_a_rejected_reallocation_moves_nothing_and_needs_a_reason(client, world):
    r = _propose(world)
    client.force_login(world.leitung)
    response = client.post(
        reverse("allocation:reallocation_reject", args=[r.pk]),
        {f"r{r.pk}-version": r.version, f"r{r.pk}-reason": ""},
        follow=True,
    )
    assert "warum die Umverteilung abgelehnt wird" in _text(response)
    r.refresh_from_db()
    assert r.state == PROPOSED
    response = client.post(
        reverse("allocation:reallocation_reject", args=[r.pk]),
        {f"r{r.pk}-version": r.version, f"r{r.pk}-reason": "Bedarf in Süd nicht belegt"},
        follow=True,
    )
    assert "Die Umverteilung ist abgelehnt" in _text(response)
    r.refresh_from_db()
    assert (r.state, r.decided_by) == ("rejected", world.leitung)
    assert _amounts(world) == (Decimal("72000.00"), Decimal("48000.00"))
    assert AuditEvent.objects.filter(action="reallocation.reject", actor=world.leitung).exists()


def test_a_stale_page_cannot_decide_a_reallocation_twice(client, world):
    r = _propose(world)
    seen = r.version
    reallocation_services.reallocation_reject(
        reallocation=r, acting_user=world.leitung2, reason="Nicht belegt"
    )
    client.force_login(world.leitung)
    response = client.post(
        reverse("allocation:reallocation_approve", args=[r.pk]),
        {f"r{r.pk}-version": seen},
        follow=True,
    )
    assert "inzwischen entschieden" in _text(response)
    r.refresh_from_db()
    assert r.state == REJECTED and r.decided_by == world.leitung2
    assert _amounts(world) == (Decimal("72000.00"), Decimal("48000.00"))


def test_approval_checks_the_source_still_has_the_money(world, plan):
    r = _propose(world, amount="50000.00")
    # Meanwhile Nord's plan spends most of its state money (0,5 + 1,0 VZÄ FS1: 63.000 €).
    fs1_line(world, plan)
    line_services.line_add(
        plan=plan,
        kita=world.kitas["B"],
        strand="FS1",
        fte="1.0",
        annual_cost="70000",
        acting_user=world.staff,
    )
    with pytest.raises(ValidationError) as exc:
        reallocation_services.reallocation_approve(reallocation=r, acting_user=world.leitung)
    assert "inzwischen nur noch 9.000,00 €" in _messages(exc)
    r.refresh_from_db()
    assert r.state == PROPOSED


def test_open_proposals_count_against_what_a_sozialraum_can_still_give(world):
    _propose(world, amount="40000.00")
    with pytest.raises(ValidationError) as exc:
        _propose(world, amount="40000.00")
    assert "32.000,00 €" in _messages(exc) and "offene" in _messages(exc)
    assert Reallocation.objects.count() == 1


@pytest.mark.parametrize("text", ["Kita D braucht mehr Personal", "für kita d und Umgebung"])
def test_a_public_reason_naming_a_kita_is_refused(world, text):
    with pytest.raises(ValidationError) as exc:
        _propose(world, public_reason=text)
    assert _messages(exc) == (
        "Die Begründung für den Ausschuss wird im Bericht an den Jugendhilfeausschuss "
        "veröffentlicht und darf keine Kita nennen (genannt: „Kita D“). Bitte beschreiben "
        "Sie den Grund auf Ebene des Sozialraums."
    )
    assert not Reallocation.objects.exists()


def test_the_reallocation_form_keeps_what_was_typed_when_the_public_reason_names_a_kita(
    client, world
):
    client.force_login(world.staff)
    response = client.post(
        reverse("allocation:reallocation_create", args=[world.budget_year.pk]),
        {
            "from_sozialraum": world.north.pk,
            "to_sozialraum": world.south.pk,
            "amount": "1000,00",
            "reason": "Kita D: neue Gruppe",
            "public_reason": "Mehr Bedarf in Kita D",
        },
    )
    assert response.status_code == 400
    html = _text(response)
    assert "darf keine Kita nennen (genannt: „Kita D“)" in html
    assert "Mehr Bedarf in Kita D</textarea>" in html
    assert "Kita D: neue Gruppe</textarea>" in html
    assert 'value="1000,00"' in html
    assert not Reallocation.objects.exists()


def test_the_reallocation_form_names_a_missing_public_reason(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("allocation:reallocation_create", args=[world.budget_year.pk]),
        {
            "from_sozialraum": world.north.pk,
            "to_sozialraum": world.south.pk,
            "amount": "1000",
            "reason": "intern",
            "public_reason": "",
        },
    )
    assert response.status_code == 400
    html = _plain(_text(response))
    assert "Begründung für den Ausschuss" in html and "zwingend erforderlich" in html
    assert not Reallocation.objects.exists()


# --- the Träger's minimum consultation time ---------------------------------------------


@pytest.fixture
def fortnight(world):
    """The Jugendamt's default: 14 days."""
    world.jugendamt.consultation_min_days = 14
    world.jugendamt.save()
    return world


def test_a_consultation_started_today_cannot_be_submitted_today(client, fortnight, plan):
    world = fortnight
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    today = timezone.localdate()
    earliest = _de(today + datetime.timedelta(days=14))
    with pytest.raises(ValidationError) as exc:
        workflow.plan_submit(plan=plan, acting_user=world.staff)
    assert timezone.localdate(plan.consultation_started_at) == today
    assert _messages(exc) == (
        f"Die Träger haben mindestens 14 Tage Zeit für die Abstimmung (seit {_de(today)}). "
        f"Der Plan kann frühestens am {earliest} als Beschlussvorlage vorgelegt werden – "
        "früher nur, wenn die Jugendamt-Leitung die Abstimmung mit Begründung verkürzt."
    )
    assert AllocationPlan.objects.get(pk=plan.pk).state == PlanState.CONSULTATION

    client.force_login(world.staff)
    detail = reverse("allocation:plan_detail", args=[plan.pk])
    html = _text(client.get(detail))
    assert "/status/submit/" not in html  # the step is not offered before the date
    page = _plain(html)
    assert f"Vorlage zur Entscheidung frühestens am {earliest}" in page
    assert "Abstimmung verkürzen" not in page  # only the Leitung may
    response = client.post(
        reverse("allocation:plan_transition", args=[plan.pk, "submit"]),
        {"version": AllocationPlan.objects.get(pk=plan.pk).version},
        follow=True,
    )
    assert f"frühestens am {earliest}" in _text(response)
    assert AllocationPlan.objects.get(pk=plan.pk).state == PlanState.CONSULTATION
    assert not AuditEvent.objects.filter(action="plan.submit").exists()


def test_after_the_minimum_time_the_plan_can_be_submitted(fortnight, plan):
    world = fortnight
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    AllocationPlan.objects.filter(pk=plan.pk).update(
        consultation_started_at=timezone.now() - datetime.timedelta(days=14)
    )
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL and plan.submitted_by == world.staff


def test_only_the_leitung_shortens_the_consultation_with_both_reasons(client, fortnight, plan):
    world = fortnight
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    with pytest.raises(PermissionDenied):
        workflow.plan_consultation_shorten(
            plan=plan, reason="eilig", public_reason="Frist des Landes", acting_user=world.staff
        )
    with pytest.raises(ValidationError) as exc:
        workflow.plan_consultation_shorten(
            plan=plan,
            reason="Frist des Landes",
            public_reason="Kita A hat schon zugestimmt",
            acting_user=world.leitung,
        )
    assert "darf keine Kita nennen (genannt: „Kita A“)" in _messages(exc)

    client.force_login(world.leitung)
    detail = reverse("allocation:plan_detail", args=[plan.pk])
    assert "Abstimmung verkürzen" in _text(client.get(detail))
    url = reverse("allocation:plan_consultation_shorten", args=[plan.pk])
    response = client.post(
        url,
        {"reason": "", "public_reason": "Frist des Landes", "version": plan.version},
    )
    assert response.status_code == 400
    html = _text(response)
    assert "zwingend erforderlich" in html and "Frist des Landes</textarea>" in html
    plan.refresh_from_db()
    assert plan.consultation_shortened_at is None

    response = client.post(
        url,
        {
            "reason": "Das Land verlangt den Plan bis Monatsende.",
            "public_reason": "Frist des Landes für die Meldung der Verteilung",
            "version": plan.version,
        },
        follow=True,
    )
    assert "Die Abstimmung ist verkürzt" in _text(response)
    plan.refresh_from_db()
    assert plan.consultation_shortened_by == world.leitung
    assert plan.consultation_shortened_public_reason == (
        "Frist des Landes für die Meldung der Verteilung"
    )
    event = AuditEvent.objects.get(action="plan.consultation_shorten")
    assert event.reason == "Das Land verlangt den Plan bis Monatsende."
    assert event.new["public_reason"] == "Frist des Landes für die Meldung der Verteilung"
    assert event.new["min_days"] == 14

    client.force_login(world.staff)
    assert "/status/submit/" in _text(client.get(detail))
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL

    # Back in Entwurf and in consultation again: the shortening does not carry over.
    workflow.plan_rework(plan=plan, acting_user=world.staff, reason="Neue Zahlen")
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    with pytest.raises(ValidationError):
        workflow.plan_submit(plan=plan, acting_user=world.staff)


def test_a_fachkraft_post_to_shorten_changes_nothing(client, fortnight, plan):
    world = fortnight
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    client.force_login(world.staff)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("allocation:plan_consultation_shorten", args=[plan.pk]),
        {"reason": "eilig", "public_reason": "Frist", "version": plan.version},
        follow=True,
    )
    assert "Nur die Jugendamt-Leitung kann die Abstimmung" in _text(response)
    plan.refresh_from_db()
    assert plan.consultation_shortened_at is None and AuditEvent.objects.count() == before


# --- the vocabulary ---------------------------------------------------------------------


def test_the_new_actions_are_registered_with_german_labels():
    for code, label in [
        ("plan.revoke", "Beschluss zurückgenommen (zurück in den Entwurf)"),
        ("plan.consultation_shorten", "Abstimmung mit den Trägern verkürzt"),
        ("reallocation.propose", "Umverteilung vorgeschlagen"),
        ("reallocation.approve", "Umverteilung genehmigt (Mittel umverteilt)"),
        ("reallocation.reject", "Umverteilung abgelehnt"),
        ("reallocation.create", "Mittel umverteilt"),  # rows written before issue 12
    ]:
        assert events.label_for(code) == label
    from allocation.models import ReallocationState

    assert [k for k, _ in events.REALLOCATION_STATES] == [k for k, _ in ReallocationState.choices]


def test_the_demo_plans_were_approved_after_a_shortened_consultation(demo):
    plan = AllocationPlan.objects.filter(budget_year__year=2026).first()
    assert plan.state == PlanState.APPROVED
    assert plan.consultation_shortened_at is not None
    assert plan.submitted_by.username == "jugendamt"
