"""Read side of the allocation: budget overviews, plans with totals and eligibility, history.

Reports (issue 6) read plans and amounts through these functions too.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from allocation import distribution as d
from allocation import eligibility as elig
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanState,
    Reallocation,
    ReallocationState,
    SozialraumShare,
    Strand,
)
from allocation.permissions import plan_policy
from indices.eligibility import Eligibility
from sozialraeume.models import Sozialraum
from sozialraeume.permissions import kita_policy

ZERO = Decimal("0.00")
FIRST_RESURVEY_YEAR = 2027
RESURVEY_INTERVAL = 5
REVIEW_MONTHS = 30  # 2,5 years


# --- dates ------------------------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due_for(approved_on: datetime.date) -> datetime.date:
    """Review of the per-Kita distribution at least every 2,5 years (section 8)."""
    return add_months(approved_on, REVIEW_MONTHS)


def next_survey_year(today: datetime.date | None = None) -> int:
    """The next survey round by law: first 2027, then every five years."""
    year = (today or timezone.localdate()).year
    nxt = FIRST_RESURVEY_YEAR
    while nxt < year:
        nxt += RESURVEY_INTERVAL
    return nxt


def consultation_earliest_submit(plan) -> datetime.date | None:
    """The first day a plan in consultation may be laid before the Leitung: the day the
    consultation began plus the Jugendamt's minimum (``Jugendamt.consultation_min_days``).
    None when there is no wait: no start recorded (plans from before issue 12), or the
    Leitung shortened it."""
    if plan.consultation_started_at is None or plan.consultation_shortened_at is not None:
        return None
    days = plan.sozialraum.jugendamt.consultation_min_days
    started = timezone.localdate(plan.consultation_started_at)
    return started + datetime.timedelta(days=days)


# --- budget years and amounts -----------------------------------------------------------


def budget_years_for_jugendamt(jugendamt_id) -> QuerySet[BudgetYear]:
    return BudgetYear.objects.filter(jugendamt_id=jugendamt_id).select_related("round")


def approved_reallocations(budget_year_id) -> QuerySet[Reallocation]:
    """The reallocations that move money: approved by a second person (four eyes).
    Proposals and rejected ones change no amount anywhere."""
    return Reallocation.objects.filter(
        budget_year_id=budget_year_id, state=ReallocationState.APPROVED
    )


def reallocations_of_year(budget_year) -> QuerySet[Reallocation]:
    """Every reallocation of the year (proposed, approved, rejected), oldest first."""
    return budget_year.reallocations.select_related(
        "from_sozialraum", "to_sozialraum", "to_kita", "created_by", "decided_by"
    ).order_by("created_at", "pk")


def pending_outgoing(budget_year_id, sozialraum_id) -> Decimal:
    """State money of a Sozialraum already asked for by open proposals (not yet decided)."""
    qs = Reallocation.objects.filter(
        budget_year_id=budget_year_id,
        from_sozialraum_id=sozialraum_id,
        state=ReallocationState.PROPOSED,
    )
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def pending_outgoing_by_sozialraum(budget_year_id) -> dict[int, Decimal]:
    """``pending_outgoing`` of every Sozialraum of the year at once (one query): Sozialraum
    id -> state money asked for by its open proposals; without open proposals it is missing."""
    return {
        row["from_sozialraum_id"]: row["s"] or ZERO
        for row in Reallocation.objects.filter(
            budget_year_id=budget_year_id, state=ReallocationState.PROPOSED
        )
        .order_by()
        .values("from_sozialraum_id")
        .annotate(s=Sum("amount"))
    }


def moved_unspent_out(budget_year_id, sozialraum_id) -> Decimal:
    """Issue 16: state money of a Sozialraum moved out by approved reallocations of money
    its positions do not spend (source "actual"); its plan's lines still hold it."""
    qs = approved_reallocations(budget_year_id).filter(
        from_sozialraum_id=sozialraum_id, source="actual"
    )
    return qs.aggregate(s=Sum("amount"))["s"] or ZERO


def reallocation_balance(budget_year_id) -> dict[int, Decimal]:
    """Net reallocated state money per Sozialraum id (incoming minus outgoing), approved
    reallocations only."""
    return balance_of(approved_reallocations(budget_year_id))


def balance_of(reallocations) -> dict[int, Decimal]:
    """Net amount per Sozialraum id of the given reallocations (incoming minus outgoing)."""
    balance: dict[int, Decimal] = {}
    for r in reallocations:
        balance[r.to_sozialraum_id] = balance.get(r.to_sozialraum_id, ZERO) + r.amount
        balance[r.from_sozialraum_id] = balance.get(r.from_sozialraum_id, ZERO) - r.amount
    return balance


def state_amount_for(budget_year_id, sozialraum_id) -> Decimal | None:
    """The Sozialraum's state amount of the year after reallocations, or None without shares."""
    share = SozialraumShare.objects.filter(
        budget_year_id=budget_year_id, sozialraum_id=sozialraum_id
    ).first()
    if share is None:
        return None
    return share.state_amount + reallocation_balance(budget_year_id).get(sozialraum_id, ZERO)


def plan_state_part(plan) -> Decimal:
    return plan.lines.aggregate(s=Sum("state_part"))["s"] or ZERO


@dataclass
class SozialraumRow:
    sozialraum: object
    share: SozialraumShare | None
    percent: Decimal | None
    base_state: Decimal | None
    reallocated: Decimal
    funding: d.Funding | None
    plan: AllocationPlan | None
    planned: d.Funding
    unspent_state: Decimal | None
    # An approved plan whose state part is above the Sozialraum's amount (after a change
    # of the state allocation): by how much; None otherwise.
    approved_excess: Decimal | None = None

    @property
    def state_amount(self):
        return self.funding.state if self.funding else None


@dataclass
class BudgetOverview:
    budget_year: BudgetYear
    funding: d.Funding
    rows: list[SozialraumRow] = field(default_factory=list)

    @property
    def total_state_amounts(self) -> Decimal:
        return sum((r.funding.state for r in self.rows if r.funding), ZERO)

    @property
    def plans_over_new_amount(self) -> list[SozialraumRow]:
        """Rows whose approved plan spends more state money than the Sozialraum now has."""
        return [r for r in self.rows if r.approved_excess is not None]


def budget_overview(budget_year: BudgetYear) -> BudgetOverview:
    """Per Sozialraum: percent, state / municipal / total amounts, plan and what it spends."""
    shares = {s.sozialraum_id: s for s in budget_year.shares.all()}
    plans = {
        p.sozialraum_id: p
        for p in AllocationPlan.objects.filter(budget_year=budget_year).annotate(
            planned_state=Sum("lines__state_part"), planned_total=Sum("lines__annual_cost")
        )
    }
    approved = list(approved_reallocations(budget_year.pk))
    balance = balance_of(approved)
    # Issue 16: money moved out because the positions do not spend it ("actual") was part
    # of the approved plan; the plan does not "exceed the new share" by that amount.
    moved_unspent: dict[int, Decimal] = {}
    for r in approved:
        if r.source == "actual":
            moved_unspent[r.from_sozialraum_id] = (
                moved_unspent.get(r.from_sozialraum_id, ZERO) + r.amount
            )
    rows = []
    for sr in Sozialraum.objects.filter(jugendamt_id=budget_year.jugendamt_id).order_by(
        "position", "name"
    ):
        share = shares.get(sr.pk)
        reallocated = balance.get(sr.pk, ZERO)
        funding = d.funding_for_state_amount(share.state_amount + reallocated) if share else None
        plan = plans.get(sr.pk)
        planned_total = (plan.planned_total or ZERO) if plan else ZERO
        planned_state = (plan.planned_state or ZERO) if plan else ZERO
        planned = d.Funding(planned_state, planned_total - planned_state, planned_total)
        excess = None
        if plan is not None and plan.state == PlanState.APPROVED and funding is not None:
            covered = funding.state + moved_unspent.get(sr.pk, ZERO)
            excess = planned_state - covered if planned_state > covered else None
        rows.append(
            SozialraumRow(
                sozialraum=sr,
                share=share,
                percent=share.percent if share else None,
                base_state=share.state_amount if share else None,
                reallocated=reallocated,
                funding=funding,
                plan=plan,
                planned=planned,
                unspent_state=(funding.state - planned_state) if funding else None,
                approved_excess=excess,
            )
        )
    return BudgetOverview(
        budget_year=budget_year,
        funding=d.funding_for_state_amount(budget_year.state_budget),
        rows=rows,
    )


# --- plans ------------------------------------------------------------------------------


def plans_due_for_review(jugendamt_id, *, today: datetime.date | None = None, within_days=180):
    """Approved plans whose review date has passed or comes within ``within_days``."""
    today = today or timezone.localdate()
    return (
        AllocationPlan.objects.filter(
            sozialraum__jugendamt_id=jugendamt_id,
            state=PlanState.APPROVED,
            review_due__lte=today + datetime.timedelta(days=within_days),
        )
        .select_related("sozialraum", "budget_year")
        .order_by("review_due")
    )


@dataclass
class LineRow:
    line: AllocationLine
    eligibility: Eligibility
    eligibility_text: str
    eligibility_label: str


@dataclass
class PlanView:
    plan: AllocationPlan
    budget: d.Funding | None
    planned: d.Funding
    rows: list[LineRow]
    over_budget: Decimal | None
    unallocated: d.Funding | None
    strands: dict


def fs2_centres(lines) -> set[tuple[str, int]]:
    """The centres FS2 lines are planned for (a line without one counts by its Kita, as
    before issue 15): more than one is more than the one centre of a Sozialraum."""
    return {
        ("centre", line.centre_id) if line.centre_id else ("kita", line.kita_id)
        for line in lines
        if line.strand == Strand.FS2
    }


def plan_view(plan: AllocationPlan) -> PlanView:
    """The plan with its totals, budget, and each line's eligibility."""
    lines = list(
        plan.lines.select_related(
            "kita",
            "kita__traeger",
            "updated_by",
            "exception_accepted_by",
            "centre",
            "fs4_request",
            "fs4_request__decided_by",
        )
    )
    ctx = elig.index_context(plan.budget_year)
    rows = []
    for line in lines:
        others = fs2_centres(x for x in lines if x.pk != line.pk) - fs2_centres([line])
        result = elig.line_eligibility(
            ctx=ctx,
            kita_id=line.kita_id,
            strand=line.strand,
            justification=line.justification,
            central_location=line.central_location,
            cross_provider=line.cross_provider,
            other_centres=len(others),
            exception_accepted=line.exception_accepted_at is not None,
            centre=line.centre,
            fs4_request=line.fs4_request,
        )
        rows.append(LineRow(line, result, elig.message(result), elig.status_label(result)))
    total = sum((x.annual_cost for x in lines), ZERO)
    state = sum((x.state_part for x in lines), ZERO)
    planned = d.Funding(state, total - state, total)
    amount = state_amount_for(plan.budget_year_id, plan.sozialraum_id)
    budget = d.funding_for_state_amount(amount) if amount is not None else None
    # issue 16: money moved out as "tatsächlich nicht verausgabt" stays covered (the
    # positions do not spend it); the plan is over budget only beyond that
    covered = (
        budget.state + moved_unspent_out(plan.budget_year_id, plan.sozialraum_id)
        if budget
        else None
    )
    over = (state - covered) if budget and state > covered else None
    unallocated = None
    if budget:
        rest_total = budget.total - total
        rest_state = budget.state - state
        unallocated = d.Funding(rest_state, rest_total - rest_state, rest_total)
    strands = {}
    for key, label in Strand.choices:
        sl = [x for x in lines if x.strand == key]
        strands[key] = {
            "label": label,
            "fte": sum((x.fte for x in sl), Decimal("0.00")),
            "total": sum((x.annual_cost for x in sl), ZERO),
            "state": sum((x.state_part for x in sl), ZERO),
        }
    return PlanView(plan, budget, planned, rows, over, unallocated, strands)


def kita_lines(kita) -> QuerySet[AllocationLine]:
    return AllocationLine.objects.filter(kita=kita).select_related(
        "plan", "plan__budget_year", "plan__sozialraum"
    )


def traeger_lines(user) -> QuerySet[AllocationLine]:
    """Lines of the Träger's Kitas in plans they may see."""
    return (
        AllocationLine.objects.filter(
            kita__traeger_id=user.traeger_id, plan__in=plan_policy.instances_for(user, "view")
        )
        .select_related("kita", "plan", "plan__sozialraum", "plan__budget_year")
        .order_by("-plan__budget_year__year", "kita__name", "strand")
    )


def lines_open_for_comment(plan: AllocationPlan, user) -> QuerySet[AllocationLine]:
    """The plan's lines a comment of ``user`` may refer to (issue 14): those of Kitas the
    user may see (the Kita rule: a Träger their own Kitas, staff their Jugendamt's)."""
    return (
        plan.lines.filter(kita__in=kita_policy.instances_for(user, "view"))
        .select_related("kita")
        .order_by("kita__name", "strand", "pk")
    )
