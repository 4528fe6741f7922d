"""The public results page of a Jugendamt (issue 17): what anyone may read without a login.

Built from the committee report (``committee.committee_report``), never recomputed, and
narrower than it:

- shares: the stored ``SozialraumShare`` of the budget year only (``shares_applied`` and
  ``shares_current``); a provisional share from an index run is never published;
- strands and FTE: approved (decided) plans only; a Sozialraum whose plan is not decided
  shows that and no figure; the small-cell rule of the committee report holds (a
  Sozialraum with fewer than three Kitas shows no strand breakdown of its own);
- no index values, no Kita, no reallocation reason, no plan comment, no position.

The page is cached as HTML per Jugendamt, budget year and language for
``PUBLIC_CACHE_SECONDS``; switching the page off is checked before the cache
(``reports.views_public``), and every switch starts a new cache generation
(``public_page_cache_clear``), so an old page never outlives a change of the switch.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q

from allocation.models import BudgetYear, PlanState
from reports.selectors.committee import committee_report
from reports.selectors.common import SMALL_CELL_MIN_KITAS, STRAND_LABELS

PUBLIC_CACHE_SECONDS = 10 * 60


@dataclass
class PublicRow:
    """One Sozialraum as the public reads it (texts already formatted)."""

    name: str
    percent: str  # the published share, "–" without one
    share: Decimal | None  # the same share as a number (the chart), None without one
    state: str  # state money after approved reallocations
    total: str  # Personalbudget (state and municipal part)
    decided: bool
    merged: bool  # small-cell rule: no strand breakdown of its own
    status_text: str  # the plan's status when not decided
    strand_fte: list[str] = field(default_factory=list)  # per used strand ("–": none)
    fte: str = ""  # all strands (decided plans only)
    cost: str = ""  # personnel costs per year (decided plans only)


@dataclass
class PublicResults:
    year: int
    shares_published: bool  # stored shares that add up to the allocation
    rows: list[PublicRow]
    used_strands: list[tuple[str, str]]  # (key, label) of strands in decided plans
    strand_totals: list[str]
    detail_fte: str  # decided rows shown in detail
    planned_fte: str  # all decided rows
    planned_cost: str
    state: str  # totals of the shares
    municipal: str
    total: str
    decided_count: int
    merged_names: list[str]
    small_cell_min: int = SMALL_CELL_MIN_KITAS

    @property
    def merged_decided(self) -> bool:
        """A decided small Sozialraum: its FTE count in the total but in no strand's sum,
        so the strand sums are not shown (they would not add up to the total)."""
        return any(r.merged and r.decided for r in self.rows)

    @property
    def undecided_names(self) -> list[str]:
        return [r.name for r in self.rows if not r.decided]


def published_years(*, jugendamt_id: int) -> list[int]:
    """The budget years the public page shows, newest first: with a decided plan or
    stored shares (one query)."""
    return list(
        BudgetYear.objects.filter(jugendamt_id=jugendamt_id)
        .filter(Q(plans__state=PlanState.APPROVED) | Q(shares__isnull=False))
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


def default_public_year(*, jugendamt_id: int) -> int | None:
    """The latest budget year with a decided plan (else the latest with stored shares)."""
    decided = (
        BudgetYear.objects.filter(jugendamt_id=jugendamt_id, plans__state=PlanState.APPROVED)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    if decided is not None:
        return decided
    years = published_years(jugendamt_id=jugendamt_id)
    return years[0] if years else None


def public_results(budget_year: BudgetYear) -> PublicResults:
    """The budget year's published figures on Sozialraum level (see the module doc)."""
    report = committee_report(budget_year, compare_previous=False)
    published = report.shares_applied and report.shares_current
    used = report.used_strands
    rows = []
    for row in report.rows:
        texts = row.texts
        shown = row.decided and not row.merged
        rows.append(
            PublicRow(
                name=row.name,
                percent=texts["percent"] if published else "–",
                share=row.percent if published else None,
                state=texts["state"] if published else "–",
                total=texts["total"] if published else "–",
                decided=row.decided,
                merged=row.merged,
                status_text=row.status_text if not row.decided else "",
                strand_fte=[c["fte"] if not c["empty"] else "–" for c in texts["used_strands"]]
                if shown
                else [],
                fte=texts["planned"]["fte"] if row.decided else "",
                cost=texts["planned"]["total"] if row.decided else "",
            )
        )
    totals = report.texts
    return PublicResults(
        year=budget_year.year,
        shares_published=published,
        rows=rows,
        used_strands=[(k, str(STRAND_LABELS[k])) for k in used],
        strand_totals=[c["fte"] for c in totals["used_strand_totals"]],
        detail_fte=totals["detail_total"]["fte"],
        planned_fte=totals["planned_total"]["fte"],
        planned_cost=totals["planned_total"]["total"],
        state=totals["state"] if published else "–",
        municipal=totals["municipal"] if published else "–",
        total=totals["total"] if published else "–",
        decided_count=report.decided_count,
        merged_names=list(report.merged_names),
    )


# --- the cache of the rendered page ---------------------------------------------------


def _generation_key(jugendamt_id: int) -> str:
    return f"reports:public:{jugendamt_id}:generation"


def public_page_cache_key(
    *, jugendamt_id: int, slug: str, year: int | None, language: str, goals_text: str
) -> str:
    """The cache key of a rendered public page: Jugendamt, its current generation, budget
    year, language and the goals text (a new text shows at once)."""
    generation = cache.get(_generation_key(jugendamt_id), 0)
    goals = hashlib.sha256(goals_text.encode()).hexdigest()[:16]
    return f"reports:public:{jugendamt_id}:{slug}:{generation}:{year or 'none'}:{language}:{goals}"


def public_page_cache_clear(*, jugendamt_id: int) -> None:
    """Start a new generation: every cached page of the Jugendamt is out of date."""
    key = _generation_key(jugendamt_id)
    cache.set(key, cache.get(key, 0) + 1, None)
