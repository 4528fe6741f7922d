"""The start pages: the Jugendamt dashboard, a Kita leader's page.

Each runs a constant number of queries whatever the number of Kitas.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from allocation.models import AllocationLine, AllocationPlan, PlanState
from indices.models import KitaIndex
from indices.selectors import published_run
from reports.selectors.common import budget_year_list
from reports.selectors.teams import sozialraeume_without_centre
from sozialraeume.models import Kita
from surveys.models import Response, SurveyRound
from surveys.selectors import submission_progress
from teams.selectors_review import review_schedule

REVIEW_WARNING_DAYS = 180  # the dashboard lists reviews due within six months


@dataclass
class RoundProgress:
    round: object
    submitted: int
    draft: int
    not_started: int
    kitas: int

    @property
    def percent_submitted(self) -> int:
        return round(100 * self.submitted / self.kitas) if self.kitas else 0


def round_progress(*, jugendamt_id, limit: int = 3) -> list[RoundProgress]:
    """Submitted / draft / not started for the newest rounds (three queries)."""
    rounds = list(
        SurveyRound.objects.filter(jugendamt_id=jugendamt_id).order_by("-stichtag", "-pk")[:limit]
    )
    kitas = Kita.objects.filter(sozialraum__jugendamt_id=jugendamt_id, active=True).count()
    counts: dict[tuple[int, str], int] = {}
    for c in (
        Response.objects.filter(round__in=rounds)
        .values("round_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts[(c["round_id"], c["status"])] = c["n"]
    result = []
    for r in rounds:
        submitted = counts.get((r.pk, Response.Status.SUBMITTED), 0)
        draft = counts.get((r.pk, Response.Status.DRAFT), 0)
        result.append(RoundProgress(r, submitted, draft, max(kitas - submitted - draft, 0), kitas))
    return result


def plans_by_state(*, jugendamt_id) -> list[dict]:
    """Per budget year: number of plans in each state (one query), each count with the
    link to the year's plan list filtered to that state (``?jahr=2027&status=proposal``)."""
    counts: dict[int, dict[str, int]] = {}
    for c in (
        AllocationPlan.objects.filter(sozialraum__jugendamt_id=jugendamt_id)
        .values("budget_year__year", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(c["budget_year__year"], {})[c["state"]] = c["n"]
    plan_list = reverse("allocation:plan_list")
    return [
        {
            "year": year,
            "states": [
                {
                    "state": key,
                    "label": label,
                    "count": counts[year].get(key, 0),
                    "url": f"{plan_list}?{urlencode({'jahr': year, 'status': key})}#plaene",
                }
                for key, label in PlanState.choices
            ],
            "total": sum(counts[year].values()),
        }
        for year in sorted(counts, reverse=True)
    ]


def _centre_list_url() -> str:
    """The FS2 centres' page (foerderung), if it exists in this build."""
    try:
        return reverse("foerderung:centre_list")
    except NoReverseMatch:
        return ""


def jugendamt_dashboard(*, jugendamt_id) -> dict:
    """The staff start page: progress of the newest rounds (with who is missing in an
    open one) and the published result; a provisional result is only on /auswertung/."""
    today = timezone.localdate()
    progress = round_progress(jugendamt_id=jugendamt_id)
    return {
        "progress": progress,
        "open_progress": [
            submission_progress(survey_round=p.round)
            for p in progress
            if p.round.state == SurveyRound.State.OFFEN
        ],
        "published_run": published_run(jugendamt_id=jugendamt_id),
        "plans_by_state": plans_by_state(jugendamt_id=jugendamt_id),
        # issue 15: the reviews with the team (open or not yet opened) due within six
        # months or overdue, and the Sozialräume still without an active FS2 centre
        "reviews_due": [
            r
            for r in review_schedule(jugendamt_id=jugendamt_id, today=today)
            if r.due_on is not None
            and r.due_on <= today + datetime.timedelta(days=REVIEW_WARNING_DAYS)
        ],
        "without_centre": sozialraeume_without_centre(jugendamt_id=jugendamt_id),
        "centre_list_url": _centre_list_url(),
        "today": today,
        "budget_years": budget_year_list(jugendamt_id=jugendamt_id),
    }


# --- Träger and Kita pages ----------------------------------------------------------------


def kita_overview(user) -> list[dict]:
    """Per Kita the user leads: questionnaire status in the newest round, own indices
    (the published result: of the most recent closed round), staff positions received."""
    kitas = list(user.kitas.select_related("sozialraum").order_by("name"))
    if not kitas:
        return []
    jugendamt_id = kitas[0].sozialraum.jugendamt_id
    current_round = (
        SurveyRound.objects.filter(jugendamt_id=jugendamt_id).order_by("-stichtag", "-pk").first()
    )
    responses = {}
    if current_round:
        responses = {
            r.kita_id: r for r in Response.objects.filter(round=current_round, kita__in=kitas)
        }
    run = published_run(jugendamt_id=jugendamt_id)
    values = {}
    if run:
        values = {
            v.kita_id: v
            for v in KitaIndex.objects.filter(run=run, kita__in=kitas).defer("variables", "points")
        }
    lines: dict[int, list] = {}
    for line in (
        AllocationLine.objects.filter(kita__in=kitas, plan__state=PlanState.APPROVED)
        .select_related("plan__budget_year")
        .order_by("-plan__budget_year__year", "strand", "pk")
    ):
        lines.setdefault(line.kita_id, []).append(line)
    return [
        {
            "kita": k,
            "round": current_round,
            "response": responses.get(k.pk),
            "run": run,
            "value": values.get(k.pk),
            "lines": lines.get(k.pk, []),
        }
        for k in kitas
    ]
