"""Machine-readable exports of the allocation and the audit trail (used by the commands)."""

from __future__ import annotations

from decimal import Decimal

from allocation import distribution as d
from allocation import selectors
from allocation.models import AllocationPlan, BudgetYear


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(Decimal(value).quantize(d.CENT))


def allocation_export(budget_year: BudgetYear) -> dict:
    """{"year", "state_budget", "round", "sozialraeume": {NAME: {...}}}; money as strings."""
    overview = selectors.budget_overview(budget_year)
    plans = {
        p.sozialraum_id: p
        for p in AllocationPlan.objects.filter(budget_year=budget_year).prefetch_related(
            "lines__kita"
        )
    }
    result = {}
    for row in overview.rows:
        plan = plans.get(row.sozialraum.pk)
        funding = row.funding
        result[row.sozialraum.name] = {
            "percent": float(row.percent) if row.percent is not None else None,
            "state_amount": _money(funding.state) if funding else None,
            "municipal_amount": _money(funding.municipal) if funding else None,
            "personnel_budget": _money(funding.total) if funding else None,
            "status": plan.state if plan else None,
            "lines": [
                {
                    "kita": line.kita.name,
                    "strand": line.strand,
                    "fte": str(line.fte),
                    "annual_cost": _money(line.annual_cost),
                    "state_part": _money(line.state_part),
                    "justification": line.justification,
                }
                for line in sorted(plan.lines.all(), key=lambda x: (x.kita.name, x.strand, x.pk))
            ]
            if plan
            else [],
        }
    return {
        "year": budget_year.year,
        "state_budget": _money(budget_year.state_budget),
        "round": budget_year.round.code if budget_year.round_id else None,
        "sozialraeume": result,
    }
