"""Reads of the position pages (issue 16, part P1), through the position policy."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from allocation.models import AllocationLine, AllocationPlan, BudgetYear
from positions.permissions import position_policy
from sozialraeume.models import Sozialraum


def position_years(user) -> list[int]:
    """The budget years the user has positions to see in (newest first)."""
    years = position_policy.instances_for(user, "view").values_list("budget_year__year", flat=True)
    return sorted(set(years), reverse=True)


def position_list(user, *, year: int | None, sozialraum_id: int | None = None) -> QuerySet:
    """The positions the user may see in ``year`` (optionally of one Sozialraum), with
    their vacant months counted."""
    qs = position_policy.instances_for(user, "view").filter(budget_year__year=year)
    if sozialraum_id:
        qs = qs.filter(kita__sozialraum_id=sozialraum_id)
    return qs.annotate(
        vacant_months=Count("months", filter=Q(months__filled=False)),
        month_count=Count("months"),
    ).select_related("qualification_checked_by", "continues")


def sozialraeume_of(positions: QuerySet) -> QuerySet[Sozialraum]:
    return Sozialraum.objects.filter(pk__in=positions.values("kita__sozialraum_id")).order_by(
        "position", "name"
    )


def lines_without_positions(plan: AllocationPlan) -> QuerySet[AllocationLine]:
    """The plan's lines that have no position yet (the page offers a button per line)."""
    return (
        plan.lines.filter(positions__isnull=True)
        .select_related("kita", "kita__traeger")
        .order_by("kita__name", "strand", "pk")
    )


def lines_with_positions(plan: AllocationPlan) -> QuerySet[AllocationLine]:
    return (
        plan.lines.filter(positions__isnull=False)
        .distinct()
        .select_related("kita")
        .prefetch_related("positions")
        .order_by("kita__name", "strand", "pk")
    )


def next_year_targets(user) -> tuple[QuerySet[BudgetYear], QuerySet[Sozialraum]]:
    """Budget years a plan can be made from positions for (a year after one with
    positions) and the Sozialräume without a plan in one of them."""
    years = position_policy.instances_for(user, "manage").values_list(
        "budget_year__jugendamt_id", "budget_year__year"
    )
    wanted = Q(pk__in=[])
    for jugendamt_id, year in set(years):
        wanted |= Q(jugendamt_id=jugendamt_id, year=year + 1)
    budget_years = BudgetYear.objects.filter(wanted).order_by("year")
    sozialraeume = Sozialraum.objects.filter(
        jugendamt_id__in=budget_years.values("jugendamt_id")
    ).order_by("position", "name")
    return budget_years, sozialraeume
