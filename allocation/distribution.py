"""Pure budget arithmetic of the Sozialraumbudget (methodology.md sections 6-8).

No Django, no database: plain numbers in, ``Decimal`` out. Money is euros as
``Decimal`` with two places (cents), FTE (Stellenanteile) ``Decimal`` with two
places. Exact intermediate values use ``fractions.Fraction`` so that rounding
happens once, at the end, and ties are decided on exact numbers.

Formulas
--------
- Budget year default:   B(y) = round_half_up(B(y-1) · 1.025, whole euros)
- Step 1 share:          share(s) = G(s) / Σ G         (G = Sozialraum Gesamtindex)
  percent(s)  = 100 · share(s), two decimals, largest remainder (sums to 100.00)
  amount(s)   = budget · share(s), cents, largest remainder (sums to the budget)
- Co-funding (section 7): a state amount A funds personnel costs up to A / 0.6;
  municipal = A / 0.6 · 0.4 (rounded half up to cents), total = A + municipal.
- State part of a line:  annual_cost · 0.6 (rounded half up to cents).
- FS1 proposal (section 8): fundable = A / 0.6 goes to the FS1-eligible Kitas in
  proportion to their Kita Gesamtindex g(k):
      fte(k)  = floor(fundable · g(k) / Σ g / cost_per_fte / step) · step
      cost(k) = fte(k) · cost_per_fte
      unallocated = fundable − Σ cost(k)

Which Kitas are eligible for a strand is ``indices.eligibility`` (rules on index values
and norms); this module only divides money among the Kitas it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from indices import apportion

CENT = Decimal("0.01")
EURO = Decimal("1")
STATE_RATE = Decimal("0.6")
MUNICIPAL_RATE = Decimal("0.4")
YEARLY_INCREASE = Decimal("1.025")
DEFAULT_FTE_STEP = Decimal("0.05")
STRANDS = ("FS1", "FS2", "FS3", "FS4")


def _exact(value) -> Fraction:
    """An exact rational for a float, int, Decimal or numeric string."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        return Fraction(Decimal(value))
    if isinstance(value, float):
        # The shortest repr is the value the index engine meant (53.0, 43.2, ...).
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def _to_decimal(value: Fraction, quantum: Decimal, rounding=ROUND_HALF_UP) -> Decimal:
    # Exact division in a wide context, then one rounding to the quantum.
    num = Decimal(value.numerator)
    den = Decimal(value.denominator)
    with localcontext() as ctx:
        ctx.prec = 60
        return (num / den).quantize(quantum, rounding=rounding)


# --- section 7: budget years ---------------------------------------------------------


def default_budget(previous: Decimal) -> Decimal:
    """Next year's state allocation without its own figure: previous · 1.025, whole euros."""
    return (Decimal(previous) * YEARLY_INCREASE).quantize(EURO, rounding=ROUND_HALF_UP)


def budgets_by_year(figures: Mapping[int, Decimal], until: int) -> dict[int, Decimal]:
    """Fill the years from the first given figure up to ``until``.

    ``figures`` holds the years that have their own figure (the state's notice);
    every other year is ``default_budget`` of the year before.
    """
    if not figures:
        return {}
    first = min(figures)
    result: dict[int, Decimal] = {}
    for year in range(first, until + 1):
        if year in figures:
            result[year] = Decimal(figures[year]).quantize(CENT)
        else:
            result[year] = default_budget(result[year - 1]).quantize(CENT)
    return result


# --- section 6: step 1 ---------------------------------------------------------------


def largest_remainder(values: Sequence, total_units: int, names: Sequence[str]) -> list[int]:
    """Apportion ``total_units`` integer units in proportion to ``values`` by the shared
    largest-remainder rule (``indices.apportion``). Floats count with their shortest
    decimal representation (53.0, 43.2 as published), not their binary value."""
    return apportion.largest_remainder([_exact(v) for v in values], total_units, names)


def sozialraum_percents(points: Mapping[str, object]) -> dict[str, Decimal]:
    """Percent per Sozialraum, two decimals, adding up to exactly 100.00."""
    names = list(points)
    units = largest_remainder([points[n] for n in names], 10000, names)
    return {n: (Decimal(u) / 100).quantize(CENT) for n, u in zip(names, units, strict=True)}


def sozialraum_amounts(points: Mapping[str, object], budget: Decimal) -> dict[str, Decimal]:
    """Euro amount per Sozialraum from the exact shares, to the cent, summing to ``budget``."""
    cents = Decimal(budget).quantize(CENT) * 100
    if cents != cents.to_integral_value():
        raise ValueError("budget must be whole cents")
    names = list(points)
    units = largest_remainder([points[n] for n in names], int(cents), names)
    return {n: (Decimal(u) / 100).quantize(CENT) for n, u in zip(names, units, strict=True)}


# --- section 7: co-funding -----------------------------------------------------------


@dataclass(frozen=True)
class Funding:
    """State amount A, municipal co-funding A / 0.6 · 0.4 and the personnel budget."""

    state: Decimal
    municipal: Decimal
    total: Decimal


def funding_for_state_amount(state_amount: Decimal) -> Funding:
    state = Decimal(state_amount).quantize(CENT)
    municipal = _to_decimal(_exact(state) / _exact(STATE_RATE) * _exact(MUNICIPAL_RATE), CENT)
    return Funding(state=state, municipal=municipal, total=state + municipal)


def state_part(annual_cost: Decimal) -> Decimal:
    """The Land-funded part (60 %) of a line's annual personnel cost, to the cent."""
    return (Decimal(annual_cost) * STATE_RATE).quantize(CENT, rounding=ROUND_HALF_UP)


def fundable_personnel_cost(state_amount: Decimal) -> Decimal:
    """A / 0.6: the personnel cost a state amount A can fund."""
    return funding_for_state_amount(state_amount).total


# --- section 8: FS1 proposal ---------------------------------------------------------


@dataclass(frozen=True)
class ProposalLine:
    kita: str
    fte: Decimal
    annual_cost: Decimal
    state_part: Decimal


@dataclass(frozen=True)
class Proposal:
    lines: list[ProposalLine] = field(default_factory=list)
    fundable: Decimal = Decimal("0.00")
    allocated: Decimal = Decimal("0.00")
    unallocated: Decimal = Decimal("0.00")


def floor_to_step(value, step: Decimal = DEFAULT_FTE_STEP) -> Decimal:
    """Round ``value`` down to a multiple of ``step`` (two places)."""
    step_f = _exact(step)
    if step_f <= 0:
        raise ValueError("step must be positive")
    q = _exact(value) / step_f
    n = q.numerator // q.denominator
    return (Decimal(n) * Decimal(step)).quantize(CENT, rounding=ROUND_DOWN)


def fs1_proposal(
    kitas: Mapping[str, object],
    *,
    fundable: Decimal,
    cost_per_fte: Decimal,
    step: Decimal = DEFAULT_FTE_STEP,
) -> Proposal:
    """FS1 lines in proportion to the Kita Gesamtindex (only eligible Kitas are passed).

    ``kitas`` maps Kita name to Gesamtindex; ``fundable`` is A / 0.6 in euros;
    ``cost_per_fte`` the annual personnel cost of one full-time position.
    """
    fundable = Decimal(fundable).quantize(CENT)
    if Decimal(cost_per_fte) <= 0:
        raise ValueError("cost per FTE must be positive")
    positive = {k: _exact(g) for k, g in kitas.items() if g is not None and _exact(g) > 0}
    total_g = sum(positive.values(), Fraction(0))
    lines = []
    if total_g > 0:
        for name in sorted(positive, key=lambda k: (-positive[k], k)):
            money = _exact(fundable) * positive[name] / total_g
            fte = floor_to_step(money / _exact(cost_per_fte), step)
            cost = (fte * Decimal(cost_per_fte)).quantize(CENT, rounding=ROUND_HALF_UP)
            if fte > 0:
                lines.append(ProposalLine(name, fte, cost, state_part(cost)))
    allocated = sum((line.annual_cost for line in lines), Decimal("0.00"))
    return Proposal(
        lines=lines, fundable=fundable, allocated=allocated, unallocated=fundable - allocated
    )
