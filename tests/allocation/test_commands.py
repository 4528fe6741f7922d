"""allocation_export, audit_export and the demo data."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from allocation import demo as allocation_demo
from allocation.models import AllocationPlan, BudgetYear, PlanState
from allocation.services import plans as plan_services
from allocation.services import workflow
from audit.models import AuditEvent
from tests.allocation.factories import make_world

pytestmark = pytest.mark.django_db


def _json(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return json.loads(out.getvalue())


def test_allocation_export_prints_the_contract_format():
    world = make_world()
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    plan_services.plan_propose(plan=plan, acting_user=world.staff)
    data = _json("allocation_export", "--year", "2026", "--json")
    assert data["year"] == 2026
    assert data["state_budget"] == "120000.00"
    assert data["round"] == "2020"
    north = data["sozialraeume"]["Nord"]
    assert north["percent"] == 60.0
    assert north["state_amount"] == "72000.00"
    assert north["municipal_amount"] == "48000.00"
    assert north["personnel_budget"] == "120000.00"
    assert north["status"] == "draft"
    assert north["lines"][0] == {
        "kita": "Kita A",
        "strand": "FS1",
        "fte": "0.95",
        "annual_cost": "66500.00",
        "state_part": "39900.00",
        "justification": plan.lines.get(kita=world.kitas["A"]).justification,
    }
    assert data["sozialraeume"]["Süd"]["status"] is None
    assert data["sozialraeume"]["Süd"]["lines"] == []
    total = sum(Decimal(s["state_amount"]) for s in data["sozialraeume"].values())
    assert total == Decimal(data["state_budget"])


def test_allocation_export_unknown_year_is_a_one_line_error():
    with pytest.raises(CommandError, match="Kein Haushaltsjahr 1999"):
        call_command("allocation_export", "--year", "1999", "--json")


def test_audit_export_lists_who_when_what_old_new_reason():
    world = make_world()
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff, reason="Runde 1")
    data = _json("audit_export", "--json")
    assert len(data) == AuditEvent.objects.count()
    last = data[-1]
    assert set(last) == {"at", "actor", "action", "object", "old", "new", "reason"}
    assert last["actor"] == "fachkraft"
    assert last["action"] == "plan.consultation"
    assert last["object"] == str(plan)
    assert last["old"]["state"] == "draft" and last["new"]["state"] == "consultation"
    assert last["reason"] == "Runde 1"


def test_demo_has_budget_years_and_approved_2026_plans_with_a_real_trail(demo):
    years = {by.year: by.state_budget for by in BudgetYear.objects.filter(jugendamt=demo)}
    assert years[2021] == Decimal("488897.00")
    assert years[2022] == Decimal("1002240.00")
    assert years[2023] == Decimal("1027296.00")
    assert set(years) == set(range(2021, 2028))
    plans = AllocationPlan.objects.filter(budget_year__jugendamt=demo, budget_year__year=2026)
    assert plans.count() == 8
    assert all(p.state == PlanState.APPROVED for p in plans)
    for plan in plans:
        assert plan.approved_by.username == "jugendamt-leitung"
        assert plan.last_editor.username == "jugendamt"
        assert plan.review_due is not None
    adjustments = (
        AuditEvent.objects.filter(
            actor__username="jugendamt", action__in=["line.update", "line.create"]
        )
        .exclude(reason="")
        .exclude(reason="Vorschlag nach Regel")
    )
    assert adjustments.count() == 8  # one adjustment with a reason per plan
    before = AuditEvent.objects.count()
    allocation_demo.seed()
    assert AuditEvent.objects.count() == before  # idempotent
