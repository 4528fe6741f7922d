"""budget_year_create_plans: one plan per Sozialraum of the year, for the view and the admin."""

import pytest
from django.core.exceptions import PermissionDenied

from allocation.models import AllocationPlan, PlanState
from allocation.services import budget_years as budget_year_services
from allocation.services import plans as plan_services
from audit.models import AuditEvent
from sozialraeume import roles
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_creates_a_draft_plan_for_every_sozialraum_with_its_audit_event(world):
    plans = budget_year_services.budget_year_create_plans(
        budget_year=world.budget_year, acting_user=world.staff
    )
    assert [p.sozialraum for p in plans] == [world.north, world.south]
    assert all(p.state == PlanState.DRAFT and p.budget_year == world.budget_year for p in plans)
    events = AuditEvent.objects.filter(action="plan.create", actor=world.staff)
    assert sorted(events.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in plans)


def test_keeps_existing_plans_and_records_nothing_twice(world):
    existing = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    before = AuditEvent.objects.filter(action="plan.create").count()
    plans = budget_year_services.budget_year_create_plans(
        budget_year=world.budget_year, acting_user=world.leitung
    )
    assert plans[0] == existing
    assert AllocationPlan.objects.filter(budget_year=world.budget_year).count() == 2
    assert AuditEvent.objects.filter(action="plan.create").count() == before + 1  # only Süd
    again = budget_year_services.budget_year_create_plans(
        budget_year=world.budget_year, acting_user=world.staff
    )
    assert again == plans
    assert AuditEvent.objects.filter(action="plan.create").count() == before + 1


@pytest.mark.parametrize("who", ["traeger", "administration", "other_jugendamt"])
def test_only_planners_of_the_jugendamt_create_plans(world, who):
    user = {
        "traeger": lambda: world.traeger_user,
        "administration": lambda: make_user(
            roles.ADMINISTRATION, jugendamt=world.jugendamt, password=None
        ),
        "other_jugendamt": lambda: make_user(roles.JUGENDAMT, password=None),
    }[who]()
    with pytest.raises(PermissionDenied):
        budget_year_services.budget_year_create_plans(
            budget_year=world.budget_year, acting_user=user
        )
    assert not AllocationPlan.objects.exists()
