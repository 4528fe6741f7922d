"""The budget execution page (issue 16): per Sozialraum and year what the positions did
with the plan's money, and from a Sozialraum's freed amount the reallocation proposal.

Staff of the year's Jugendamt only (``PositionPolicy.view`` on the budget year); the
committee reads the Sozialraum summary in its report, Träger their own positions."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from allocation.permissions import budget_year_policy, reallocation_policy
from positions.permissions import position_policy
from positions.selectors_execution import execution_for_year
from sozialraeume.selectors import jugendamt_id_for_user
from srb_project.numbers import german


def stichtag_from_request(request) -> datetime.date:
    """``?stichtag=YYYY-MM-DD`` (the date input), else today; a bad value is today."""
    try:
        return datetime.date.fromisoformat(request.GET.get("stichtag", ""))
    except ValueError:
        return timezone.localdate()


def _positions_url(year: int) -> str | None:
    """The positions list of part P1 if it exists (its URL name may not be there yet)."""
    for name, kwargs in (("positions:position_list", {"year": year}), ("positions:list", {})):
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return None


@login_required
def execution(request, year: int):
    """Planned vs. filled FTE, planned vs. actual cost, state and municipal parts,
    vacancy months, forecast and unspent state amount per Sozialraum (Ist / Prognose)."""
    user = request.user
    if not position_policy.user_can(user, "view", jugendamt_id_for_user(user)):
        raise PermissionDenied
    budget_year = get_object_or_404(
        budget_year_policy.instances_for(user, "view"),
        jugendamt_id=jugendamt_id_for_user(user),
        year=year,
    )
    if not position_policy.user_can(user, "view", budget_year):
        raise PermissionDenied
    on = stichtag_from_request(request)
    data = execution_for_year(budget_year, on=on)
    may_propose = reallocation_policy.user_can(user, "propose", budget_year)
    plan_list = reverse("allocation:plan_list")
    for row in data.rows:
        # prefilled with what a proposal may still move (freed less open proposals)
        if may_propose and row.proposable > 0:
            query = urlencode(
                {
                    "jahr": budget_year.year,
                    "von": row.sozialraum.pk,
                    "betrag": german(row.proposable),
                    "herkunft": "actual",
                }
            )
            row.propose_url = f"{plan_list}?{query}#umverteilungen"
    return render(
        request,
        "positions/execution.html",
        {
            "data": data,
            "budget_year": budget_year,
            "positions_url": _positions_url(budget_year.year),
            "stichtag": on,
        },
    )
