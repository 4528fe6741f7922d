"""The demo's actual costs 2026 (issue 16, part P2): January to October reported, the first
half confirmed, one correction waiting for the second person; seeding twice adds nothing."""

import datetime

import pytest

from positions import demo_costs
from positions.models import ActualCost, CostState, Position

pytestmark = pytest.mark.django_db


def test_the_demo_reports_confirms_and_leaves_one_correction_open():
    from allocation.models import BudgetYear
    from sozialraeume.management.commands.seed_demo import seed_all
    from sozialraeume.models import User
    from tests.positions.factories import make_position

    seed_all()
    year = BudgetYear.objects.get(jugendamt__slug="bad-kreuznach", year=2026)
    if not Position.objects.filter(budget_year=year).exists():  # before part P1's demo
        kita = User.objects.get(username="traeger").traeger.kitas.first()
        make_position(budget_year=year, kita=kita, number="2026-D-001")
        make_position(budget_year=year, kita=kita, number="2026-D-002", vacant_months=(1, 2))
        demo_costs.seed()
    costs = ActualCost.objects.filter(position__budget_year=year)
    assert costs.filter(state=CostState.CONFIRMED).exists()
    july = datetime.date(2026, 7, 1)
    assert not costs.filter(period_start__gte=july, state=CostState.CONFIRMED).exists()
    assert costs.filter(period_start__gte=july, state=CostState.REPORTED).exists()
    assert not costs.filter(period_start__gt=datetime.date(2026, 10, 1)).exists()
    open_corrections = costs.filter(supersedes__isnull=False, state=CostState.REPORTED)
    assert open_corrections.count() == 1
    # vacant months have no cost
    for position in Position.objects.filter(budget_year=year).prefetch_related("months"):
        vacant = {m.month for m in position.months.all() if not m.filled}
        assert not costs.filter(position=position, period_start__in=vacant).exists()
    before = costs.count()
    assert demo_costs.seed() is None
    assert costs.count() == before
