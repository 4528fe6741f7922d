"""The committee report (Jugendhilfeausschuss): a budget year on Sozialraum level only.

It never loads a Kita name or a per-Kita value into its data (the redaction of
free-text reasons loads names only to remove them). A constant number of queries
whatever the number of Kitas: aggregates in the database, per-row figures in Python.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from allocation import distribution as d
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanState,
    Reallocation,
    SozialraumShare,
)
from allocation.selectors import next_survey_year
from indices.display import NumberFormat
from indices.models import SozialraumIndex
from indices.selectors import current_run
from reports.selectors.common import CATEGORIES, INDEX_FIELDS, STRANDS, ZERO, StrandCell
from sozialraeume.models import Kita, Sozialraum

SMALL_CELL_MIN_KITAS = 3


# --- index runs ---------------------------------------------------------------------------


def _current_run(round_id):
    if round_id is None:
        return None
    return current_run(round_id=round_id)


def _sozialraum_indices(run) -> dict[int, object]:
    if run is None:
        return {}
    return {v.sozialraum_id: v for v in SozialraumIndex.objects.filter(run=run)}


# --- committee report ---------------------------------------------------------------------


@dataclass
class CommitteeRow:
    sozialraum_id: int
    name: str
    kita_count: int
    indices: dict  # category -> float | None (AB, SL, FM, IN, GESAMT)
    points: float | None  # Gesamtindex used for the share (standard points)
    percent: Decimal | None
    base_state: Decimal | None  # step 1 state amount before reallocations
    reallocated: Decimal
    funding: d.Funding | None  # after reallocations: state, municipal, total
    plan_state: str | None
    plan_state_label: str
    approved_at: datetime.datetime | None
    review_due: datetime.date | None
    strands: dict  # strand -> StrandCell (empty when merged)
    planned: StrandCell
    merged: bool  # small-cell rule: fewer than 3 Kitas, strands not shown
    # the figures as the report shows them (German text, "–" when missing): _add_texts
    texts: dict = field(default_factory=dict)

    @property
    def unspent_state(self):
        return None if self.funding is None else self.funding.state - self.planned.state

    @property
    def index_list(self) -> list:
        return [self.indices.get(c) for c in [*CATEGORIES, "GESAMT"]]

    @property
    def strand_list(self) -> list[StrandCell]:
        return [self.strands.get(k, StrandCell()) for k in STRANDS]


@dataclass
class ReallocationRow:
    created_at: datetime.datetime
    from_name: str
    to_name: str
    amount: Decimal
    reason: str


@dataclass
class CommitteeReport:
    budget_year: BudgetYear
    funding: d.Funding  # the whole state allocation with municipal co-funding
    rows: list[CommitteeRow]
    run: object | None
    shares_applied: bool  # True: snapshot of step 1; False: provisional from the current run
    points_total: float | None
    strand_totals: dict  # strand -> StrandCell over the rows shown in detail
    detail_total: StrandCell  # total over the rows shown in detail
    planned_total: StrandCell  # all rows
    merged_names: list[str]
    reallocations: list[ReallocationRow]
    plans_by_state: list[tuple[str, int]]
    next_survey_year: int
    small_cell_min: int = SMALL_CELL_MIN_KITAS
    chart_groups: list[str] = field(default_factory=list)
    texts: dict = field(default_factory=dict)  # the totals as shown: _add_texts

    @property
    def strand_total_list(self) -> list[StrandCell]:
        return [self.strand_totals[k] for k in STRANDS]

    @property
    def total_percent(self):
        return sum((r.percent for r in self.rows if r.percent is not None), ZERO)

    @property
    def total_base_state(self):
        return sum((r.base_state for r in self.rows if r.base_state is not None), ZERO)

    @property
    def total_funding(self) -> d.Funding:
        state = sum((r.funding.state for r in self.rows if r.funding), ZERO)
        municipal = sum((r.funding.municipal for r in self.rows if r.funding), ZERO)
        return d.Funding(state, municipal, state + municipal)

    def _add_texts(self) -> CommitteeReport:
        """Format every figure of the tables once (German: ``floatformat`` text with the
        active language's separators) instead of filter chains per cell; the HTML page
        and the PDF share the template."""
        fmt = NumberFormat()

        def euros(value) -> str:
            return f"{fmt(value, grouping=True)} €"

        def strand(cell: StrandCell) -> dict:
            return {"fte": fmt(cell.fte), "total": euros(cell.total), "state": euros(cell.state)}

        points_total = fmt(self.points_total, places=1)
        for row in self.rows:
            row.texts = {
                "points": (
                    _("%(p)s von %(t)s") % {"p": fmt(row.points, places=1), "t": points_total}
                    if row.points is not None
                    else "–"
                ),
                "percent": f"{fmt(row.percent)} %" if row.percent is not None else "–",
                "base_state": euros(row.base_state) if row.base_state is not None else "–",
                "reallocated": euros(row.reallocated) if row.reallocated else "–",
                "municipal": euros(row.funding.municipal) if row.funding else "–",
                "total": euros(row.funding.total) if row.funding else "–",
                "indices": [fmt(v, places=1) or "–" for v in row.index_list],
                "strands": [strand(c) for c in row.strand_list],
                "planned": strand(row.planned),
            }
        total_funding = self.total_funding
        self.texts = {
            "state": euros(self.funding.state),
            "municipal": euros(self.funding.municipal),
            "total": euros(self.funding.total),
            "points_total": points_total or "–",
            "total_percent": f"{fmt(self.total_percent)} %",
            "total_base_state": euros(self.total_base_state),
            "total_municipal": euros(total_funding.municipal),
            "total_total": euros(total_funding.total),
            "strand_totals": [strand(c) for c in self.strand_total_list],
            "detail_total": strand(self.detail_total),
            "planned_total": strand(self.planned_total),
        }
        return self


def _redact(text: str, names: list[str]) -> str:
    """Remove Kita names from free text shown to the committee."""
    if not text or not names:
        return text
    pattern = re.compile(
        "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n.strip()),
        re.IGNORECASE,
    )
    return pattern.sub("[Kita]", text)


def committee_report(budget_year: BudgetYear) -> CommitteeReport:
    """Everything the committee sees for a budget year, on Sozialraum level only.

    Queries (constant): Sozialräume with Kita counts, shares, the round's current
    run, its Sozialraum indices, plans, strand sums, reallocations, Kita names
    for the redaction of reasons.
    """
    jugendamt_id = budget_year.jugendamt_id
    sozialraeume = list(
        Sozialraum.objects.filter(jugendamt_id=jugendamt_id)
        .annotate(n_kitas=Count("kitas", filter=Q(kitas__active=True)))
        .order_by("position", "name")
    )
    shares = {s.sozialraum_id: s for s in SozialraumShare.objects.filter(budget_year=budget_year)}
    run = _current_run(budget_year.round_id)
    indices = _sozialraum_indices(run)
    plans = {p.sozialraum_id: p for p in AllocationPlan.objects.filter(budget_year=budget_year)}
    sums = (
        AllocationLine.objects.filter(plan__budget_year=budget_year)
        .values("plan__sozialraum_id", "strand")
        .annotate(fte=Sum("fte"), total=Sum("annual_cost"), state=Sum("state_part"))
    )
    strand_sums: dict[int, dict[str, StrandCell]] = {}
    for s in sums:
        cell = strand_sums.setdefault(s["plan__sozialraum_id"], {}).setdefault(
            s["strand"], StrandCell()
        )
        cell.add(s["fte"], s["total"], s["state"])
    reallocs = list(
        Reallocation.objects.filter(budget_year=budget_year)
        .select_related("from_sozialraum", "to_sozialraum")
        .order_by("created_at", "pk")
    )
    kita_names = []
    if any(r.reason for r in reallocs):
        kita_names = list(
            Kita.objects.filter(sozialraum__jugendamt_id=jugendamt_id).values_list(
                "name", flat=True
            )
        )
    balance: dict[int, Decimal] = {}
    for r in reallocs:
        balance[r.to_sozialraum_id] = balance.get(r.to_sozialraum_id, ZERO) + r.amount
        balance[r.from_sozialraum_id] = balance.get(r.from_sozialraum_id, ZERO) - r.amount

    # Step 1: the applied snapshot if there is one, else provisional from the run.
    shares_applied = bool(shares)
    provisional_pct: dict[int, Decimal] = {}
    provisional_amt: dict[int, Decimal] = {}
    if not shares_applied and indices:
        # Keyed by name: the largest-remainder ties are decided by name (section 6).
        id_by_name = {sr.name: sr.pk for sr in sozialraeume}
        by_name = {
            sr.name: indices[sr.pk].gesamt
            for sr in sozialraeume
            if sr.pk in indices and indices[sr.pk].gesamt is not None
        }
        if by_name and sum(by_name.values()) > 0:
            provisional_pct = {id_by_name[n]: v for n, v in d.sozialraum_percents(by_name).items()}
            provisional_amt = {
                id_by_name[n]: v
                for n, v in d.sozialraum_amounts(by_name, budget_year.state_budget).items()
            }

    rows = []
    for sr in sozialraeume:
        share = shares.get(sr.pk)
        index = indices.get(sr.pk)
        values = {
            c: (getattr(index, INDEX_FIELDS[c]) if index else None) for c in [*CATEGORIES, "GESAMT"]
        }
        if share is not None:
            percent, base = share.percent, share.state_amount
            sr_points = share.gesamt if share.gesamt is not None else values["GESAMT"]
        else:
            percent, base = provisional_pct.get(sr.pk), provisional_amt.get(sr.pk)
            sr_points = values["GESAMT"]
        reallocated = balance.get(sr.pk, ZERO)
        funding = d.funding_for_state_amount(base + reallocated) if base is not None else None
        plan = plans.get(sr.pk)
        cells = strand_sums.get(sr.pk, {})
        planned = StrandCell()
        for cell in cells.values():
            planned.add(cell.fte, cell.total, cell.state)
        merged = sr.n_kitas < SMALL_CELL_MIN_KITAS
        rows.append(
            CommitteeRow(
                sozialraum_id=sr.pk,
                name=sr.name,
                kita_count=sr.n_kitas,
                indices=values,
                points=sr_points,
                percent=percent,
                base_state=base,
                reallocated=reallocated,
                funding=funding,
                plan_state=plan.state if plan else None,
                plan_state_label=plan.get_state_display() if plan else "",
                approved_at=plan.approved_at if plan else None,
                review_due=plan.review_due if plan else None,
                strands={} if merged else {k: cells.get(k, StrandCell()) for k in STRANDS},
                planned=planned,
                merged=merged,
            )
        )

    strand_totals = {k: StrandCell() for k in STRANDS}
    detail_total = StrandCell()
    planned_total = StrandCell()
    for row in rows:
        planned_total.add(row.planned.fte, row.planned.total, row.planned.state)
        if row.merged:
            continue
        detail_total.add(row.planned.fte, row.planned.total, row.planned.state)
        for k, cell in row.strands.items():
            strand_totals[k].add(cell.fte, cell.total, cell.state)

    by_state: dict[str, int] = {}
    for p in plans.values():
        by_state[p.state] = by_state.get(p.state, 0) + 1
    plans_by_state = [(label, by_state.get(key, 0)) for key, label in PlanState.choices]

    points_total = sum((r.points for r in rows if r.points is not None), 0.0) or None
    return CommitteeReport(
        budget_year=budget_year,
        funding=d.funding_for_state_amount(budget_year.state_budget),
        rows=rows,
        run=run,
        shares_applied=shares_applied,
        points_total=points_total,
        strand_totals=strand_totals,
        detail_total=detail_total,
        planned_total=planned_total,
        merged_names=[r.name for r in rows if r.merged],
        reallocations=[
            ReallocationRow(
                created_at=r.created_at,
                from_name=r.from_sozialraum.name,
                to_name=r.to_sozialraum.name,
                amount=r.amount,
                reason=_redact(r.reason, kita_names),
            )
            for r in reallocs
        ],
        plans_by_state=plans_by_state,
        next_survey_year=next_survey_year(),
        chart_groups=[r.name for r in rows],
    )._add_texts()
