"""Staff in the admin: plan with line inline and eligibility, actions calling the services."""

from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.models import AllocationLine, BudgetYear, PlanState
from allocation.services import plans as plan_services
from allocation.services import workflow
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    plan_services.plan_propose(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    return plan


def _inline_data(plan, lines, **overrides):
    prefix = "lines"
    data = {
        f"{prefix}-TOTAL_FORMS": len(lines),
        f"{prefix}-INITIAL_FORMS": len(lines),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000,
    }
    for i, line in enumerate(lines):
        data.update(
            {
                f"{prefix}-{i}-id": line.pk,
                f"{prefix}-{i}-plan": plan.pk,
                f"{prefix}-{i}-kita": line.kita_id,
                f"{prefix}-{i}-strand": line.strand,
                f"{prefix}-{i}-fte": str(line.fte),
                f"{prefix}-{i}-annual_cost": str(line.annual_cost),
                f"{prefix}-{i}-justification": line.justification,
                f"{prefix}-{i}-qualification": "",
                f"{prefix}-{i}-reason": "",
                f"{prefix}-{i}-expected_version": line.version,
            }
        )
    data.update(overrides)
    return data


def test_plan_admin_shows_lines_with_eligibility_and_shares(client, world, plan):
    client.force_login(world.staff)
    html = client.get(reverse("admin:allocation_allocationplan_change", args=[plan.pk])).content
    html = html.decode()
    assert "Kita A" in html
    assert "förderfähig" in html and "unterer Normwert" in html
    assert "72.000,00 €" in html


def test_admin_inline_edit_goes_through_the_service_and_needs_a_reason(client, world, plan):
    client.force_login(world.staff)
    url = reverse("admin:allocation_allocationplan_change", args=[plan.pk])
    lines = list(plan.lines.order_by("kita__name", "strand", "pk"))
    response = client.post(url, _inline_data(plan, lines, **{"lines-0-fte": "0.50"}))
    assert response.status_code == 200
    assert "Begründung" in response.content.decode()
    assert AllocationLine.objects.get(pk=lines[0].pk).fte == lines[0].fte

    response = client.post(
        url,
        _inline_data(plan, lines, **{"lines-0-fte": "0.50", "lines-0-reason": "Teilzeit"}),
    )
    assert response.status_code == 302
    assert AllocationLine.objects.get(pk=lines[0].pk).fte == Decimal("0.50")
    event = AuditEvent.objects.filter(action="line.update").last()
    assert event.reason == "Teilzeit" and event.actor == world.staff


def test_admin_refuses_an_ineligible_line(client, world, plan):
    client.force_login(world.staff)
    url = reverse("admin:allocation_allocationplan_change", args=[plan.pk])
    lines = list(plan.lines.order_by("kita__name", "strand", "pk"))
    data = _inline_data(plan, lines)
    n = len(lines)
    data.update(
        {
            "lines-TOTAL_FORMS": n + 1,
            f"lines-{n}-plan": plan.pk,
            f"lines-{n}-kita": world.kitas["C"].pk,
            f"lines-{n}-strand": "FS1",
            f"lines-{n}-fte": "0.50",
            f"lines-{n}-annual_cost": "35000",
            f"lines-{n}-reason": "Wunsch des Trägers",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "nicht förderfähig" in response.content.decode()
    assert not plan.lines.filter(kita=world.kitas["C"]).exists()


def test_admin_actions_call_the_workflow_services_with_four_eyes(client, world, plan):
    changelist = reverse("admin:allocation_allocationplan_changelist")
    client.force_login(world.staff)
    for action in ("start_consultation", "submit"):
        client.post(changelist, {"action": action, "_selected_action": [plan.pk], "reason": ""})
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL
    # the staff member was the last editor but cannot approve anyway; Leitung can
    client.force_login(world.leitung)
    response = client.post(
        changelist, {"action": "approve", "_selected_action": [plan.pk]}, follow=True
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED
    assert plan.review_due is not None
    assert AuditEvent.objects.filter(action="plan.approve", actor=world.leitung).exists()
    assert response.status_code == 200


def test_admin_rework_action_needs_a_reason(client, world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    changelist = reverse("admin:allocation_allocationplan_changelist")
    client.force_login(world.staff)
    response = client.post(
        changelist, {"action": "rework", "_selected_action": [plan.pk], "reason": ""}, follow=True
    )
    assert "Begründung" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION
    client.post(
        changelist,
        {"action": "rework", "_selected_action": [plan.pk], "reason": "Neue Bedarfe"},
    )
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT


def test_budget_year_admin_applies_the_default_rule(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("admin:allocation_budgetyear_add"),
        {
            "year": 2027,
            "label": "",
            "state_budget": "",
            "round": world.survey_round.pk,
            "fte_cost_FS1": "70.000,00",
            "fte_cost_FS2": "70.000",
            "fte_cost_FS3": "65000",
            "fte_cost_FS4": "60.000,00 €",
            "fte_step": "0,05",
            "shares-TOTAL_FORMS": 0,
            "shares-INITIAL_FORMS": 0,
            "shares-MIN_NUM_FORMS": 0,
            "shares-MAX_NUM_FORMS": 1000,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    by = BudgetYear.objects.get(jugendamt=world.jugendamt, year=2027)
    assert by.state_budget == Decimal("123000.00")  # 120 000 × 1.025
    assert AuditEvent.objects.filter(action="budget_year.create", object_id=str(by.pk)).exists()


# --- deleting a budget year (issue 13, finding 5) -------------------------------------------


@pytest.fixture
def administration(world):
    """The superuser of the world's Jugendamt (as the demo's "admin"): deleting needs the
    admin's delete permission (Administration) and the budget-year rule "manage"."""
    from sozialraeume import roles
    from tests.factories import make_user

    user = make_user(roles.ADMINISTRATION, jugendamt=world.jugendamt, username="verwaltung")
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def test_a_budget_year_with_shares_is_not_deleted_and_the_admin_says_why(
    client, world, administration
):
    by = world.budget_year
    shares = sorted(by.shares.values_list("pk", "state_amount"))
    assert shares
    events = AuditEvent.objects.count()
    client.force_login(administration)
    url = reverse("admin:allocation_budgetyear_delete", args=[by.pk])
    page = client.get(url).content.decode()
    assert "kann nicht gelöscht werden" in page and "Anteile der Sozialräume" in page
    assert 'name="post"' not in page  # no button to confirm
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert BudgetYear.objects.filter(pk=by.pk).exists()
    assert sorted(by.shares.values_list("pk", "state_amount")) == shares
    assert AuditEvent.objects.count() == events


def test_the_delete_action_refuses_a_budget_year_with_shares_too(client, world, administration):
    by = world.budget_year
    client.force_login(administration)
    response = client.post(
        reverse("admin:allocation_budgetyear_changelist"),
        {"action": "delete_selected", "_selected_action": [by.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert BudgetYear.objects.filter(pk=by.pk).exists() and by.shares.exists()
    assert not AuditEvent.objects.filter(action="budget_year.delete").exists()


def test_the_service_refuses_to_delete_a_budget_year_with_shares(world, administration):
    from django.core.exceptions import ValidationError

    from allocation.services import budget_years

    with pytest.raises(ValidationError, match="kann nicht gelöscht werden"):
        budget_years.budget_year_delete(budget_year=world.budget_year, acting_user=administration)
    assert BudgetYear.objects.filter(pk=world.budget_year.pk).exists()


def test_a_budget_year_without_shares_is_deleted_and_audited(client, world, administration):
    from allocation.services import budget_years

    empty = budget_years.budget_year_save(
        jugendamt_id=world.jugendamt.pk,
        year=2030,
        state_budget=Decimal("5000.00"),
        acting_user=world.staff,
    )
    client.force_login(administration)
    response = client.post(
        reverse("admin:allocation_budgetyear_delete", args=[empty.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not BudgetYear.objects.filter(pk=empty.pk).exists()
    event = AuditEvent.objects.get(action="budget_year.delete")
    assert event.actor == administration and event.object_id == str(empty.pk)
    assert event.old["year"] == 2030 and event.old["state_budget"] == "5000.00"


def test_budget_year_form_offers_only_the_own_rounds(client, world):
    from tests.factories import JugendamtFactory
    from tests.surveys.factories import SurveyRoundFactory

    SurveyRoundFactory(jugendamt=JugendamtFactory(name="Anderes Amt"), code="X-2099")
    client.force_login(world.staff)
    html = client.get(reverse("admin:allocation_budgetyear_add")).content.decode()
    assert "2020" in html and "X-2099" not in html


def test_a_budget_year_with_shares_survives_even_a_raw_orm_delete():
    """The database refuses too (PROTECT), not only the service and the admin."""
    from django.db.models import ProtectedError

    from allocation.models import BudgetYear, SozialraumShare
    from tests.factories import SozialraumFactory

    sozialraum = SozialraumFactory()
    by = BudgetYear.objects.create(
        jugendamt=sozialraum.jugendamt, year=2031, state_budget=Decimal("1000.00")
    )
    SozialraumShare.objects.create(
        budget_year=by, sozialraum=sozialraum, percent=100, state_amount=Decimal("1000.00")
    )
    with pytest.raises(ProtectedError):
        by.delete()
    assert BudgetYear.objects.filter(pk=by.pk).exists()
