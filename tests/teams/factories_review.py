"""Helpers of the release and review tests: a team, a meeting with attendance, an approved
plan (through the allocation's services)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from allocation.services import plans as plan_services
from allocation.services import workflow
from teams.models import Attendance, Meeting, MeetingState, MemberKind, Team, TeamMember
from tests.allocation.factories import fs1_line


def team_for(sozialraum, *, contact=None) -> Team:
    return Team.objects.create(sozialraum=sozialraum, contact_person=contact)


def leader_member(team, user, kita) -> TeamMember:
    return TeamMember.objects.create(
        team=team, kind=MemberKind.KITA, user=user, kita=kita, joined_on=datetime.date(2026, 1, 1)
    )


def meeting(team, *, when: datetime.datetime | None = None, state=MeetingState.HELD) -> Meeting:
    when = when or timezone.now() - datetime.timedelta(days=3)
    return Meeting.objects.create(
        team=team,
        title="Team-Sitzung",
        starts_at=when,
        ends_at=when + datetime.timedelta(hours=2),
        state=state,
        uid=f"{uuid.uuid4()}@test.invalid",
    )


def attended(meeting_obj, member, hours) -> Attendance:
    return Attendance.objects.create(meeting=meeting_obj, member=member, hours=Decimal(hours))


def approved_plan(world):
    """Nord's plan 2026 with one line, approved by the Leitung (four eyes)."""
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    fs1_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    return workflow.plan_approve(plan=plan, acting_user=world.leitung, reason="Beschluss")
