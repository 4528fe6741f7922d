"""Verwendungsnachweis (proof of use): the lines of a year's approved plans per Kita and
strand, with sums; the granted money is the year's funding as every report shows it
(``common.year_funding``: the sums of the Sozialraum rows)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from allocation import distribution as d
from allocation.models import AllocationPlan, BudgetYear, PlanState
from reports.selectors.common import STRAND_LABELS, STRANDS, ZERO, StrandCell, year_funding
from reports.selectors.exports import allocation_lines


@dataclass
class ProofGroup:
    """Verwendungsnachweis: one Kita and strand with its positions (lines)."""

    sozialraum: str
    kita: str
    traeger: str
    strand: str
    strand_label: str
    lines: list
    fte: Decimal = ZERO
    total: Decimal = ZERO
    state: Decimal = ZERO

    @property
    def municipal(self):
        return self.total - self.state

    @property
    def positions(self):
        return len(self.lines)


@dataclass
class ProofOfUse:
    budget_year: BudgetYear
    funding: d.Funding | None  # granted: the sums of the Sozialraum rows; None: shares stale
    groups: list[ProofGroup]
    total: StrandCell
    by_strand: dict
    plans_total: int
    plans_approved: int


def proof_of_use(budget_year: BudgetYear) -> ProofOfUse:
    """Lines of the approved plans grouped per Kita and strand, with sums (five queries)."""
    groups: dict[tuple[int, str], ProofGroup] = {}
    total = StrandCell()
    by_strand = {k: StrandCell() for k in STRANDS}
    for line in allocation_lines(budget_year, approved_only=True):
        key = (line.kita_id, line.strand)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ProofGroup(
                sozialraum=line.plan.sozialraum.name,
                kita=line.kita.name,
                traeger=line.kita.traeger.name,
                strand=line.strand,
                strand_label=STRAND_LABELS.get(line.strand, line.strand),
                lines=[],
            )
        group.lines.append(line)
        group.fte += line.fte
        group.total += line.annual_cost
        group.state += line.state_part
        total.add(line.fte, line.annual_cost, line.state_part)
        by_strand[line.strand].add(line.fte, line.annual_cost, line.state_part)
    counts = AllocationPlan.objects.filter(budget_year=budget_year).aggregate(
        n=Count("pk"), approved=Count("pk", filter=Q(state=PlanState.APPROVED))
    )
    return ProofOfUse(
        budget_year=budget_year,
        funding=year_funding(budget_year).total,
        groups=list(groups.values()),
        total=total,
        by_strand=by_strand,
        plans_total=counts["n"],
        plans_approved=counts["approved"],
    )
