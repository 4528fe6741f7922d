"""The next year starts from this one (issue 16, part P1): a budget year's draft plan for a
Sozialraum made from the previous year's positions that continue, instead of an empty plan.

The staff stay employed, so every position that runs past the previous year's end (no end,
or an end after 31 December) becomes one line of the new plan: same Kita, strand and FTE,
the cost at the new year's rate (FTE × rate, as every line not set by hand). The lines go
through allocation's services (``plan_create``, ``line_add``), so the new plan is checked as
any other (eligibility by the new year's figures). When the new plan is approved and its
positions are created, ``positions_create_from_line`` links each new position to the
previous year's position of the same Kita and strand (``Position.continues``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allocation.models import AllocationPlan, BudgetYear
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from audit import events as audit_events
from positions.models import Position
from positions.permissions import position_policy
from sozialraeume.models import Sozialraum, User


def continuing_positions(*, budget_year: BudgetYear, sozialraum: Sozialraum):
    """The previous year's positions in the Sozialraum that run on into ``budget_year``."""
    previous_end = datetime.date(budget_year.year - 1, 12, 31)
    return (
        Position.objects.filter(
            budget_year__jugendamt_id=budget_year.jugendamt_id,
            budget_year__year=budget_year.year - 1,
            kita__sozialraum=sozialraum,
        )
        .exclude(ends_on__lte=previous_end)
        .select_related("kita", "line")
        .order_by("kita__name", "strand", "number")
    )


@transaction.atomic
def plan_create_from_positions(
    *, budget_year: BudgetYear, sozialraum: Sozialraum, acting_user: User
) -> AllocationPlan:
    """The Sozialraum's draft plan of ``budget_year`` with one line per continuing position.
    Refused if the Sozialraum already has a plan for that year, or no position continues."""
    if not position_policy.user_can(acting_user, "manage", budget_year):
        raise PermissionDenied
    if sozialraum.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Der Sozialraum gehört zu einem anderen Jugendamt."))
    if AllocationPlan.objects.filter(budget_year=budget_year, sozialraum=sozialraum).exists():
        raise ValidationError(
            _("%(sozialraum)s hat für %(year)s schon einen Plan.")
            % {"sozialraum": sozialraum.name, "year": budget_year}
        )
    positions = list(continuing_positions(budget_year=budget_year, sozialraum=sozialraum))
    if not positions:
        raise ValidationError(
            _("In %(sozialraum)s läuft keine Stelle aus %(year)s weiter.")
            % {"sozialraum": sozialraum.name, "year": budget_year.year - 1}
        )
    plan = plan_services.plan_create(
        budget_year=budget_year, sozialraum=sozialraum, acting_user=acting_user
    )
    reason = _("fortlaufende Stelle aus %(year)s") % {"year": budget_year.year - 1}
    for position in positions:
        line_services.line_add(
            plan=plan,
            kita=position.kita,
            strand=position.strand,
            fte=position.fte,
            justification=position.line.justification if position.line else "",
            qualification=position.qualification.name if position.qualification else "",
            reason=f"{reason}: {position.number}",
            acting_user=acting_user,
        )
    audit_events.record(
        actor=acting_user,
        action="plan.create_from_positions",
        obj=plan,
        jugendamt_id=budget_year.jugendamt_id,
        new={
            "plan_id": plan.pk,
            "from_year": str(budget_year.year - 1),
            "positions": [p.number for p in positions],
            "lines": len(positions),
        },
    )
    plan.refresh_from_db()
    return plan
