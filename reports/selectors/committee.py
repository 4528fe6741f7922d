"""The committee report (Jugendhilfeausschuss): a budget year on Sozialraum level only.

What the committee sees is what is decided and meant for publication:

- money: the stored shares and their sums (``common.year_funding``, the same figures as
  every other report); the strand figures of approved plans only. A Sozialraum whose plan
  is not decided shows its status and no figures of that plan; a plan taken back after
  its approval is said to be under revision.
- reallocations: approved ones only, with the text written for publication
  (``public_reason``); the Jugendamt's internal reason, plan comments and line
  justifications are never loaded.
- small-cell rule: a Sozialraum with fewer than three Kitas (with a result in the run, or
  active) shows no indices, no chart bars and no strand breakdown of its own.

- previous budget year: per Sozialraum the previous year's share, Personalbudget and the
  personnel costs of its approved plan next to this year's, from the same selectors (the
  previous year's own committee figures); "kein Vorjahr" without one.

It never loads a per-Kita value; Kita names are loaded only to check, defensively, that a
published reason names none. A constant number of queries whatever the number of Kitas.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import distribution as d
from allocation.models import AllocationLine, AllocationPlan, BudgetYear, PlanState
from allocation.selectors import next_survey_year
from allocation.selectors_transition import TransitionSummary, transition_summary
from audit.models import AuditEvent
from audit.selectors import PLAN as PLAN_OBJECT_TYPE
from evaluation.selectors import CommitteeInstrument, committee_summary
from indices.display import NumberFormat
from positions import execution as ex
from positions.selectors_execution import position_inputs, unpositioned_by_sozialraum
from reports.selectors.common import (
    CATEGORIES,
    INDEX_FIELDS,
    SMALL_CELL_MIN_KITAS,
    STRANDS,
    ZERO,
    StrandCell,
    result_counts,
    run_for,
    sozialraum_indices,
    year_funding,
)
from reports.selectors.maps import MapFigure, committee_maps
from reports.selectors.teams import SozialraumTeamRow, team_rows
from sozialraeume.models import Kita, Sozialraum

NO_TEXT = "—"


@dataclass
class CommitteeRow:
    sozialraum_id: int
    name: str
    kita_count: int  # active Kitas
    result_count: int | None  # Kitas with a result in the run (None: no run)
    merged: bool  # small-cell rule: none of the Sozialraum's own indices or strands
    indices: dict  # category -> float | None (AB, SL, FM, IN, GESAMT); all None when merged
    points: float | None  # Gesamtindex used for the share; None when merged
    percent: Decimal | None
    base_state: Decimal | None  # step 1 state amount before reallocations
    reallocated: Decimal
    funding: d.Funding | None  # after approved reallocations: state, municipal, total
    plan_state: str | None
    plan_state_label: str
    decided: bool  # the plan is approved: its figures count
    revised: bool  # approved before, taken back: does not count, "wird überarbeitet"
    approved_at: datetime.datetime | None  # only for a decided plan
    review_due: datetime.date | None  # only for a decided plan
    strands: dict  # strand -> StrandCell (empty when merged or not decided)
    planned: StrandCell  # zero when not decided
    # the figures as the report shows them (German text, "–" when missing): _add_texts
    texts: dict = field(default_factory=dict)

    @property
    def index_list(self) -> list:
        return [self.indices.get(c) for c in [*CATEGORIES, "GESAMT"]]

    @property
    def strand_list(self) -> list[StrandCell]:
        return [self.strands.get(k, StrandCell()) for k in STRANDS]

    @property
    def status_text(self) -> str:
        """The plan's status as the committee reads it."""
        if self.plan_state is None:
            return _("kein Plan")
        if self.revised:
            return _("Der beschlossene Plan wird überarbeitet (%(state)s)") % {
                "state": self.plan_state_label
            }
        return self.plan_state_label


@dataclass
class ReallocationRow:
    created_at: datetime.datetime
    from_name: str
    to_name: str
    amount: Decimal
    public_reason: str  # the text written for publication, "—" without one
    source_label: str = ""  # issue 16: "nicht verplant" / "tatsächlich nicht verausgabt"


@dataclass
class ExecutionRow:
    """Issue 16: one Sozialraum's budget execution as the committee reads it (Sozialraum
    level only: no Kita, no position number). ``figures`` None: the plan is not decided;
    ``merged``: fewer than three Kitas, shown only inside the sums."""

    name: str
    decided: bool
    merged: bool
    figures: ex.SozialraumExecution | None
    status_text: str = ""


@dataclass
class ShortenedConsultationRow:
    sozialraum: str
    shortened_at: datetime.datetime
    public_reason: str  # the text written for publication, "—" without one


@dataclass
class PreviousYearRow:
    """One Sozialraum this year and in the previous budget year (None: no figure)."""

    name: str
    percent: Decimal | None
    total: Decimal | None  # Personalbudget after reallocations
    planned: Decimal | None  # personnel costs of the approved plan; None: not decided
    has_previous: bool  # the Sozialraum has figures in the previous year
    previous_percent: Decimal | None = None
    previous_total: Decimal | None = None
    previous_planned: Decimal | None = None
    texts: dict = field(default_factory=dict)


@dataclass
class CommitteeReport:
    budget_year: BudgetYear
    funding: d.Funding | None  # the sums of the rows (section 1 = sum row); None if stale
    rows: list[CommitteeRow]
    run: object | None
    shares_applied: bool  # True: snapshot of step 1; False: provisional from the current run
    shares_current: bool  # False: the stored shares do not add up to the allocation
    points_total: float | None
    total_percent: Decimal | None
    total_base_state: Decimal | None
    strand_totals: dict  # strand -> StrandCell over the decided rows shown in detail
    detail_total: StrandCell  # total over the decided rows shown in detail
    planned_total: StrandCell  # all decided rows
    merged_names: list[str]
    reallocations: list[ReallocationRow]
    shortened_consultations: list[ShortenedConsultationRow]
    plans_by_state: list[tuple[str, int]]
    next_survey_year: int
    small_cell_min: int = SMALL_CELL_MIN_KITAS
    texts: dict = field(default_factory=dict)  # the totals as shown: _add_texts
    previous_year: BudgetYear | None = None  # the budget year before, if there is one
    previous_rows: list[PreviousYearRow] = field(default_factory=list)
    # issue 15: per Sozialraum the reviews with its team, meetings held, team size, centre
    team_rows: list[SozialraumTeamRow] = field(default_factory=list)
    # issue 16: the budget execution (approved plans only): per Sozialraum, the sum of the
    # rows shown in detail and of all decided rows; the Stichtag and whether it is final
    execution_rows: list[ExecutionRow] = field(default_factory=list)
    execution_detail_total: ex.SozialraumExecution | None = None
    execution_total: ex.SozialraumExecution | None = None
    execution_on: datetime.date | None = None
    execution_closed: bool = False
    # issue 18: the phased transition (target and transitional amounts); None: rule off
    transition: TransitionSummary | None = None
    # issue 17: the evaluation survey's block means per instrument and closed wave (>= 5)
    evaluation_summary: list[CommitteeInstrument] = field(default_factory=list)
    # issue 18: the maps (shares, Gesamtindex class, FTE); none without boundaries
    maps: list[MapFigure] = field(default_factory=list)

    @property
    def without_centre_names(self) -> list[str]:
        return [r.name for r in self.team_rows if not r.has_centre]

    @property
    def strand_total_list(self) -> list[StrandCell]:
        return [self.strand_totals[k] for k in STRANDS]

    @property
    def used_strands(self) -> list[str]:
        """The strands with positions in a decided plan shown in detail: the strand table
        and chart leave out strands nobody uses (the sums say so)."""
        return [k for k in STRANDS if self.strand_totals[k].fte or self.strand_totals[k].total]

    @property
    def unused_strands(self) -> list[str]:
        used = set(self.used_strands)
        return [k for k in STRANDS if k not in used]

    @property
    def decided_count(self) -> int:
        return sum(1 for r in self.rows if r.decided)

    @property
    def undecided_names(self) -> list[str]:
        return [r.name for r in self.rows if not r.decided]

    @property
    def revised_names(self) -> list[str]:
        return [r.name for r in self.rows if r.revised]

    @property
    def chart_rows(self) -> list[CommitteeRow]:
        """The rows drawn in the index chart: none of a merged (small) Sozialraum."""
        return [r for r in self.rows if not r.merged]

    def _add_texts(self) -> CommitteeReport:
        """Format every figure of the tables once (German: ``floatformat`` text with the
        active language's separators) instead of filter chains per cell; the HTML page
        and the PDF share the template."""
        fmt = NumberFormat()
        merged_text = _("zusammengefasst")

        def euros(value) -> str:
            return f"{fmt(value, grouping=True)} €" if value is not None else "–"

        def strand(cell: StrandCell) -> dict:
            return {
                "fte": fmt(cell.fte),
                "total": euros(cell.total),
                "state": euros(cell.state),
                "empty": not (cell.fte or cell.total),  # shown as "–"
            }

        def percent(value) -> str:
            return f"{fmt(value)} %" if value is not None else "–"

        used = self.used_strands

        points_total = fmt(self.points_total, places=1)
        for row in self.rows:
            if row.merged:
                points = merged_text
            elif row.points is not None:
                points = _("%(p)s von %(t)s") % {"p": fmt(row.points, places=1), "t": points_total}
            else:
                points = "–"
            row.texts = {
                "points": points,
                "percent": f"{fmt(row.percent)} %" if row.percent is not None else "–",
                "base_state": euros(row.base_state),
                "reallocated": euros(row.reallocated) if row.reallocated else "–",
                "state": euros(row.funding.state) if row.funding else "–",
                "municipal": euros(row.funding.municipal) if row.funding else "–",
                "total": euros(row.funding.total) if row.funding else "–",
                "indices": [fmt(v, places=1) or "–" for v in row.index_list],
                "strands": [strand(c) for c in row.strand_list],
                "used_strands": [strand(row.strands.get(k, StrandCell())) for k in used],
                "planned": strand(row.planned),
            }
        funding = self.funding
        self.texts = {
            "state": euros(funding.state) if funding else "–",
            "municipal": euros(funding.municipal) if funding else "–",
            "total": euros(funding.total) if funding else "–",
            "points_total": points_total or "–",
            "total_percent": f"{fmt(self.total_percent)} %" if self.total_percent else "–",
            "total_base_state": euros(self.total_base_state),
            "strand_totals": [strand(c) for c in self.strand_total_list],
            "used_strand_totals": [strand(self.strand_totals[k]) for k in used],
            "detail_total": strand(self.detail_total),
            "planned_total": strand(self.planned_total),
        }
        no_previous = _("kein Vorjahr")
        not_decided = _("nicht beschlossen")

        def planned(value) -> str:
            return euros(value) if value is not None else not_decided

        for prow in self.previous_rows:
            prev = prow.has_previous
            prow.texts = {
                "percent": percent(prow.percent),
                "total": euros(prow.total),
                "planned": planned(prow.planned),
                "previous_percent": percent(prow.previous_percent) if prev else no_previous,
                "previous_total": euros(prow.previous_total) if prev else no_previous,
                "previous_planned": planned(prow.previous_planned) if prev else no_previous,
                "percent_change": _signed(
                    fmt, prow.percent, prow.previous_percent, " " + _("%-Pkt.")
                ),
                "total_change": _signed(fmt, prow.total, prow.previous_total, " €", grouping=True),
            }
        return self


def _signed(fmt, value, previous, unit: str, *, grouping: bool = False) -> str:
    """The change from the previous year with its sign ("+1,20 %-Pkt."), "–" without both."""
    if value is None or previous is None:
        return "–"
    change = value - previous
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return f"{sign}{fmt(abs(change), grouping=grouping)}{unit}"


def _kita_name_pattern(jugendamt_id: int) -> re.Pattern | None:
    names = [
        n.strip()
        for n in Kita.objects.filter(sozialraum__jugendamt_id=jugendamt_id).values_list(
            "name", flat=True
        )
        if n and n.strip()
    ]
    if not names:
        return None
    return re.compile(
        "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)), re.IGNORECASE
    )


def _public_reasons(texts: list[str], jugendamt_id: int) -> list[str]:
    """Each text written for publication as the committee reads it, "—" without one.

    Defensive: the reallocation service refuses a published reason naming a Kita; one
    stored before that check (or by other means) that still names a Kita of the
    Jugendamt is not shown at all rather than redacted."""
    reasons = [(text or "").strip() for text in texts]
    pattern = _kita_name_pattern(jugendamt_id) if any(reasons) else None
    return [
        NO_TEXT if not text or (pattern is not None and pattern.search(text)) else text
        for text in reasons
    ]


def _revised_plan_ids(plans) -> set[int]:
    """Plans that are not approved now but were approved before: an ``approved_at`` or a
    ``plan.approve`` audit event (one query, only when a plan has no ``approved_at``)."""
    open_plans = [p for p in plans if p.state != PlanState.APPROVED]
    revised = {p.pk for p in open_plans if p.approved_at is not None}
    unknown = [str(p.pk) for p in open_plans if p.approved_at is None]
    if unknown:
        revised |= {
            int(object_id)
            for object_id in AuditEvent.objects.filter(
                action="plan.approve", object_type=PLAN_OBJECT_TYPE, object_id__in=unknown
            ).values_list("object_id", flat=True)
        }
    return revised


def previous_budget_year(budget_year: BudgetYear) -> BudgetYear | None:
    """The budget year before (``year - 1``) of the same Jugendamt, if there is one."""
    return BudgetYear.objects.filter(
        jugendamt_id=budget_year.jugendamt_id, year=budget_year.year - 1
    ).first()


def _previous_rows(
    previous: BudgetYear | None, rows: list[CommitteeRow], sozialraeume
) -> list[PreviousYearRow]:
    """This year's share, Personalbudget and approved personnel costs per Sozialraum next
    to the previous year's, which come from the same selectors as that year's report:
    ``year_funding`` (stored shares, approved reallocations) and the approved plans'
    lines. Queries: none without a previous year; else its shares, reallocations (and the
    provisional run without shares) and one for the approved plans with their sums."""
    prev_money = year_funding(previous, sozialraeume=sozialraeume) if previous else None
    prev_planned: dict[int, Decimal] = {}
    if previous is not None:
        prev_planned = {
            p["sozialraum_id"]: p["total"] or ZERO
            for p in AllocationPlan.objects.filter(budget_year=previous, state=PlanState.APPROVED)
            .values("sozialraum_id")
            .annotate(total=Sum("lines__annual_cost"))
        }
    result = []
    for row in rows:
        current = PreviousYearRow(
            name=row.name,
            percent=row.percent,
            total=row.funding.total if row.funding else None,
            planned=row.planned.total if row.decided else None,
            has_previous=False,
        )
        money = prev_money.by_sozialraum.get(row.sozialraum_id) if prev_money else None
        if money is not None and not prev_money.shares_current:
            money = None  # stale shares: the previous report showed no amounts either
        if money is not None or row.sozialraum_id in prev_planned:
            current.has_previous = True
            current.previous_percent = money.percent if money else None
            current.previous_total = money.funding.total if money and money.funding else None
            current.previous_planned = prev_planned.get(row.sozialraum_id)
        result.append(current)
    return result


def _execution(budget_year: BudgetYear, rows: list[CommitteeRow], on=None) -> dict:
    """Issue 16: the budget execution of the decided Sozialräume (``positions.execution``)
    from the figures the report already has (approved lines, state amounts after
    approved reallocations) and the year's positions: four queries (positions, months,
    costs, approved lines without a position). A Sozialraum whose plan is not decided
    shows its status only; a merged one (small-cell rule) counts in the sum of all
    Sozialräume only."""
    on = on or timezone.localdate()
    decided = [r for r in rows if r.decided]
    computed, _total = ex.execution_for_year(
        year=budget_year.year,
        on=on,
        positions=position_inputs(budget_year),
        sozialraum_ids=[r.sozialraum_id for r in decided],
        planned={r.sozialraum_id: (r.planned.fte, r.planned.total) for r in decided},
        state_amounts={r.sozialraum_id: r.funding.state for r in decided if r.funding},
        unpositioned=unpositioned_by_sozialraum(budget_year),
    )
    by_id = {f.sozialraum_id: f for f in computed}
    closed = ex.year_closed(budget_year.year, on)
    result = [
        ExecutionRow(
            name=r.name,
            decided=r.decided,
            merged=r.merged,
            figures=by_id.get(r.sozialraum_id),
            status_text=r.status_text,
        )
        for r in rows
    ]
    shown = [by_id[r.sozialraum_id] for r in decided if not r.merged]
    return {
        "execution_rows": result,
        "execution_detail_total": ex.total_execution(shown, closed=closed),
        "execution_total": ex.total_execution(computed, closed=closed),
        "execution_on": on,
        "execution_closed": closed,
    }


def committee_report(budget_year: BudgetYear, *, compare_previous: bool = True) -> CommitteeReport:
    """Everything the committee sees for a budget year, on Sozialraum level only.

    Queries (constant): Sozialräume with Kita counts, the round's current run, its
    Sozialraum indices, the Kitas with a result per Sozialraum, shares, approved
    reallocations, plans, strand sums of approved plans; the approval events of open
    plans without an approval date; Kita names only to check published reasons; the
    teams (issue 15: approved plans, reviews, meetings held, members, FS2 centres).
    """
    jugendamt_id = budget_year.jugendamt_id
    sozialraeume = list(
        Sozialraum.objects.filter(jugendamt_id=jugendamt_id)
        .annotate(n_kitas=Count("kitas", filter=Q(kitas__active=True)))
        .order_by("position", "name")
    )
    run = run_for(budget_year)
    indices = sozialraum_indices(run)
    results = result_counts([run.pk]) if run is not None else {}
    money = year_funding(budget_year, sozialraeume=sozialraeume, indices=indices)
    plans = {
        p.sozialraum_id: p
        for p in AllocationPlan.objects.filter(budget_year=budget_year).select_related("sozialraum")
    }
    revised_ids = _revised_plan_ids(plans.values())
    sums = (
        AllocationLine.objects.filter(plan__budget_year=budget_year, plan__state=PlanState.APPROVED)
        .values("plan__sozialraum_id", "strand")
        .annotate(fte=Sum("fte"), total=Sum("annual_cost"), state=Sum("state_part"))
    )
    strand_sums: dict[int, dict[str, StrandCell]] = {}
    for s in sums:
        cell = strand_sums.setdefault(s["plan__sozialraum_id"], {}).setdefault(
            s["strand"], StrandCell()
        )
        cell.add(s["fte"], s["total"], s["state"])

    rows = []
    all_points = []
    for sr in sozialraeume:
        index = indices.get(sr.pk)
        money_row = money.by_sozialraum.get(sr.pk)
        values = {
            c: (getattr(index, INDEX_FIELDS[c]) if index else None) for c in [*CATEGORIES, "GESAMT"]
        }
        points = money_row.gesamt if money_row and money_row.gesamt is not None else None
        if points is None:
            points = values["GESAMT"]
        if points is not None:
            all_points.append(points)
        result_count = results.get((run.pk, sr.pk), 0) if run is not None else None
        cell_size = sr.n_kitas if result_count is None else min(sr.n_kitas, result_count)
        merged = cell_size < SMALL_CELL_MIN_KITAS
        if merged:
            values = dict.fromkeys(values)
        plan = plans.get(sr.pk)
        decided = plan is not None and plan.state == PlanState.APPROVED
        cells = strand_sums.get(sr.pk, {}) if decided else {}
        planned = StrandCell()
        for cell in cells.values():
            planned.add(cell.fte, cell.total, cell.state)
        rows.append(
            CommitteeRow(
                sozialraum_id=sr.pk,
                name=sr.name,
                kita_count=sr.n_kitas,
                result_count=result_count,
                merged=merged,
                indices=values,
                points=None if merged else points,
                percent=money_row.percent if money_row else None,
                base_state=money_row.base_state if money_row else None,
                reallocated=money_row.reallocated if money_row else ZERO,
                funding=money_row.funding if money_row else None,
                plan_state=plan.state if plan else None,
                plan_state_label=plan.get_state_display() if plan else "",
                decided=decided,
                revised=plan is not None and plan.pk in revised_ids,
                approved_at=plan.approved_at if decided else None,
                review_due=plan.review_due if decided else None,
                strands={k: cells.get(k, StrandCell()) for k in STRANDS}
                if decided and not merged
                else {},
                planned=planned,
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

    execution = _execution(budget_year, rows)

    previous = previous_budget_year(budget_year) if compare_previous else None
    previous_rows = _previous_rows(previous, rows, sozialraeume) if compare_previous else []

    reallocs = money.reallocations
    # Consultations the Leitung shortened (four eyes on the Träger's 14 days): the
    # committee reads the reason written for publication, never the internal one.
    shortened = sorted(
        (p for p in plans.values() if p.consultation_shortened_at is not None),
        key=lambda p: (p.sozialraum.position, p.sozialraum.name),
    )
    shortened_reasons = _public_reasons(
        [p.consultation_shortened_public_reason for p in shortened], jugendamt_id
    )
    return CommitteeReport(
        budget_year=budget_year,
        funding=money.total,
        rows=rows,
        run=run,
        shares_applied=money.shares_applied,
        shares_current=money.shares_current,
        points_total=sum(all_points, 0.0) or None,
        total_percent=money.total_percent,
        total_base_state=money.total_base_state,
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
                public_reason=reason,
                source_label=str(r.get_source_display()),
            )
            for r, reason in zip(
                reallocs,
                _public_reasons([r.public_reason for r in reallocs], jugendamt_id),
                strict=True,
            )
        ],
        shortened_consultations=[
            ShortenedConsultationRow(
                sozialraum=p.sozialraum.name,
                shortened_at=p.consultation_shortened_at,
                public_reason=reason,
            )
            for p, reason in zip(shortened, shortened_reasons, strict=True)
        ],
        plans_by_state=plans_by_state,
        next_survey_year=next_survey_year(),
        previous_year=previous,
        previous_rows=previous_rows,
        transition=transition_summary(budget_year),
        team_rows=team_rows(jugendamt_id=jugendamt_id, sozialraeume=sozialraeume),
        evaluation_summary=committee_summary(jugendamt_id),
        maps=committee_maps(jugendamt_id, rows, indices),
        **execution,
    )._add_texts()
