"""The proof of use for the Land (Verwendungsnachweis, § 25 Abs. 5 KiTaG; issue 16): what a
budget year's money really paid for, rebuilt from the positions and their confirmed actual
costs (``positions.selectors_execution``), not from the plan lines.

Sections (the page, the PDF and the XLSX show the same figures, from ``proof_of_use``):

- received: the Land's allocation of the year and each Sozialraum's state amount after the
  approved reallocations (``positions.selectors_execution.state_amounts``);
- per Sozialraum: planned cost, actual cost (Ist), forecast to year end (Prognose), state
  part (60 %) and municipal part of both, filled FTE (annual average), vacancy months,
  unspent state amount (Ist and Prognose); the total row is the sum of the rows;
- per Sozialraum and strand: positions, FTE, filled FTE, actual cost, forecast;
- positions by qualification (the catalogue per Fachkräfteverordnung), with how many
  proofs were checked;
- the reallocations of the year (approved and still proposed), with where the money came
  from (``source``: not yet planned / actually unspent);
- the Leitung's sign-off (``ProofSignOff``): who, when, at which Stichtag, and whether the
  figures changed since (the figures are recomputed at the signed Stichtag and compared).

Ist and Prognose as in ``positions.execution``: until the year is closed and every month
has a confirmed cost, part of the figures is forecast, and every figure says which it is.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from allocation.distribution import funding_for_state_amount
from allocation.models import BudgetYear, Reallocation, ReallocationState, Strand
from positions import execution as ex
from positions.models import ActualCost, CostState, Position, ProofSignOff
from positions.selectors_execution import YearExecution, execution_for_year

ZERO = Decimal("0.00")
STRAND_LABELS = dict(Strand.choices)


@dataclass
class StrandRow:
    """One Sozialraum and strand: its positions' figures."""

    sozialraum: str
    strand: str
    strand_label: str
    positions: int = 0
    fte: Decimal = ZERO
    filled_fte: Decimal = ZERO  # Ist, annual average
    filled_fte_forecast: Decimal = ZERO  # Prognose
    vacancy_months: int = 0
    actual_cost: Decimal = ZERO  # Ist
    forecast_cost: Decimal = ZERO  # Prognose


@dataclass
class QualificationRow:
    code: str
    name: str
    positions: int = 0
    fte: Decimal = ZERO
    filled_fte: Decimal = ZERO
    checked: int = 0  # proofs checked ("Nachweis geprüft am")


@dataclass
class PositionRow:
    number: str
    sozialraum: str
    kita: str
    employer: str
    strand: str
    fte: Decimal
    qualification: str
    checked_on: datetime.date | None
    figures: ex.PositionExecution


@dataclass
class ReallocationRow:
    from_sozialraum: str
    to_sozialraum: str
    amount: Decimal
    source: str
    source_label: str
    state: str
    state_label: str
    decided_at: datetime.datetime | None
    public_reason: str


@dataclass
class SignOffState:
    signoff: ProofSignOff | None
    current: bool  # the figures at the signed Stichtag are still the signed ones


@dataclass
class ProofOfUse:
    budget_year: BudgetYear
    on: datetime.date
    closed: bool
    execution: YearExecution
    state_budget: Decimal
    municipal_budget: Decimal
    strands: list[StrandRow]
    strand_totals: list[StrandRow]
    qualifications: list[QualificationRow]
    positions: list[PositionRow]
    reallocations: list[ReallocationRow]
    unconfirmed_costs: int  # reported, not yet confirmed: count nowhere
    shares_current: bool = True  # the Sozialräume's state amounts add up to the allocation
    signoffs: list[ProofSignOff] = field(default_factory=list)
    signoff: SignOffState | None = None

    @property
    def total(self) -> ex.SozialraumExecution:
        return self.execution.total

    @property
    def has_forecast(self) -> bool:
        """Some figure is still a forecast (the year runs, or a month lacks a confirmed
        cost, or a line has no position yet)."""
        t = self.total
        return not self.closed or t.forecast_cost != t.actual_cost

    @property
    def approved_reallocations(self) -> list[ReallocationRow]:
        return [r for r in self.reallocations if r.state == ReallocationState.APPROVED]

    @property
    def moved_actual(self) -> Decimal:
        """State money moved out as actually unspent (approved)."""
        return sum((r.amount for r in self.approved_reallocations if r.source == "actual"), ZERO)

    def figures(self) -> dict:
        """The signed figures: plain strings, in a fixed order (the snapshot and its hash)."""
        return figures_of(self)


def _strand_rows(data: YearExecution, meta: dict[int, dict]) -> list[StrandRow]:
    rows: dict[tuple[int, str], StrandRow] = {}
    for r in data.rows:
        for p in r.figures.positions:
            m = meta[p.position_id]
            key = (r.sozialraum.pk, m["strand"])
            row = rows.get(key)
            if row is None:
                row = rows[key] = StrandRow(
                    sozialraum=r.sozialraum.name,
                    strand=m["strand"],
                    strand_label=str(STRAND_LABELS.get(m["strand"], m["strand"])),
                )
            row.positions += 1
            row.fte += p.fte
            row.filled_fte += p.filled_fte
            row.filled_fte_forecast += p.filled_fte_forecast
            row.vacancy_months += p.vacancy_months
            row.actual_cost += p.actual_cost
            row.forecast_cost += p.forecast_cost
    order = {sr.sozialraum.pk: i for i, sr in enumerate(data.rows)}
    return [rows[k] for k in sorted(rows, key=lambda k: (order[k[0]], k[1]))]


def _strand_totals(strands: list[StrandRow]) -> list[StrandRow]:
    totals: dict[str, StrandRow] = {}
    for s in strands:
        t = totals.setdefault(
            s.strand, StrandRow(sozialraum="", strand=s.strand, strand_label=s.strand_label)
        )
        t.positions += s.positions
        t.fte += s.fte
        t.filled_fte += s.filled_fte
        t.filled_fte_forecast += s.filled_fte_forecast
        t.vacancy_months += s.vacancy_months
        t.actual_cost += s.actual_cost
        t.forecast_cost += s.forecast_cost
    return [totals[k] for k in sorted(totals)]


def _reallocations(budget_year: BudgetYear) -> list[ReallocationRow]:
    labels = dict(Reallocation._meta.get_field("source").choices)
    states = dict(ReallocationState.choices)
    return [
        ReallocationRow(
            from_sozialraum=r.from_sozialraum.name,
            to_sozialraum=r.to_sozialraum.name,
            amount=r.amount,
            source=r.source,
            source_label=str(labels.get(r.source, r.source)),
            state=r.state,
            state_label=str(states.get(r.state, r.state)),
            decided_at=r.decided_at,
            public_reason=r.public_reason,
        )
        for r in Reallocation.objects.filter(budget_year=budget_year)
        .exclude(state=ReallocationState.REJECTED)
        .select_related("from_sozialraum", "to_sozialraum")
        .order_by("created_at", "pk")
    ]


def proof_of_use(
    budget_year: BudgetYear, *, on: datetime.date | None = None, with_signoff: bool = True
) -> ProofOfUse:
    """The proof of use of ``budget_year`` at the Stichtag ``on`` (default today)."""
    on = on or timezone.localdate()
    data = execution_for_year(budget_year, on=on)
    meta = {
        p["pk"]: p
        for p in Position.objects.filter(budget_year=budget_year).values(
            "pk",
            "number",
            "strand",
            "fte",
            "kita__name",
            "employer__name",
            "qualification__code",
            "qualification__name",
            "qualification_checked_on",
        )
    }
    strands = _strand_rows(data, meta)
    qualifications: dict[str, QualificationRow] = {}
    positions = []
    for r in data.rows:
        for p in r.figures.positions:
            m = meta[p.position_id]
            code = m["qualification__code"] or ""
            q = qualifications.get(code)
            if q is None:
                q = qualifications[code] = QualificationRow(
                    code=code, name=m["qualification__name"] or ""
                )
            q.positions += 1
            q.fte += p.fte
            q.filled_fte += p.filled_fte
            q.checked += 1 if m["qualification_checked_on"] else 0
            positions.append(
                PositionRow(
                    number=m["number"],
                    sozialraum=r.sozialraum.name,
                    kita=m["kita__name"],
                    employer=m["employer__name"],
                    strand=m["strand"],
                    fte=p.fte,
                    qualification=m["qualification__name"] or "",
                    checked_on=m["qualification_checked_on"],
                    figures=p,
                )
            )
    # The co-funding as every report shows it: per Sozialraum from its state amount (after
    # the approved reallocations), summed (``reports.selectors.common.year_funding``).
    amounts = [r.figures.state_amount for r in data.rows if r.figures.state_amount is not None]
    shares_current = not amounts or sum(amounts, ZERO) == budget_year.state_budget
    if amounts:
        municipal = sum((funding_for_state_amount(a).municipal for a in amounts), ZERO)
    else:
        municipal = funding_for_state_amount(budget_year.state_budget).municipal
    proof = ProofOfUse(
        budget_year=budget_year,
        on=on,
        closed=data.closed,
        execution=data,
        state_budget=ex.cents(budget_year.state_budget),
        municipal_budget=municipal,
        shares_current=shares_current,
        strands=strands,
        strand_totals=_strand_totals(strands),
        qualifications=sorted(qualifications.values(), key=lambda q: (q.code == "", q.code)),
        positions=positions,
        reallocations=_reallocations(budget_year),
        unconfirmed_costs=ActualCost.objects.filter(
            position__budget_year=budget_year, state=CostState.REPORTED
        ).count(),
    )
    if with_signoff:
        proof.signoffs = list(
            ProofSignOff.objects.filter(budget_year=budget_year).select_related("signed_by")
        )
        latest = proof.signoffs[0] if proof.signoffs else None
        proof.signoff = SignOffState(
            signoff=latest, current=latest is not None and signed_current(latest)
        )
    return proof


def _money(value) -> str:
    return "" if value is None else str(ex.cents(value))


def figures_of(proof: ProofOfUse) -> dict:
    """The figures a sign-off records (strings; the same dict for the same data)."""

    def sr(row) -> dict:
        f = row.figures if hasattr(row, "figures") else row
        return {
            "state_amount": _money(f.state_amount),
            "planned_cost": _money(f.planned_cost),
            "actual_cost": _money(f.actual_cost),
            "actual_state": _money(f.actual_state),
            "actual_municipal": _money(f.actual_municipal),
            "forecast_cost": _money(f.forecast_cost),
            "forecast_state": _money(f.forecast_state),
            "forecast_municipal": _money(f.forecast_municipal),
            "actual_unspent": _money(f.actual_unspent),
            "projected_unspent": _money(f.projected_unspent),
            "filled_fte": str(f.filled_fte),
            "vacancy_months": f.vacancy_months,
        }

    return {
        "year": proof.budget_year.year,
        "stichtag": proof.on.isoformat(),
        "state_budget": _money(proof.state_budget),
        "municipal_budget": _money(proof.municipal_budget),
        "sozialraeume": {r.sozialraum.name: sr(r) for r in proof.execution.rows},
        "total": sr(proof.total),
        "strands": [
            [
                s.sozialraum,
                s.strand,
                s.positions,
                str(s.fte),
                str(s.filled_fte),
                _money(s.actual_cost),
                _money(s.forecast_cost),
            ]
            for s in proof.strands
        ],
        "qualifications": [
            [q.code, q.name, q.positions, str(q.fte), str(q.filled_fte), q.checked]
            for q in proof.qualifications
        ],
        "reallocations": [
            [r.from_sozialraum, r.to_sozialraum, _money(r.amount), r.source, r.state]
            for r in proof.reallocations
        ],
    }


def content_hash(figures: dict) -> str:
    text = json.dumps(figures, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def signed_current(signoff: ProofSignOff) -> bool:
    """Whether the figures, recomputed at the signed Stichtag, are still the signed ones."""
    on = datetime.date.fromisoformat(signoff.figures["stichtag"])
    again = proof_of_use(signoff.budget_year, on=on, with_signoff=False)
    return content_hash(figures_of(again)) == signoff.content_hash
