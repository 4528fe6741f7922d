"""The allocation pages as staff and Träger use them (Django test client)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.models import AllocationLine, AllocationPlan, PlanState, Reallocation
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import workflow
from audit.models import AuditEvent
from sozialraeume import roles
from tests.allocation.factories import fs1_line
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _text(response):
    return response.content.decode()


def test_overview_shows_state_municipal_and_total_per_sozialraum(client, world):
    response = _client(client, world.staff).get(reverse("allocation:plan_list"), {"jahr": 2026})
    html = _text(response)
    assert response.status_code == 200
    assert "120.000,00\u00a0€" in html  # budget state share, and Nord's total
    assert "80.000,00\u00a0€" in html  # municipal share of the whole budget (120 000 / 0.6 · 0.4)
    assert "72.000,00\u00a0€" in html and "48.000,00\u00a0€" in html
    assert "Nächste Erhebungsrunde" in html and "2027" in html


def test_staff_journey_through_the_pages(client, world, plan):
    c = _client(client, world.staff)
    url = reverse("allocation:plan_detail", args=[plan.pk])
    c.post(reverse("allocation:plan_propose", args=[plan.pk]))
    html = _text(c.get(url))
    assert "Kita A" in html and "förderfähig" in html
    assert "4.500,00\u00a0€" in html  # unallocated personnel budget

    line = plan.lines.get(kita=world.kitas["A"])
    edit = reverse("allocation:line_edit", args=[line.pk])
    form = {
        "strand": "FS1",
        "fte": "0.90",
        "annual_cost": "63000.00",
        "justification": line.justification,
        "version": line.version,
    }
    response = c.post(edit, form)
    assert "braucht jede Änderung einer Zeile eine Begründung" in _text(response)
    response = c.post(edit, {**form, "reason": "Teilzeit"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.fte == Decimal("0.90")

    c.post(reverse("allocation:plan_transition", args=[plan.pk, "start_consultation"]))
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION


def test_ineligible_line_is_refused_with_a_message_on_the_form(client, world, plan):
    c = _client(client, world.staff)
    response = c.post(
        reverse("allocation:line_add", args=[plan.pk]),
        {"kita": world.kitas["C"].pk, "strand": "FS1", "fte": "0.5", "annual_cost": "35000"},
    )
    assert response.status_code == 200
    assert "ist für FS1 nicht förderfähig" in _text(response)
    assert not AllocationLine.objects.exists()


def test_second_editor_with_stale_version_gets_a_conflict_not_a_silent_overwrite(
    client, world, plan
):
    line = fs1_line(world, plan)
    edit = reverse("allocation:line_edit", args=[line.pk])
    both_loaded = {"strand": "FS1", "justification": "", "version": line.version}
    first = _client(client, world.staff).post(
        edit, {**both_loaded, "fte": "0.60", "annual_cost": "42000"}
    )
    assert first.status_code == 302
    second = _client(client, world.leitung).post(
        edit, {**both_loaded, "fte": "0.40", "annual_cost": "28000"}
    )
    assert second.status_code == 200
    assert "inzwischen von fachkraft geändert" in _text(second)
    assert "Jetzt gespeicherter Stand" in _text(second) and "0,60" in _text(second)
    line.refresh_from_db()
    assert line.fte == Decimal("0.60")
    assert AuditEvent.objects.filter(action="line.update").count() == 1


def test_four_eyes_refusal_is_shown_and_other_leader_approves(client, world, plan):
    fs1_line(world, plan, by=world.leitung)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    approve = reverse("allocation:plan_transition", args=[plan.pk, "approve"])
    response = _client(client, world.leitung).post(approve, follow=True)
    assert "Vier-Augen-Prinzip" in _text(response)
    response = _client(client, world.staff).post(approve, follow=True)
    assert "Nur die Jugendamt-Leitung" in _text(response)
    response = _client(client, world.leitung2).post(approve, follow=True)
    assert "Der Plan ist beschlossen." in _text(response)
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    assert plan.review_due.strftime("%d.%m.%Y") in _text(response)


def test_traeger_reads_and_comments_only_in_consultation(client, world, plan):
    c = _client(client, world.traeger_user)
    url = reverse("allocation:plan_detail", args=[plan.pk])
    assert c.get(url).status_code == 404  # draft: not yet shown to Träger
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    html = _text(c.get(url))
    assert "Kommentieren" in html and "Landesanteil" in html and "Kommunaler Anteil" in html
    c.post(reverse("allocation:plan_comment", args=[plan.pk]), {"text": "Bitte FS3 prüfen"})
    assert plan.comments.get().text == "Bitte FS3 prüfen"
    assert "Bitte FS3 prüfen" in _text(c.get(url))
    dashboard = _text(c.get(reverse("allocation:traeger_dashboard")))
    assert str(plan) in dashboard
    # editing stays with the Jugendamt
    assert c.get(reverse("allocation:line_add", args=[plan.pk])).status_code == 404


def test_traeger_without_kita_in_the_sozialraum_gets_404(client, world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    c = _client(client, world.outsider_traeger_user)
    assert c.get(reverse("allocation:plan_detail", args=[plan.pk])).status_code == 404


def test_history_pages_show_who_when_old_new_reason(client, world, plan):
    plan_services.plan_propose(plan=plan, acting_user=world.staff)
    line = plan.lines.get(kita=world.kitas["A"])
    line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        fte="0.50",
        annual_cost="35000",
        reason="Halbe Stelle reicht",
        acting_user=world.staff,
    )
    c = _client(client, world.staff)
    html = _text(c.get(reverse("allocation:plan_history", args=[plan.pk])))
    assert "Vorschlag nach Regel erstellt" in html and "Zeile geändert" in html
    assert "Halbe Stelle reicht" in html and "plan.propose" not in html
    html = _text(c.get(reverse("allocation:kita_history", args=[world.kitas["A"].pk])))
    assert "Halbe Stelle reicht" in html and "VZÄ:</span> 0,95 → 0,50" in html
    assert "Kita B" not in html.split("<tbody>")[-1]


def test_reallocation_form_on_overview(client, world, plan):
    plan_services.plan_propose(plan=plan, acting_user=world.staff)
    c = _client(client, world.staff)
    c.post(
        reverse("allocation:reallocation_create", args=[world.budget_year.pk]),
        {
            "from_sozialraum": world.north.pk,
            "to_sozialraum": world.south.pk,
            "amount": "1000.00",
            "reason": "Neue Unterkunft in Süd",
            "public_reason": "Zuzug in den Sozialraum Süd",
        },
    )
    html = _text(c.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert "Neue Unterkunft in Süd" in html and "Zuzug in den Sozialraum Süd" in html
    # A proposal: the amounts change once another person of the Leitung approves it.
    assert "49.000,00\u00a0€" not in html and "71.000,00\u00a0€" not in html
    r = Reallocation.objects.get()
    c = _client(client, world.leitung)
    c.post(reverse("allocation:reallocation_approve", args=[r.pk]), {f"r{r.pk}-version": 1})
    html = _text(c.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert "49.000,00\u00a0€" in html and "71.000,00\u00a0€" in html


def test_other_jugendamt_plan_is_404(client, world, plan):
    stranger = make_user(roles.JUGENDAMT_LEITUNG, password=None)
    c = _client(client, stranger)
    assert c.get(reverse("allocation:plan_detail", args=[plan.pk])).status_code == 404
    assert (
        c.post(reverse("allocation:plan_transition", args=[plan.pk, "approve"])).status_code == 404
    )


def test_demo_pages_for_each_role(client, role_users):
    plan = AllocationPlan.objects.filter(budget_year__year=2026).first()
    client.force_login(role_users["jugendamt"])
    html = _text(client.get(reverse("allocation:plan_list"), {"jahr": 2026}))
    assert "1.106.285,00\u00a0€" in html  # 2026 = 2022 × 1,025⁴, rounded each year
    assert html.count("Beschlossen") == 8
    html = _text(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "Landesanteil" in html and "Kommunaler Anteil" in html and "Gesamt" in html
    history = _text(client.get(reverse("allocation:plan_history", args=[plan.pk])))
    assert "Status:</span> Beschlussvorlage → Beschlossen" in history
    assert "Jonas Leitung" in history and "plan.approve" not in history

    client.force_login(role_users["traeger"])
    dashboard = client.get(reverse("allocation:plan_list"), follow=True)
    assert dashboard.redirect_chain[-1][0] == reverse("allocation:traeger_dashboard")
    assert "Beschlossen" in _text(dashboard)

    for username in ("kita-leitung", "ausschuss"):
        client.force_login(role_users[username])
        assert client.get(reverse("allocation:plan_list")).status_code == 403
        assert client.get(reverse("allocation:plan_detail", args=[plan.pk])).status_code == 404


def test_a_stale_page_cannot_send_back_a_plan_someone_approved_meanwhile(client, world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    seen_version = plan.version  # the page both people have open
    workflow.plan_approve(plan=plan, acting_user=world.leitung)

    c = _client(client, world.leitung2)
    response = c.post(
        reverse("allocation:plan_transition", args=[plan.pk, "rework"]),
        {"reason": "Bitte noch einmal prüfen", "version": seen_version},
        follow=True,
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    assert "inzwischen von einer anderen Person geändert" in _text(response)
    assert not AuditEvent.objects.filter(action__contains="rework").exists()


def _buttons(html):
    """The status buttons of the plan page: (step, label, colour) in page order."""
    return re.findall(
        r'<button class="btn (btn-[a-z-]+)" type="submit" '
        r'formaction="/verteilung/plan/\d+/status/([a-z_]+)/">([^<]+)</button>',
        html,
    )


def test_plan_page_offers_the_steps_the_state_machine_and_the_policy_allow(client, world, plan):
    detail = reverse("allocation:plan_detail", args=[plan.pk])
    staff = _text(_client(client, world.staff).get(detail))
    assert _buttons(staff) == [("btn-primary", "start_consultation", "In Abstimmung geben")]
    assert "Vorschlag nach Regel erstellen (FS1)" in staff
    assert 'class="badge text-bg-secondary" data-testid="plan-state">Entwurf<' in staff

    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    staff = _text(client.get(detail))
    assert _buttons(staff) == [
        ("btn-primary", "submit", "Als Beschlussvorlage vorlegen"),
        ("btn-outline-danger", "rework", "Überarbeitung (zurück in den Entwurf)"),
    ]
    assert "Vorschlag nach Regel erstellen (FS1)" not in staff
    assert 'class="badge text-bg-info"' in staff
    traeger = _text(_client(client, world.traeger_user).get(detail))
    assert _buttons(traeger) == [] and 'id="transition-form"' not in traeger

    workflow.plan_submit(plan=plan, acting_user=world.staff)
    staff = _text(_client(client, world.staff).get(detail))
    assert _buttons(staff) == [
        ("btn-outline-danger", "rework", "Überarbeitung (zurück in den Entwurf)")
    ]
    leitung = _text(_client(client, world.leitung).get(detail))
    assert _buttons(leitung) == [
        ("btn-success", "approve", "Beschließen"),
        ("btn-outline-danger", "rework", "Überarbeitung (zurück in den Entwurf)"),
    ]
    assert 'class="badge text-bg-warning"' in leitung

    workflow.plan_approve(plan=plan, acting_user=world.leitung2)
    leitung = _text(client.get(detail))
    assert _buttons(leitung) == [
        ("btn-outline-danger", "rework", "Beschluss zurücknehmen (zurück in den Entwurf)")
    ]
    assert 'class="badge text-bg-success"' in leitung
    # A decision is taken back by the Jugendamt-Leitung only (four eyes).
    assert _buttons(_text(_client(client, world.staff).get(detail))) == []
