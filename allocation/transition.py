"""Phased transition of the Sozialraum state amounts (issue 18, "Phased transition").

Pure: no Django, no database (import-linter's pure contract). Money in euros as
``Decimal`` with two places; all arithmetic on whole cents with exact fractions, so the
one rounding happens at the end and sums are exact to the cent.

Why: a new survey round can move a Sozialraum's share by a lot, and the staff already
employed with that money cannot be moved as fast. With the rule on, a budget year's
state amount of a Sozialraum changes by at most the cap against the previous year's
amount; the rest of the way to its share (the *target*) is made over the following years.

Inputs
------
- ``targets``: Sozialraum name -> target amount t(s) in euros (the step-1 share as
  without the rule, ``distribution.sozialraum_amounts``); Σ t = B.
- ``previous``: Sozialraum name -> the previous budget year's state amount p(s) (the
  transitional one where the rule was on), or None. A Sozialraum without a previous
  amount, or with 0 €, has no bound (a percentage of nothing bounds nothing).
- ``budget``: the year's state allocation B in euros (whole cents).
- ``cap_percent``: the cap c in percent (10 = ±10 %), 0 < c ≤ 100.

Formulas (amounts in cents)
---------------------------
1. Bounds of a Sozialraum with p(s) > 0, rounded outwards to whole cents:
       lo(s) = floor(p(s) · (1 − c)),   hi(s) = ceil(p(s) · (1 + c))
2. The transitional amount is the target scaled by one common factor λ and clamped:
       a(s) = clamp(λ · t(s), lo(s), hi(s))   (no bound: a(s) = λ · t(s))
   with λ ≥ 0 the smallest value for which Σ a(s) = B. Σ a(λ) is continuous, piecewise
   linear and non-decreasing, so λ is found exactly between two of its breakpoints
   lo/t, hi/t. This is the fixed point of "clamp the Sozialräume beyond their bounds,
   give the remaining budget to the others in proportion to their targets, repeat until
   nothing changes", computed directly instead of by iteration: a Sozialraum is
   *clamped* when λ·t(s) ≤ lo(s) ("down": it would lose more) or ≥ hi(s) ("up": it would
   gain more); the others are *free*.
3. Cents: the clamped Sozialräume get their bound (whole cents); the remaining budget
       R = B − Σ_clamped a(s)
   goes to the free ones in proportion to their targets by the largest-remainder rule
   (``indices.apportion``, ties by name), i.e. each gets floor or ceil of λ·t(s), which
   stays inside its bounds because the bounds are whole cents. Σ = B exactly.
4. A Sozialraum with target 0 would sit at its lower bound for every λ. When every
   Sozialraum with a target above 0 is at its upper bound (and all have a bound) and
   money is still left, that money goes to the target-0 ones above their lower bound,
   in proportion to their room hi − lo (largest remainder): they fall more slowly.
5. When the allocation itself changes by more than the cap, the bounds cannot hold
   (e.g. the Land adds 15 % with a cap of 10 %). Then the cap on that side is widened
   for that year to the allocation's own change, and the result says so:
       Σ lo > B (falling):  c_down = 1 − B / Σ p
       Σ hi < B (rising, every Sozialraum with a target above 0 has a bound):
                            c_up = B / Σ p − 1          (sums over the bounded ones)

With constant targets and allocation (B = Σ p) the cap never widens, and the amounts
reach the targets after finitely many years: a clamped Sozialraum moves by its full
bound (at least a cent) towards its target, and once every target lies within the
bounds, λ = 1 gives a(s) = t(s) (tested with Hypothesis, ``tests/allocation``).

Outputs: ``TransitionResult`` (amounts, targets, who is clamped in which direction,
the caps in force).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction

from indices import apportion

CENT = Decimal("0.01")
UP = "up"
DOWN = "down"


@dataclass(frozen=True)
class TransitionResult:
    """The transitional amounts (what each Sozialraum gets this year) and the targets.

    ``clamped`` names the Sozialräume held by the cap and not at their target: "up"
    (held at the upper bound: it would gain more), "down" (held at the lower bound: it
    would lose more; with target 0 also above it, formula 4). ``cap_down``/``cap_up``
    are the caps in force in percent, rounded up to two places (the given cap unless
    ``widened``)."""

    amounts: dict[str, Decimal]
    targets: dict[str, Decimal]
    clamped: dict[str, str] = field(default_factory=dict)
    cap_percent: Decimal = Decimal("0")
    cap_down: Decimal = Decimal("0")
    cap_up: Decimal = Decimal("0")
    widened: bool = False

    @property
    def reached(self) -> bool:
        """Every Sozialraum gets its target this year."""
        return self.amounts == self.targets


def _cents(value, what: str) -> int:
    amount = Decimal(value)
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{what} must be whole cents: {value}")
    if cents < 0:
        raise ValueError(f"{what} must not be negative: {value}")
    return int(cents)


def _floor(x: Fraction) -> int:
    return x.numerator // x.denominator


def _ceil(x: Fraction) -> int:
    return -((-x.numerator) // x.denominator)


def _euros(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _percent(fraction: Fraction) -> Decimal:
    # For display and the record only: two places rounded up, so the cap shown is never
    # below the one in force; the computation uses the exact fraction.
    value = fraction * 100
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            CENT, rounding=ROUND_CEILING
        )


def _solve(total, budget: int, points: list[Fraction], *, slope: int) -> Fraction:
    """The smallest λ ≥ 0 with total(λ) = budget; ``total`` is continuous, non-decreasing
    and linear between the sorted ``points`` (beyond the last one with ``slope``)."""
    before = points[0]
    low = total(before)
    if low >= budget:
        return before
    for point in points[1:]:
        at = total(point)
        if at >= budget:
            return before + (point - before) * (budget - low) / (at - low)
        before, low = point, at
    # Beyond the last breakpoint only the Sozialräume without a bound still grow.
    return before + (budget - low) / slope


def phased_amounts(
    *,
    targets: Mapping[str, Decimal],
    previous: Mapping[str, Decimal | None],
    budget: Decimal,
    cap_percent: Decimal,
) -> TransitionResult:
    """The transitional state amounts of one budget year (formulas: module docstring).

    ``targets`` must add up to ``budget`` (both whole cents); ``previous`` may lack names
    (no bound for those). Raises ValueError for inconsistent input."""
    cap = Fraction(Decimal(cap_percent)) / 100
    if not 0 < cap <= 1:
        raise ValueError("cap_percent must be above 0 and at most 100")
    names = sorted(targets)
    B = _cents(budget, "budget")
    t = {n: _cents(targets[n], "target") for n in names}
    if sum(t.values()) != B:
        raise ValueError("the targets must add up to the budget")
    p = {}
    for n in names:
        prev = previous.get(n)
        if prev is not None and _cents(prev, "previous amount") > 0:
            p[n] = _cents(prev, "previous amount")
    bounded = [n for n in names if n in p]
    free = [n for n in names if n not in p]

    cap_down = cap_up = cap
    lo = {n: _floor(p[n] * (1 - cap_down)) for n in bounded}
    hi = {n: _ceil(p[n] * (1 + cap_up)) for n in bounded}
    widened = False
    # 5: an allocation that moves by more than the cap widens the cap on that side.
    if sum(lo.values()) > B:
        cap_down = 1 - Fraction(B, sum(p.values()))
        lo = {n: _floor(p[n] * (1 - cap_down)) for n in bounded}
        widened = True
    elif not any(t[n] > 0 for n in free) and sum(hi.values()) < B:
        cap_up = Fraction(B, sum(p.values())) - 1
        hi = {n: _ceil(p[n] * (1 + cap_up)) for n in bounded}
        widened = True

    def total(lam: Fraction) -> Fraction:
        s = Fraction(0)
        for n in bounded:
            s += min(max(lam * t[n], lo[n]), hi[n])
        for n in free:
            s += lam * t[n]
        return s

    cents: dict[str, int] = {}
    clamped: dict[str, str] = {}
    grows = any(t[n] > 0 for n in free)
    ceiling = sum(hi[n] if t[n] > 0 else lo[n] for n in bounded)
    if not grows and ceiling < B:
        # 4: every Sozialraum with a target is at its upper bound; the rest goes to those
        # with target 0 above their lower bound, in proportion to their room hi − lo.
        zero = [n for n in bounded if t[n] == 0]
        extra = apportion.largest_remainder([hi[n] - lo[n] for n in zero], B - ceiling, zero)
        for n in bounded:
            if t[n] > 0:
                cents[n], clamped[n] = hi[n], UP
        for n, e in zip(zero, extra, strict=True):
            cents[n], clamped[n] = lo[n] + e, DOWN
        cents.update(dict.fromkeys(free, 0))
    else:
        # 2: λ between two breakpoints of the piecewise linear Σ a(λ).
        lam = _solve(
            total,
            B,
            sorted(
                {Fraction(0)}
                | {Fraction(lo[n], t[n]) for n in bounded if t[n] > 0}
                | {Fraction(hi[n], t[n]) for n in bounded if t[n] > 0}
            ),
            slope=sum(t[n] for n in free),
        )
        for n in bounded:
            x = lam * t[n]
            if x <= lo[n]:
                cents[n], clamped[n] = lo[n], DOWN
            elif x >= hi[n]:
                cents[n], clamped[n] = hi[n], UP
        # 3: whole cents. The bounds are whole; the free share the rest by their targets.
        rest = B - sum(cents.values())
        open_names = [n for n in names if n not in clamped]
        open_targets = [t[n] for n in open_names]
        if sum(open_targets) > 0:
            units = apportion.largest_remainder(open_targets, rest, open_names)
            cents.update(zip(open_names, units, strict=True))
        else:
            cents.update(dict.fromkeys(open_names, 0))
    if sum(cents.values()) != B:  # cannot happen: Σ a(λ) = B
        raise ArithmeticError("transition amounts do not add up to the budget")
    # Held by the cap and not at the target (a bound that equals the target holds nothing).
    clamped = {n: way for n, way in clamped.items() if cents[n] != t[n]}
    return TransitionResult(
        amounts={n: _euros(cents[n]) for n in names},
        targets={n: _euros(t[n]) for n in names},
        clamped=clamped,
        cap_percent=Decimal(cap_percent).quantize(CENT),
        cap_down=_percent(cap_down),
        cap_up=_percent(cap_up),
        widened=widened,
    )
