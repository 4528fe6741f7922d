"""Rows for the exports (xlsx): index values per Kita and Sozialraum, allocation lines."""

from __future__ import annotations

from allocation.models import AllocationLine, PlanState
from indices.models import IndexRun, KitaIndex, SozialraumIndex


def rounds_with_runs(*, jugendamt_id) -> list[tuple[object, object]]:
    """(round, current run) for the Jugendamt's rounds that have a finished run."""
    chosen: dict[int, object] = {}
    for run in (
        IndexRun.objects.filter(round__jugendamt_id=jugendamt_id, status=IndexRun.Status.FINISHED)
        .select_related("round")
        .order_by("-round__stichtag", "-round_id", "-started_at", "-pk")
    ):
        chosen.setdefault(run.round_id, run)
    return [(run.round, run) for run in chosen.values()]


def kita_index_rows(run):
    """Per-Kita index values of a run (one query), for the export."""
    return (
        KitaIndex.objects.filter(run=run)
        .select_related("kita", "kita__sozialraum", "kita__traeger")
        .defer("variables", "points")
        .order_by("kita__sozialraum__position", "kita__sozialraum__name", "kita__name")
    )


def sozialraum_index_rows(run):
    return (
        SozialraumIndex.objects.filter(run=run)
        .select_related("sozialraum")
        .order_by("sozialraum__position", "sozialraum__name")
    )


def allocation_lines(budget_year, *, approved_only: bool = False):
    """All lines of a budget year with Kita, Träger, Sozialraum and plan (one query)."""
    qs = AllocationLine.objects.filter(plan__budget_year=budget_year)
    if approved_only:
        qs = qs.filter(plan__state=PlanState.APPROVED)
    return qs.select_related("kita", "kita__traeger", "plan", "plan__sozialraum").order_by(
        "plan__sozialraum__position", "plan__sozialraum__name", "kita__name", "strand", "pk"
    )
