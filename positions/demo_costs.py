"""Demo data of actual personnel costs (issue 16, part P2): runs after ``positions.demo``.

For every demo position of 2026 the months January to October in which it was filled are
reported, month by month, by the employing Träger's demo login (``traeger``) where it
employs the position, otherwise by ``jugendamt`` for the Träger. ``jugendamt`` confirms
January to June; July to October stay reported. One correction waits for the second
person: ``jugendamt`` corrects the first position's February, ``jugendamt-leitung`` has
not confirmed it yet. Everything through the services (audit trail). Idempotent: a year
with any actual cost is left as it is; without positions (yet) nothing is done.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from allocation.models import BudgetYear
from positions.models import ActualCost, Position
from positions.services import costs as cost_services
from sozialraeume.master_data import BAD_KREUZNACH

YEAR = 2026
LAST_MONTH = 10
CONFIRMED_UNTIL = 6
# A little below the plan, varying by month: a realistic year, never near the limits.
FACTORS = (
    Decimal("0.97"),
    Decimal("0.98"),
    Decimal("0.99"),
    Decimal("1.00"),
    Decimal("0.96"),
    Decimal("1.01"),
)


def seed(stdout=None):
    def say(text):
        if stdout:
            stdout.write(text)

    budget_year = BudgetYear.objects.filter(
        jugendamt__slug=BAD_KREUZNACH["slug"], year=YEAR
    ).first()
    if budget_year is None:
        return None
    positions = list(
        Position.objects.filter(budget_year=budget_year)
        .select_related("budget_year", "employer")
        .prefetch_related("months")
        .order_by("number")
    )
    if not positions:
        say("Ist-Kosten: keine Stellen 2026")
        return None
    if ActualCost.objects.filter(position__budget_year=budget_year).exists():
        say("Ist-Kosten 2026: vorhanden")
        return None
    User = get_user_model()
    staff = User.objects.get(username="jugendamt")
    traeger_user = User.objects.filter(username="traeger").first()
    first_confirmed = None
    count = 0
    for index, position in enumerate(positions):
        reporter = (
            traeger_user
            if traeger_user is not None and traeger_user.traeger_id == position.employer_id
            else staff
        )
        filled = {m.month for m in position.months.all() if m.filled}
        monthly = cost_services.planned_for(position, 1)
        for month in range(1, LAST_MONTH + 1):
            start = datetime.date(YEAR, month, 1)
            if start not in filled:
                continue  # a vacant month costs nothing
            factor = FACTORS[(month + index) % len(FACTORS)]
            amount = (monthly * factor).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            cost = cost_services.actual_cost_report(
                position_id=position.pk,
                period_start=start,
                period_end=cost_services.month_end(start),
                amount=amount,
                acting_user=reporter,
            )
            count += 1
            if month <= CONFIRMED_UNTIL:
                cost_services.actual_cost_confirm(cost_id=cost.pk, acting_user=staff)
                if first_confirmed is None and month == 2:
                    first_confirmed = cost
    if first_confirmed is not None:
        cost_services.actual_cost_correct(
            cost_id=first_confirmed.pk,
            amount=first_confirmed.amount + Decimal("120.00"),
            reason="Nachzahlung der Jahressonderzahlung (Tarif)",
            acting_user=staff,
        )
    say(f"Ist-Kosten 2026: {count} Monate gemeldet, eine Korrektur offen")
    return count
