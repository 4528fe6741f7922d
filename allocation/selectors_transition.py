"""The phased transition of a budget year as the pages show it (issue 18).

Read by the budget year page (``templates/allocation/_transition.html``) and the
committee report (``reports.selectors.committee``): per Sozialraum the previous year's
state amount, the target (the share itself) and the transitional amount this year, with
the sums. The figures are the stored shares (``SozialraumShare.target_amount`` and
``state_amount``), never recomputed for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from allocation import transition
from allocation.models import BudgetYear, SozialraumShare

ZERO = Decimal("0.00")


@dataclass
class TransitionRow:
    name: str
    previous: Decimal | None  # the previous budget year's state amount (None: none)
    target: Decimal
    amount: Decimal  # the transitional state amount of this year
    # "up": held below a higher target, "down": held above a lower one, "": at its target
    held: str = ""

    @property
    def difference(self) -> Decimal:
        """Transitional amount minus target: what is still to come (−) or to go (+)."""
        return self.amount - self.target

    @property
    def change_percent(self) -> Decimal | None:
        """The change against the previous year in percent (two places), None without one."""
        if not self.previous:
            return None
        return ((self.amount - self.previous) * 100 / self.previous).quantize(Decimal("0.01"))


@dataclass
class TransitionSummary:
    budget_year: BudgetYear
    cap: Decimal | None  # percent; None: the rule is off
    rows: list[TransitionRow] = field(default_factory=list)
    previous_year: int | None = None  # the year the bounds come from (None: no shares)
    widened: bool = False  # the allocation moved by more than the cap (caps below)
    cap_down: Decimal | None = None
    cap_up: Decimal | None = None

    @property
    def target_total(self) -> Decimal:
        return sum((r.target for r in self.rows), ZERO)

    @property
    def amount_total(self) -> Decimal:
        return sum((r.amount for r in self.rows), ZERO)

    @property
    def previous_total(self) -> Decimal | None:
        values = [r.previous for r in self.rows if r.previous is not None]
        return sum(values, ZERO) if values else None

    @property
    def held_count(self) -> int:
        return sum(1 for r in self.rows if r.held)

    @property
    def reached(self) -> bool:
        return all(not r.held and r.amount == r.target for r in self.rows)


def transition_summary(budget_year: BudgetYear) -> TransitionSummary | None:
    """The transition of ``budget_year``; None while its rule is off (no query then).

    Two queries (the year's shares and the previous year's). Rows only once step 1 is
    applied; ``widened`` says whether the allocation moved by more than the cap (the rule
    then widens the cap for the year, ``allocation.transition``)."""
    if budget_year.transition_cap is None:
        return None
    summary = TransitionSummary(budget_year=budget_year, cap=budget_year.transition_cap)
    shares = list(
        SozialraumShare.objects.filter(budget_year=budget_year)
        .select_related("sozialraum")
        .order_by("sozialraum__position", "sozialraum__name")
    )
    if not shares:
        return summary
    previous_shares = list(
        SozialraumShare.objects.filter(
            budget_year__jugendamt_id=budget_year.jugendamt_id,
            budget_year__year=budget_year.year - 1,
        ).select_related("sozialraum")
    )
    previous = {s.sozialraum.name: s.state_amount for s in previous_shares}
    if previous_shares:
        summary.previous_year = budget_year.year - 1
    for s in shares:
        held = ""
        if s.state_amount < s.target:
            held = transition.UP
        elif s.state_amount > s.target:
            held = transition.DOWN
        summary.rows.append(
            TransitionRow(
                name=s.sozialraum.name,
                previous=previous.get(s.sozialraum.name),
                target=s.target,
                amount=s.state_amount,
                held=held,
            )
        )
    targets = {r.name: r.target for r in summary.rows}
    if sum(targets.values(), ZERO) == budget_year.state_budget:
        # Which caps were in force: the same rule on the stored targets (pure, no query).
        result = transition.phased_amounts(
            targets=targets,
            previous=previous,
            budget=budget_year.state_budget,
            cap_percent=budget_year.transition_cap,
        )
        summary.widened = result.widened
        summary.cap_down, summary.cap_up = result.cap_down, result.cap_up
    return summary
