"""Budget execution of a year (issue 16): what the positions of a plan really did.

PURE: no Django, no database. Plain values in (``PositionInput``), ``Decimal`` out.
Money is euros as ``Decimal`` to the cent (ROUND_HALF_UP, rounded once per figure); FTE
``Decimal`` with two places. Months are numbers 1..12 of the budget year.

Every figure is either "Ist" (what happened: confirmed actual costs, months marked
filled up to the Stichtag) or "Prognose" (what is expected to year end); ``FIGURE_KIND``
names which, and the pages show it next to the figure.

Formulas (per position p of budget year y, Stichtag s)
------------------------------------------------------
- period months P(p): the months of y that p's period [starts_on, ends_on] touches.
- closed month c(s): 12 when s is after y, 0 when s is before y, else s.month.
- vacancy months V(p) = months of P(p) marked vacant (``filled=False``), past or
  planned (a position "vacant until June" has its vacancy months recorded ahead).
- filled FTE (annual average, Ist) = fte · |{m ∈ P(p): marked filled, m ≤ c(s)}| / 12.
- filled FTE (annual average, Prognose) = fte · |{m ∈ P(p): marked filled, or
  m > c(s) and not marked vacant}| / 12. A month without a record counts as filled in
  the forecast only (the plan holds until someone says otherwise).
- actual cost A(p) (Ist) = Σ confirmed actual costs; reported but unconfirmed costs
  are shown apart (``reported_cost``) and count nowhere else.
- last cost month L(p) = the last month covered by a confirmed cost (0 without one).
- monthly planned cost = planned_cost / |P(p)|.
- forecast F(p) (Prognose) = A(p) + planned_cost · |{m ∈ P(p): m > L(p), not marked
  vacant}| / |P(p)|  (vacant months cost nothing; months before L(p) without a cost
  stay at what was confirmed).

Per Sozialraum (positions counted where their home Kita is: a cross-Kita position's
shares describe where it works, its money comes from the home Kita's plan line):
- planned FTE / planned cost = the approved plan's lines (Σ fte, Σ annual_cost);
  positions' FTE and planned cost are summed apart.
- forecast (Prognose) = Σ F(p) + the annual cost of approved lines that have no position
  yet (``unpositioned_cost``: until the positions are made, the plan holds; otherwise a
  Sozialraum without positions would look as if it spent nothing).
- state part = round(cost · 0.6), municipal part = cost − state part, for the actual
  cost (Ist) and the forecast (Prognose), rounded once on the Sozialraum's sum; the total
  row's parts are the sums of the Sozialräume's (so the columns add up to the cent).
- state amount S = the Sozialraum's share of the Land's allocation after approved
  reallocations (``allocation.selectors.state_amount_for``); None without shares.
- projected unspent (Prognose) = S − state part of the forecast.
- actual unspent (Ist) = S − state part of the actual cost; final once the year is
  closed (Stichtag after 31 December), before that it includes the months still to come.
- freed amount (what a reallocation "tatsächlich nicht verausgabt" may move) =
  max(projected unspent, 0): after the year end it equals the actual unspent amount,
  because then no month is left to forecast.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from allocation.distribution import state_part

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONTHS = 12

IST = "Ist"
PROGNOSE = "Prognose"

# Which figures are facts and which are expectations (the pages label each).
FIGURE_KIND = {
    "planned_fte": "Plan",
    "planned_cost": "Plan",
    "filled_fte": IST,
    "filled_fte_forecast": PROGNOSE,
    "vacancy_months": IST,
    "actual_cost": IST,
    "actual_state": IST,
    "actual_municipal": IST,
    "forecast_cost": PROGNOSE,
    "forecast_state": PROGNOSE,
    "forecast_municipal": PROGNOSE,
    "projected_unspent": PROGNOSE,
    "actual_unspent": IST,
}


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def period_months(year: int, starts_on: datetime.date, ends_on: datetime.date | None) -> list[int]:
    """The months (1..12) of ``year`` that the period [starts_on, ends_on] touches."""
    first = 1 if starts_on.year < year else (starts_on.month if starts_on.year == year else 13)
    if ends_on is None or ends_on.year > year:
        last = 12
    elif ends_on.year == year:
        last = ends_on.month
    else:
        last = 0
    return list(range(first, last + 1))


def closed_month(year: int, on: datetime.date) -> int:
    """The last month of ``year`` that has passed or is running at the Stichtag ``on``."""
    if on.year > year:
        return MONTHS
    if on.year < year:
        return 0
    return on.month


def year_closed(year: int, on: datetime.date) -> bool:
    return on > datetime.date(year, 12, 31)


@dataclass(frozen=True)
class PositionInput:
    """A position as the selector reads it (no ORM objects)."""

    position_id: int
    sozialraum_id: int
    fte: Decimal
    planned_cost: Decimal
    starts_on: datetime.date
    ends_on: datetime.date | None
    filled_months: frozenset[int] = frozenset()  # months of the year marked filled
    vacant_months: frozenset[int] = frozenset()  # months of the year marked vacant
    confirmed_cost: Decimal = ZERO
    reported_cost: Decimal = ZERO  # reported, not yet confirmed
    cost_months: frozenset[int] = frozenset()  # months covered by confirmed costs


@dataclass(frozen=True)
class PositionExecution:
    position_id: int
    sozialraum_id: int
    fte: Decimal
    planned_cost: Decimal
    months: int  # |P(p)|
    filled_months: int  # Ist: marked filled up to the Stichtag
    forecast_filled_months: int  # Prognose
    vacancy_months: int
    filled_fte: Decimal  # annual average, Ist
    filled_fte_forecast: Decimal  # annual average, Prognose
    actual_cost: Decimal
    reported_cost: Decimal
    forecast_cost: Decimal
    last_cost_month: int


def position_execution(p: PositionInput, *, year: int, on: datetime.date) -> PositionExecution:
    """One position's figures for ``year`` at the Stichtag ``on`` (formulas above)."""
    months = period_months(year, p.starts_on, p.ends_on)
    closed = closed_month(year, on)
    filled = [m for m in months if m in p.filled_months and m <= closed]
    forecast_filled = [
        m for m in months if m in p.filled_months or (m > closed and m not in p.vacant_months)
    ]
    vacant = [m for m in months if m in p.vacant_months and m not in p.filled_months]
    last_cost = max(p.cost_months, default=0)
    remaining = [m for m in months if m > last_cost and m not in p.vacant_months]
    actual = cents(p.confirmed_cost)
    if months:
        forecast = cents(actual + Decimal(p.planned_cost) * len(remaining) / len(months))
    else:
        forecast = actual
    return PositionExecution(
        position_id=p.position_id,
        sozialraum_id=p.sozialraum_id,
        fte=Decimal(p.fte),
        planned_cost=cents(p.planned_cost),
        months=len(months),
        filled_months=len(filled),
        forecast_filled_months=len(forecast_filled),
        vacancy_months=len(vacant),
        filled_fte=cents(Decimal(p.fte) * len(filled) / MONTHS),
        filled_fte_forecast=cents(Decimal(p.fte) * len(forecast_filled) / MONTHS),
        actual_cost=actual,
        reported_cost=cents(p.reported_cost),
        forecast_cost=forecast,
        last_cost_month=last_cost,
    )


@dataclass
class SozialraumExecution:
    """One Sozialraum's budget execution (the sums of its positions and its plan)."""

    sozialraum_id: int | None  # None: the total row
    planned_fte: Decimal = ZERO
    planned_cost: Decimal = ZERO
    positions_fte: Decimal = ZERO
    positions_planned_cost: Decimal = ZERO
    position_count: int = 0
    filled_fte: Decimal = ZERO
    filled_fte_forecast: Decimal = ZERO
    vacancy_months: int = 0
    actual_cost: Decimal = ZERO
    reported_cost: Decimal = ZERO
    forecast_cost: Decimal = ZERO  # positions' forecast plus ``unpositioned_cost``
    unpositioned_cost: Decimal = ZERO  # approved lines without a position yet (Prognose)
    state_amount: Decimal | None = None
    closed: bool = False
    positions: list[PositionExecution] = field(default_factory=list)
    # the total row: the sums of the Sozialräume's rounded state parts
    summed_actual_state: Decimal | None = None
    summed_forecast_state: Decimal | None = None

    @property
    def actual_state(self) -> Decimal:
        if self.summed_actual_state is not None:
            return self.summed_actual_state
        return state_part(self.actual_cost)

    @property
    def actual_municipal(self) -> Decimal:
        return self.actual_cost - self.actual_state

    @property
    def forecast_state(self) -> Decimal:
        if self.summed_forecast_state is not None:
            return self.summed_forecast_state
        return state_part(self.forecast_cost)

    @property
    def forecast_municipal(self) -> Decimal:
        return self.forecast_cost - self.forecast_state

    @property
    def projected_unspent(self) -> Decimal | None:
        return None if self.state_amount is None else self.state_amount - self.forecast_state

    @property
    def actual_unspent(self) -> Decimal | None:
        return None if self.state_amount is None else self.state_amount - self.actual_state

    @property
    def freed(self) -> Decimal:
        """What a reallocation of money the positions do not spend may move."""
        unspent = self.projected_unspent
        return max(unspent, ZERO) if unspent is not None else ZERO


def sozialraum_execution(
    *,
    sozialraum_id: int | None,
    positions: Iterable[PositionExecution],
    planned_fte: Decimal = ZERO,
    planned_cost: Decimal = ZERO,
    state_amount: Decimal | None = None,
    closed: bool = False,
    unpositioned_cost: Decimal = ZERO,
) -> SozialraumExecution:
    """The Sozialraum's sums over its positions, with its plan and its state amount."""
    row = SozialraumExecution(
        sozialraum_id=sozialraum_id,
        planned_fte=Decimal(planned_fte),
        planned_cost=cents(planned_cost),
        state_amount=None if state_amount is None else cents(state_amount),
        closed=closed,
        unpositioned_cost=cents(unpositioned_cost),
        forecast_cost=cents(unpositioned_cost),
    )
    for p in positions:
        row.positions.append(p)
        row.position_count += 1
        row.positions_fte += p.fte
        row.positions_planned_cost += p.planned_cost
        row.filled_fte += p.filled_fte
        row.filled_fte_forecast += p.filled_fte_forecast
        row.vacancy_months += p.vacancy_months
        row.actual_cost += p.actual_cost
        row.reported_cost += p.reported_cost
        row.forecast_cost += p.forecast_cost
    return row


def total_execution(rows: Iterable[SozialraumExecution], *, closed: bool) -> SozialraumExecution:
    """The sum row over Sozialräume (state amount None if any row has none)."""
    total = SozialraumExecution(
        sozialraum_id=None,
        closed=closed,
        state_amount=ZERO,
        summed_actual_state=ZERO,
        summed_forecast_state=ZERO,
    )
    for r in rows:
        total.summed_actual_state += r.actual_state
        total.summed_forecast_state += r.forecast_state
        total.planned_fte += r.planned_fte
        total.planned_cost += r.planned_cost
        total.positions_fte += r.positions_fte
        total.positions_planned_cost += r.positions_planned_cost
        total.position_count += r.position_count
        total.filled_fte += r.filled_fte
        total.filled_fte_forecast += r.filled_fte_forecast
        total.vacancy_months += r.vacancy_months
        total.actual_cost += r.actual_cost
        total.reported_cost += r.reported_cost
        total.forecast_cost += r.forecast_cost
        total.unpositioned_cost += r.unpositioned_cost
        if r.state_amount is None or total.state_amount is None:
            total.state_amount = None
        else:
            total.state_amount += r.state_amount
    return total


def execution_for_year(
    *,
    year: int,
    on: datetime.date,
    positions: Iterable[PositionInput],
    sozialraum_ids: Iterable[int],
    planned: dict[int, tuple[Decimal, Decimal]] | None = None,
    state_amounts: dict[int, Decimal] | None = None,
    unpositioned: dict[int, Decimal] | None = None,
) -> tuple[list[SozialraumExecution], SozialraumExecution]:
    """Per Sozialraum (in the order of ``sozialraum_ids``) and in total.

    ``planned``: Sozialraum id -> (Σ fte, Σ annual_cost) of its approved plan's lines;
    ``state_amounts``: Sozialraum id -> its state amount after approved reallocations;
    ``unpositioned``: Sozialraum id -> Σ annual_cost of approved lines without a position.
    Positions of a Sozialraum not in ``sozialraum_ids`` are left out."""
    planned = planned or {}
    state_amounts = state_amounts or {}
    unpositioned = unpositioned or {}
    closed = year_closed(year, on)
    by_sr: dict[int, list[PositionExecution]] = {}
    for p in positions:
        by_sr.setdefault(p.sozialraum_id, []).append(position_execution(p, year=year, on=on))
    rows = []
    for sr_id in sozialraum_ids:
        fte, cost = planned.get(sr_id, (ZERO, ZERO))
        rows.append(
            sozialraum_execution(
                sozialraum_id=sr_id,
                positions=by_sr.get(sr_id, []),
                planned_fte=fte,
                planned_cost=cost,
                state_amount=state_amounts.get(sr_id),
                closed=closed,
                unpositioned_cost=unpositioned.get(sr_id, ZERO),
            )
        )
    return rows, total_execution(rows, closed=closed)
