"""Reads of the team pages: the list with counts, a team's members, meetings and open
tasks, the people who may join or be named."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from sozialraeume.models import Sozialraum, User
from sozialraeume.permissions import kita_policy
from srb_project import policy
from teams.models import Meeting, MeetingState, MeetingTask, Team, TeamMember
from teams.permissions import sees_all_hours, team_policy
from teams.services.teams import account_member_fields


def team_list_for_user(user) -> QuerySet[Team]:
    """The teams the user may see, with active members, meetings held and planned, and
    the next planned meeting's start."""
    now = timezone.now()
    return (
        team_policy.instances_for(user, "view")
        .annotate(
            member_count=Count("members", filter=Q(members__left_on__isnull=True), distinct=True),
            held_count=Count(
                "meetings", filter=Q(meetings__state=MeetingState.HELD), distinct=True
            ),
            planned_count=Count(
                "meetings",
                filter=Q(meetings__state=MeetingState.PLANNED, meetings__starts_at__gte=now),
                distinct=True,
            ),
            next_meeting=Min(
                "meetings__starts_at",
                filter=Q(meetings__state=MeetingState.PLANNED, meetings__starts_at__gte=now),
            ),
        )
        .order_by("sozialraum__position", "sozialraum__name")
    )


def sozialraeume_without_team(user) -> QuerySet[Sozialraum]:
    """The Sozialräume of the user's Jugendamt that have no team yet."""
    return (
        Sozialraum.objects.filter(policy.jugendamt_scope(user))
        .filter(team__isnull=True)
        .order_by("position", "name")
    )


def staff_of_jugendamt(jugendamt_id) -> list[User]:
    """Active Jugendamt staff who may be a team's contact person."""
    users = User.objects.filter(jugendamt_id=jugendamt_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )
    return [u for u in users if policy.is_staff(u)]


def member_candidates(team: Team) -> list[User]:
    """Users of the team's Jugendamt who may join it (by the service's rule) and are not
    active members yet."""
    active = set(
        TeamMember.objects.filter(team=team, left_on__isnull=True, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    result = []
    users = User.objects.filter(jugendamt_id=team.jugendamt_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )
    for user in users:
        if user.pk in active:
            continue
        try:
            account_member_fields(team, user)
        except ValidationError:
            continue
        result.append(user)
    return result


@dataclass
class MemberRow:
    member: TeamMember
    kita_visible: bool  # the viewer may see the Kita's name (their own, or staff)


def member_rows(team: Team, user) -> list[MemberRow]:
    """Every member (active first, then former); a Kita's name only where the viewer may
    see that Kita (a Kita leader sees no other Kita by name)."""
    members = team.members.select_related("user", "kita__sozialraum", "traeger").order_by(
        "left_on", "kind", "pk"
    )
    return [
        MemberRow(
            member=m, kita_visible=m.kita_id is None or kita_policy.user_can(user, "view", m.kita)
        )
        for m in members
    ]


def meetings_of_team(team: Team) -> QuerySet[Meeting]:
    return team.meetings.select_related("minute_taker").order_by("starts_at", "pk")


def open_tasks(team: Team) -> QuerySet[MeetingTask]:
    return (
        MeetingTask.objects.filter(meeting__team=team, done_at__isnull=True)
        .select_related("owner__user", "meeting")
        .order_by("due_on", "pk")
    )


@dataclass
class AttendanceRow:
    member: TeamMember
    present: bool
    hours: object  # Decimal or None
    hours_visible: bool
    kita_visible: bool


def attendance_rows(meeting: Meeting, user) -> list[AttendanceRow]:
    """The attendance of a held meeting as the viewer may see it: release hours of every
    member for the Jugendamt's staff, otherwise only the viewer's own row."""
    all_hours = sees_all_hours(user, meeting.team)
    rows = []
    for a in meeting.attendance.select_related("member__user", "member__kita__sozialraum"):
        m = a.member
        rows.append(
            AttendanceRow(
                member=m,
                present=a.present,
                hours=a.hours,
                hours_visible=all_hours or (m.user_id is not None and m.user_id == user.pk),
                kita_visible=m.kita_id is None or kita_policy.user_can(user, "view", m.kita),
            )
        )
    return rows
