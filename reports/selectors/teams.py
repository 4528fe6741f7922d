"""The Sozialraum-Teams in the reports (issue 15): reviews of the distribution, meetings
held, team size, and whether a Sozialraum has its FS2 centre.

Sozialraum level only: counts and dates, never a Kita or a person. A constant number of
queries whatever the number of Sozialräume.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils import timezone

from foerderung.models import Centre
from sozialraeume.models import Sozialraum
from teams.models import Meeting, MeetingState, TeamMember
from teams.selectors_review import ReviewRow, review_schedule


@dataclass
class SozialraumTeamRow:
    """One Sozialraum as the committee reads it."""

    name: str
    review: ReviewRow
    team_size: int  # active members (with or without an account); 0: no team yet
    meetings_by_year: list[tuple[int, int]] = field(default_factory=list)  # (year, held)
    has_centre: bool = False

    @property
    def last_review_date(self) -> datetime.date | None:
        last = self.review.last_review
        return timezone.localdate(last.decided_at) if last and last.decided_at else None

    @property
    def last_outcome(self) -> str:
        last = self.review.last_review
        return last.get_outcome_display() if last else ""


def _centre_sozialraum_ids(jugendamt_id: int) -> set[int]:
    return set(
        Centre.objects.filter(sozialraum__jugendamt_id=jugendamt_id, active=True).values_list(
            "sozialraum_id", flat=True
        )
    )


def sozialraeume_without_centre(*, jugendamt_id: int, sozialraeume=None) -> list:
    """The Sozialräume without an active FS2 centre (two queries; one with
    ``sozialraeume`` given)."""
    with_centre = _centre_sozialraum_ids(jugendamt_id)
    if sozialraeume is None:
        sozialraeume = Sozialraum.objects.filter(jugendamt_id=jugendamt_id).order_by(
            "position", "name"
        )
    return [sr for sr in sozialraeume if sr.pk not in with_centre]


def team_rows(*, jugendamt_id: int, sozialraeume, today=None) -> list[SozialraumTeamRow]:
    """Per Sozialraum (``sozialraeume`` already loaded): last review (date, outcome), next
    due date, meetings held per year, team size, FS2 centre. Five queries."""
    schedule = {
        r.sozialraum.pk: r
        for r in review_schedule(jugendamt_id=jugendamt_id, today=today, sozialraeume=sozialraeume)
    }
    meetings: dict[int, list[tuple[int, int]]] = {}
    for m in (
        Meeting.objects.filter(team__sozialraum__jugendamt_id=jugendamt_id, state=MeetingState.HELD)
        .annotate(year=ExtractYear("starts_at"))
        .values("team__sozialraum_id", "year")
        .annotate(n=Count("pk"))
        .order_by("team__sozialraum_id", "year")
    ):
        meetings.setdefault(m["team__sozialraum_id"], []).append((m["year"], m["n"]))
    sizes = {
        s["team__sozialraum_id"]: s["n"]
        for s in TeamMember.objects.filter(
            team__sozialraum__jugendamt_id=jugendamt_id, left_on__isnull=True
        )
        .values("team__sozialraum_id")
        .annotate(n=Count("pk"))
    }
    with_centre = _centre_sozialraum_ids(jugendamt_id)
    return [
        SozialraumTeamRow(
            name=sr.name,
            review=schedule[sr.pk],
            team_size=sizes.get(sr.pk, 0),
            meetings_by_year=meetings.get(sr.pk, []),
            has_centre=sr.pk in with_centre,
        )
        for sr in sozialraeume
    ]
