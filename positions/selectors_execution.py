"""Budget execution per Sozialraum and year (issue 16): the ORM side of
``positions.execution`` (which holds the formulas).

Confirmed and reported costs come from part P2's rule of which rows count
(``positions.selectors_costs.current_costs``); this module groups them itself because the
forecast needs the months covered by *confirmed* costs only (a month merely reported is
still forecast at its planned cost). A constant number of queries whatever the number of
positions: positions, months, costs (``position_inputs``); the approved plans' lines (with
and without positions), the shares, the approved reallocations and the open proposals
(``execution_for_year``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from allocation.models import AllocationLine, BudgetYear, PlanState, SozialraumShare
from allocation.selectors import (
    pending_outgoing,
    pending_outgoing_by_sozialraum,
    reallocation_balance,
)
from positions import execution as ex
from positions.models import ActualCost, CostState, Position, PositionMonth
from positions.selectors_costs import current_costs, months_of
from sozialraeume.models import Sozialraum

ZERO = Decimal("0.00")


def position_inputs(budget_year: BudgetYear, *, sozialraum_ids=None) -> list[ex.PositionInput]:
    """The year's positions as plain values for the pure computation (three queries)."""
    positions = Position.objects.filter(budget_year=budget_year)
    if sozialraum_ids is not None:
        positions = positions.filter(kita__sozialraum_id__in=list(sozialraum_ids))
    rows = list(
        positions.values(
            "pk", "kita__sozialraum_id", "fte", "planned_cost", "starts_on", "ends_on"
        ).order_by("pk")
    )
    # The months and costs by subquery, not by the ids: the same three queries with or
    # without positions (Django skips a query on an empty ``__in`` list).
    year = budget_year.year
    filled: dict[int, set[int]] = {}
    vacant: dict[int, set[int]] = {}
    for m in PositionMonth.objects.filter(position__in=positions, month__year=year).values(
        "position_id", "month", "filled"
    ):
        (filled if m["filled"] else vacant).setdefault(m["position_id"], set()).add(
            m["month"].month
        )
    confirmed: dict[int, Decimal] = {}
    reported: dict[int, Decimal] = {}
    cost_months: dict[int, set[int]] = {}
    for c in ActualCost.objects.filter(current_costs(), position__in=positions).values(
        "position_id", "period_start", "period_end", "amount", "state"
    ):
        pid = c["position_id"]
        if c["state"] == CostState.CONFIRMED:
            confirmed[pid] = confirmed.get(pid, ZERO) + c["amount"]
            cost_months.setdefault(pid, set()).update(
                m.month for m in months_of(c["period_start"], c["period_end"]) if m.year == year
            )
        else:
            reported[pid] = reported.get(pid, ZERO) + c["amount"]
    return [
        ex.PositionInput(
            position_id=r["pk"],
            sozialraum_id=r["kita__sozialraum_id"],
            fte=r["fte"],
            planned_cost=r["planned_cost"],
            starts_on=r["starts_on"],
            ends_on=r["ends_on"],
            filled_months=frozenset(filled.get(r["pk"], ())),
            vacant_months=frozenset(vacant.get(r["pk"], ())),
            confirmed_cost=confirmed.get(r["pk"], ZERO),
            reported_cost=reported.get(r["pk"], ZERO),
            cost_months=frozenset(cost_months.get(r["pk"], ())),
        )
        for r in rows
    ]


def approved_lines_by_sozialraum(budget_year: BudgetYear) -> dict[int, tuple[Decimal, Decimal]]:
    """Sozialraum id -> (Σ fte, Σ annual_cost) of its approved plan (one query)."""
    return {
        s["plan__sozialraum_id"]: (s["fte"] or ZERO, s["cost"] or ZERO)
        for s in AllocationLine.objects.filter(
            plan__budget_year=budget_year, plan__state=PlanState.APPROVED
        )
        .values("plan__sozialraum_id")
        .annotate(fte=Sum("fte"), cost=Sum("annual_cost"))
    }


def unpositioned_by_sozialraum(budget_year: BudgetYear) -> dict[int, Decimal]:
    """Sozialraum id -> Σ annual_cost of its approved plan's lines that have no position
    yet (one query): the forecast keeps them at their planned cost."""
    return {
        s["plan__sozialraum_id"]: s["cost"] or ZERO
        for s in AllocationLine.objects.filter(
            plan__budget_year=budget_year, plan__state=PlanState.APPROVED, positions__isnull=True
        )
        .values("plan__sozialraum_id")
        .annotate(cost=Sum("annual_cost"))
    }


def state_amounts(budget_year: BudgetYear) -> dict[int, Decimal]:
    """Sozialraum id -> its stored state share plus approved reallocations (two queries);
    Sozialräume without a stored share are missing (no amount yet)."""
    balance = reallocation_balance(budget_year.pk)
    return {
        s.sozialraum_id: s.state_amount + balance.get(s.sozialraum_id, ZERO)
        for s in SozialraumShare.objects.filter(budget_year=budget_year)
    }


@dataclass
class ExecutionRow:
    """One Sozialraum on the staff page: the figures and what the page needs around them."""

    sozialraum: Sozialraum | None  # None: the total row
    figures: ex.SozialraumExecution
    plan_state: str | None = None
    plan_state_label: str = ""
    # What a proposal "tatsächlich nicht verausgabt" may still move: the freed amount less
    # the open proposals out of the Sozialraum (the limit ``freed_state_amount`` checks).
    proposable: Decimal = ZERO
    propose_url: str | None = None  # set by the page for a user who may propose

    @property
    def decided(self) -> bool:
        return self.plan_state == PlanState.APPROVED


@dataclass
class YearExecution:
    budget_year: BudgetYear
    on: datetime.date
    closed: bool
    rows: list[ExecutionRow]
    total: ex.SozialraumExecution


def execution_for_year(
    budget_year: BudgetYear, *, on: datetime.date | None = None
) -> YearExecution:
    """The budget execution of ``budget_year`` at the Stichtag ``on`` (default today) per
    Sozialraum of its Jugendamt and in total (formulas: ``positions.execution``)."""
    on = on or timezone.localdate()
    sozialraeume = list(
        Sozialraum.objects.filter(jugendamt_id=budget_year.jugendamt_id).order_by(
            "position", "name"
        )
    )
    plans = {
        p["sozialraum_id"]: p["state"] for p in budget_year.plans.values("sozialraum_id", "state")
    }
    rows, total = ex.execution_for_year(
        year=budget_year.year,
        on=on,
        positions=position_inputs(budget_year),
        sozialraum_ids=[sr.pk for sr in sozialraeume],
        planned=approved_lines_by_sozialraum(budget_year),
        state_amounts=state_amounts(budget_year),
        unpositioned=unpositioned_by_sozialraum(budget_year),
    )
    pending = pending_outgoing_by_sozialraum(budget_year.pk)
    labels = dict(PlanState.choices)
    return YearExecution(
        budget_year=budget_year,
        on=on,
        closed=ex.year_closed(budget_year.year, on),
        rows=[
            ExecutionRow(
                sozialraum=sr,
                figures=fig,
                plan_state=plans.get(sr.pk),
                plan_state_label=str(labels.get(plans.get(sr.pk), "")),
                proposable=fig.freed - pending.get(sr.pk, ZERO),
            )
            for sr, fig in zip(sozialraeume, rows, strict=True)
        ],
        total=total,
    )


def freed_state_amount(
    budget_year: BudgetYear, sozialraum_id: int, *, pending: bool, on: datetime.date | None = None
) -> Decimal | None:
    """The state money of the Sozialraum that its positions will not spend (the freed
    amount: projected unspent, after the year end the actual unspent), with ``pending``
    less the open reallocation proposals out of it; None without a stored share.

    Registered with ``allocation.services.reallocations`` (``PositionsConfig.ready``) so
    a reallocation "tatsächlich nicht verausgabt" is checked against it."""
    on = on or timezone.localdate()
    amounts = state_amounts(budget_year)
    if sozialraum_id not in amounts:
        return None
    rows, _total = ex.execution_for_year(
        year=budget_year.year,
        on=on,
        positions=position_inputs(budget_year, sozialraum_ids=[sozialraum_id]),
        sozialraum_ids=[sozialraum_id],
        state_amounts=amounts,
        unpositioned=unpositioned_by_sozialraum(budget_year),
    )
    freed = rows[0].freed
    if pending:
        freed -= pending_outgoing(budget_year.pk, sozialraum_id)
    return freed
