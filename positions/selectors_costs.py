"""Reads of actual personnel costs (issue 16, part P2).

``actual_costs_for_year`` is what the budget execution and the proof of use build on: per
position the confirmed and the still only reported amounts and the months they cover. A
correction waiting for the second person does not count yet (the confirmed row it would
replace still does); superseded rows never count.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q, QuerySet

from positions.models import ActualCost, CostState, Position

ZERO = Decimal("0.00")


def months_of(period_start: datetime.date, period_end: datetime.date) -> list[datetime.date]:
    """The first days of the months from ``period_start`` to ``period_end`` (inclusive)."""
    months = []
    year, month = period_start.year, period_start.month
    while (year, month) <= (period_end.year, period_end.month):
        months.append(datetime.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def current_costs() -> Q:
    """The rows that count: confirmed ones and reported ones that are no correction."""
    return Q(state=CostState.CONFIRMED) | Q(state=CostState.REPORTED, supersedes__isnull=True)


def actual_costs_for_year(budget_year) -> dict[int, dict]:
    """{position_id: {"confirmed": Decimal, "reported": Decimal, "months_covered": set}}
    for every position of ``budget_year`` with at least one current cost row.

    ``confirmed``: the sum of confirmed rows (euros, to the cent); ``reported``: the sum
    of rows reported but not yet confirmed (corrections waiting for the second person are
    left out: until confirmed, the confirmed row they would replace counts);
    ``months_covered``: the first days of the months the current rows cover."""
    result: dict[int, dict] = {}
    rows = ActualCost.objects.filter(current_costs(), position__budget_year=budget_year)
    for cost in rows.only("position_id", "period_start", "period_end", "amount", "state"):
        entry = result.setdefault(
            cost.position_id, {"confirmed": ZERO, "reported": ZERO, "months_covered": set()}
        )
        key = "confirmed" if cost.state == CostState.CONFIRMED else "reported"
        entry[key] += cost.amount
        entry["months_covered"].update(months_of(cost.period_start, cost.period_end))
    return result


def cost_rows_for_positions(positions: QuerySet[Position]) -> dict[int, list[ActualCost]]:
    """The cost rows (all states, oldest period first) of the given positions, with the
    people who reported and confirmed them: {position_id: [ActualCost, ...]}."""
    rows: dict[int, list[ActualCost]] = {}
    queryset = (
        ActualCost.objects.filter(position__in=positions)
        .select_related("reported_by", "confirmed_by", "supersedes")
        .order_by("position_id", "period_start", "pk")
    )
    for cost in queryset:
        rows.setdefault(cost.position_id, []).append(cost)
    return rows
