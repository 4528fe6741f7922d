"""Writes on allocation plans: creating one, the rule's proposal (section 8).

The workflow steps (consultation, proposal, approval, rework) are in
``allocation.services.workflow``; the lines in ``allocation.services.lines``; comments
and their answers in ``allocation.services.comments`` (``plan_comment_add`` stays
importable from here).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from allocation import distribution as d
from allocation import eligibility as elig
from allocation import selectors
from allocation.models import AllocationPlan, BudgetYear, Strand
from allocation.permissions import budget_year_policy
from allocation.services.comments import plan_comment_add  # noqa: F401 (moved, issue 15)
from allocation.services.common import (
    ZERO,
    lock_plan,
    plan_snapshot,
    require_edit,
    touch,
)
from allocation.services.lines import line_add
from audit import events as audit_events
from indices import eligibility as rules
from sozialraeume.models import Sozialraum, User


@transaction.atomic
def plan_create(
    *, budget_year: BudgetYear, sozialraum: Sozialraum, acting_user: User
) -> AllocationPlan:
    """The Sozialraum's plan of the budget year (a new, empty draft unless it exists)."""
    if sozialraum.jugendamt_id != budget_year.jugendamt_id:
        raise ValidationError(_("Der Sozialraum gehört zu einem anderen Jugendamt."))
    if not budget_year_policy.user_can(acting_user, "manage", budget_year):
        raise PermissionDenied
    plan, created = AllocationPlan.objects.get_or_create(
        budget_year=budget_year, sozialraum=sozialraum
    )
    if created:
        audit_events.record(
            actor=acting_user,
            action="plan.create",
            obj=plan,
            jugendamt_id=budget_year.jugendamt_id,
            new=plan_snapshot(plan),
        )
    return plan


@transaction.atomic
def plan_propose(*, plan: AllocationPlan, acting_user: User, reason: str = "") -> d.Proposal:
    """Draft the FS1 lines by the rule of section 8 (only in Entwurf).

    The fundable personnel cost (A / 0,6, less manual lines) in proportion to the
    Gesamtindex of the FS1-eligible Kitas, FTE rounded down to the budget year's step; the
    rest stays unallocated. Replaces earlier proposal lines; lines entered by hand are kept.
    """
    plan = lock_plan(plan)
    require_edit(plan, acting_user)
    if not can_proceed(plan.propose):
        raise ValidationError(_("Ein Vorschlag kann nur im Entwurf erstellt werden."))
    by = plan.budget_year
    amount = selectors.state_amount_for(by.pk, plan.sozialraum_id)
    if amount is None:
        raise ValidationError(
            _("Für %(sr)s gibt es in %(year)s noch keinen Anteil am Budget (Schritt 1).")
            % {"sr": plan.sozialraum, "year": by}
        )
    ctx = elig.index_context(by)
    if ctx.run is None:
        raise ValidationError(_("Es gibt keine fertige Indexberechnung für diese Runde."))
    for line in plan.lines.filter(from_proposal=True).select_related("kita"):
        audit_events.record(
            actor=acting_user,
            action="line.delete",
            obj=line,
            jugendamt_id=plan.jugendamt_id,
            old=line.snapshot(),
            reason=_("durch neuen Vorschlag ersetzt"),
        )
        line.delete()
    manual_cost = sum((x.annual_cost for x in plan.lines.all()), ZERO)
    fundable = max(d.fundable_personnel_cost(amount) - manual_cost, ZERO)
    kitas = {k.pk: k for k in plan.sozialraum.kitas.filter(active=True)}
    lower = ctx.norm("GESAMT", "lower")
    eligible = {
        k.name: ctx.value(pk, "GESAMT")
        for pk, k in kitas.items()
        if rules.fs1_eligibility(ctx.value(pk, "GESAMT"), lower).ok
    }
    proposal = d.fs1_proposal(
        eligible, fundable=fundable, cost_per_fte=by.fte_cost("FS1"), step=by.fte_step
    )
    by_name = {k.name: k for k in kitas.values()}
    plan.propose()  # the state stays Entwurf
    plan.proposed_at = timezone.now()
    plan.save(update_fields=["proposed_at"])
    for pl in proposal.lines:
        line_add(
            plan=plan,
            kita=by_name[pl.kita],
            strand=Strand.FS1,
            fte=pl.fte,
            annual_cost=pl.annual_cost,
            justification=_("Vorschlag: Gesamtindex über dem unteren Normwert (FS1)."),
            acting_user=acting_user,
            reason=_("Vorschlag nach Regel"),
            from_proposal=True,
        )
    touch(plan, acting_user)
    audit_events.record(
        actor=acting_user,
        action="plan.propose",
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        new={
            "fundable": str(proposal.fundable),
            "allocated": str(proposal.allocated),
            "unallocated": str(proposal.unallocated),
            "lines": [
                {"kita": pl.kita, "fte": str(pl.fte), "annual_cost": str(pl.annual_cost)}
                for pl in proposal.lines
            ],
        },
        reason=reason,
    )
    return proposal
