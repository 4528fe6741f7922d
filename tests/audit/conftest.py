"""Fixtures of the audit tests: the allocation tests' small city and an empty plan for Nord."""

import pytest

from allocation.services import plans as plan_services
from tests.allocation.factories import make_world


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def plan(world):
    return plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
