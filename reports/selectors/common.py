"""What the report selectors share: the strands and index categories, the strand sums,
the money of a budget year per Sozialraum (computed once for every report), the
small-cell counts, the budget-year lookups.

Money is ``Decimal`` euros with two places, FTE ``Decimal`` with two places.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from allocation import distribution as d
from allocation.models import BudgetYear, SozialraumShare, Strand
from allocation.selectors import approved_reallocations, balance_of
from indices import display
from indices.models import KitaIndex, SozialraumIndex
from indices.selectors import round_published_run
from sozialraeume.models import Sozialraum

ZERO = Decimal("0.00")
STRANDS = [key for key, _label in Strand.choices]
STRAND_LABELS = dict(Strand.choices)
CATEGORIES = ["AB", "SL", "FM", "IN"]
CATEGORY_LABELS = display.CATEGORY_LABELS  # translated when shown
# Field of the index models per category.
INDEX_FIELDS = {"AB": "ab", "SL": "sl", "FM": "fm", "IN": "infra", "GESAMT": "gesamt"}


@dataclass
class StrandCell:
    """FTE, total and state part summed over lines (of a strand, a Sozialraum, ...)."""

    fte: Decimal = ZERO
    total: Decimal = ZERO
    state: Decimal = ZERO

    def add(self, fte, total, state):
        self.fte += fte or ZERO
        self.total += total or ZERO
        self.state += state or ZERO

    @property
    def municipal(self):
        return self.total - self.state


# --- the money of a budget year -----------------------------------------------------------


@dataclass
class SozialraumFunding:
    """One Sozialraum's step-1 amount, its approved reallocations and the co-funding."""

    gesamt: float | None  # the Gesamtindex the share was computed from
    percent: Decimal | None
    base_state: Decimal | None  # the stored share (or the provisional one), before reallocations
    reallocated: Decimal
    funding: d.Funding | None  # after reallocations: state, municipal (40 %), total


@dataclass
class YearFunding:
    """The money of a budget year, computed once; every report shows these figures.

    The Sozialraum amounts are the stored shares (``SozialraumShare.state_amount``: the
    largest-remainder apportionment, applied once); the municipal part (40 %) and the
    total are derived per Sozialraum and the totals are the sums of the rows, never
    re-rounded from the allocation. ``shares_current`` is False when the stored shares do
    not add up to the state allocation (applied to an older amount): then ``total`` is
    None and the reports show a notice instead of contradictory figures.
    """

    by_sozialraum: dict[int, SozialraumFunding]
    shares_applied: bool  # True: the stored snapshot; False: provisional from the run
    shares_current: bool
    total: d.Funding | None
    total_percent: Decimal | None
    total_base_state: Decimal | None
    reallocations: list = field(default_factory=list)  # approved, oldest first


def _provisional(budget_year, sozialraeume, indices) -> tuple[dict, dict]:
    """Percent and amount per Sozialraum id from the run's Gesamtindex (no shares yet)."""
    # Keyed by name: the largest-remainder ties are decided by name (section 6).
    id_by_name = {sr.name: sr.pk for sr in sozialraeume}
    by_name = {
        sr.name: indices[sr.pk].gesamt
        for sr in sozialraeume
        if sr.pk in indices and indices[sr.pk].gesamt is not None
    }
    if not by_name or sum(by_name.values()) <= 0:
        return {}, {}
    percents = d.sozialraum_percents(by_name)
    amounts = d.sozialraum_amounts(by_name, budget_year.state_budget)
    return (
        {id_by_name[n]: v for n, v in percents.items()},
        {id_by_name[n]: v for n, v in amounts.items()},
    )


def year_funding(
    budget_year: BudgetYear,
    *,
    sozialraeume: list | None = None,
    indices: dict | None = None,
) -> YearFunding:
    """Per Sozialraum and in total: share, approved reallocations, state / municipal / total.

    ``sozialraeume`` (ordered) and ``indices`` (Sozialraum id -> SozialraumIndex of the
    round's current run) are loaded unless the caller has them. Two queries with stored
    shares (shares, approved reallocations), up to three more without.
    """
    shares = {s.sozialraum_id: s for s in SozialraumShare.objects.filter(budget_year=budget_year)}
    shares_applied = bool(shares)
    percents: dict[int, Decimal] = {}
    amounts: dict[int, Decimal] = {}
    points: dict[int, float | None] = {}
    if shares_applied:
        percents = {k: s.percent for k, s in shares.items()}
        amounts = {k: s.state_amount for k, s in shares.items()}
        points = {k: s.gesamt for k, s in shares.items()}
    else:
        if sozialraeume is None:
            sozialraeume = list(
                Sozialraum.objects.filter(jugendamt_id=budget_year.jugendamt_id).order_by(
                    "position", "name"
                )
            )
        if indices is None:
            indices = sozialraum_indices(run_for(budget_year))
        percents, amounts = _provisional(budget_year, sozialraeume, indices)
        points = {k: indices[k].gesamt for k in amounts}

    reallocations = list(
        approved_reallocations(budget_year.pk)
        .select_related("from_sozialraum", "to_sozialraum")
        .order_by("created_at", "pk")
    )
    balance = balance_of(reallocations)

    by_sozialraum = {}
    for sr_id in {*amounts, *balance}:
        base = amounts.get(sr_id)
        reallocated = balance.get(sr_id, ZERO)
        by_sozialraum[sr_id] = SozialraumFunding(
            gesamt=points.get(sr_id),
            percent=percents.get(sr_id),
            base_state=base,
            reallocated=reallocated,
            funding=d.funding_for_state_amount(base + reallocated) if base is not None else None,
        )

    shares_current = not amounts or sum(amounts.values(), ZERO) == budget_year.state_budget
    rows = [f.funding for f in by_sozialraum.values() if f.funding is not None]
    if not shares_current:
        total = None
    elif rows:
        state = sum((f.state for f in rows), ZERO)
        municipal = sum((f.municipal for f in rows), ZERO)
        total = d.Funding(state, municipal, state + municipal)
    else:  # nothing apportioned yet: the allocation as such
        total = d.funding_for_state_amount(budget_year.state_budget)
    return YearFunding(
        by_sozialraum=by_sozialraum,
        shares_applied=shares_applied,
        shares_current=shares_current,
        total=total,
        total_percent=sum(percents.values(), ZERO) if percents and shares_current else None,
        total_base_state=sum(amounts.values(), ZERO) if amounts and shares_current else None,
        reallocations=reallocations,
    )


# --- index runs and the small-cell rule ---------------------------------------------------

# A Sozialraum with fewer Kitas than this (with a result in the run, or active) shows none
# of its own figures to the committee: they would be (nearly) the values of single Kitas.
SMALL_CELL_MIN_KITAS = 3


def run_for(budget_year: BudgetYear):
    """The index run the committee's indices come from: the published result of the
    budget year's round (none while the round is open: a provisional result never
    reaches the committee)."""
    if budget_year.round_id is None:
        return None
    return round_published_run(round_id=budget_year.round_id)


def sozialraum_indices(run) -> dict[int, SozialraumIndex]:
    if run is None:
        return {}
    return {v.sozialraum_id: v for v in SozialraumIndex.objects.filter(run_id=run.pk)}


def result_counts(run_ids) -> dict[tuple[int, int], int]:
    """(run id, Sozialraum id) -> Kitas with a (complete) result in the run (one query).

    A Sozialraum's index is computed from its complete Kitas, so this is the number of
    Kitas its published figures stand for."""
    rows = (
        KitaIndex.objects.filter(run_id__in=list(run_ids), complete=True)
        .values("run_id", "kita__sozialraum_id")
        .annotate(n=Count("pk"))
    )
    return {(r["run_id"], r["kita__sozialraum_id"]): r["n"] for r in rows}


# --- budget years -----------------------------------------------------------------------


def budget_year_for(*, jugendamt_id, year: int) -> BudgetYear | None:
    return (
        BudgetYear.objects.filter(jugendamt_id=jugendamt_id, year=year)
        .select_related("round", "jugendamt")
        .first()
    )


def newest_budget_year(*, jugendamt_id) -> BudgetYear | None:
    return BudgetYear.objects.filter(jugendamt_id=jugendamt_id).order_by("-year").first()


def budget_year_list(*, jugendamt_id) -> list[BudgetYear]:
    return list(BudgetYear.objects.filter(jugendamt_id=jugendamt_id).order_by("-year"))
