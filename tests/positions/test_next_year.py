"""The next year's plan made from the positions that continue (issue 16, P1)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from allocation.models import BudgetYear
from allocation.services import budget_years as budget_year_services
from allocation.services import workflow
from audit.models import AuditEvent
from positions.services import next_year
from positions.services import positions as s
from tests.positions.factories import approved_plan, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _year_2027(world, *, fs1="72000.00"):
    by = budget_year_services.budget_year_save(
        jugendamt_id=world.jugendamt.pk,
        year=2027,
        state_budget=Decimal("123000.00"),
        round=world.survey_round,
        acting_user=world.staff,
    )
    BudgetYear.objects.filter(pk=by.pk).update(
        fte_costs={"FS1": fs1, "FS2": "72000.00", "FS3": "67000.00", "FS4": "62000.00"}
    )
    budget_year_services.budget_year_apply_shares(budget_year=by, acting_user=world.staff)
    by.refresh_from_db()
    return by


def _positions_2026(world):
    line = approved_plan(world).lines.get()
    return s.positions_create_from_line(line=line, count=2, acting_user=world.staff)


def test_the_next_years_plan_has_a_line_per_continuing_position_at_the_new_rate(world):
    running, ending = _positions_2026(world)
    s.position_update(
        position=ending,
        starts_on=ending.starts_on,
        ends_on=datetime.date(2026, 8, 31),
        employer=ending.employer,
        qualification=None,
        acting_user=world.staff,
    )
    by27 = _year_2027(world)
    plan = next_year.plan_create_from_positions(
        budget_year=by27, sozialraum=world.north, acting_user=world.staff
    )
    assert plan.state == "draft"
    (line,) = plan.lines.all()
    assert (line.kita, line.strand, line.fte) == (world.kitas["A"], "FS1", Decimal("0.25"))
    # 0,25 × 72.000 € (the rate of 2027, not 70.000 € of 2026)
    assert line.annual_cost == Decimal("18000.00")
    event = AuditEvent.objects.get(action="plan.create_from_positions")
    assert event.new["positions"] == [running.number]


def test_positions_of_the_new_plan_continue_last_years_positions(world):
    first, second = _positions_2026(world)
    by27 = _year_2027(world)
    plan = next_year.plan_create_from_positions(
        budget_year=by27, sozialraum=world.north, acting_user=world.staff
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung, reason="Beschluss 2027")
    new = []
    for line in plan.lines.all():
        new += s.positions_create_from_line(line=line, acting_user=world.staff)
    assert {p.continues for p in new} == {first, second}
    assert all(p.number.startswith("2027-") for p in new)


def test_no_second_plan_for_a_sozialraum_and_year(world):
    _positions_2026(world)
    by27 = _year_2027(world)
    next_year.plan_create_from_positions(
        budget_year=by27, sozialraum=world.north, acting_user=world.staff
    )
    with pytest.raises(ValidationError, match="hat für 2027 schon einen Plan"):
        next_year.plan_create_from_positions(
            budget_year=by27, sozialraum=world.north, acting_user=world.staff
        )


def test_without_continuing_positions_no_plan_is_made(world):
    by27 = _year_2027(world)
    with pytest.raises(ValidationError, match="keine Stelle aus 2026 weiter"):
        next_year.plan_create_from_positions(
            budget_year=by27, sozialraum=world.north, acting_user=world.staff
        )
    assert not by27.plans.exists()
