"""Rules about Sozialraum-Teams, their meetings, release time and reviews (issue 15).

Built on ``srb_project.policy`` like every app's rules. Who a team is: its active members
with an account (``TeamMember.left_on`` empty) and the Jugendamt's contact person. The
committee sees teams only as counts in the report (``reports``), never a team page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from srb_project import policy
from teams.models import Meeting, MeetingTask, Team, TeamMember


def active_member_team_ids(user) -> set[int]:
    """Ids of the teams the user is an active member of (cached for the request)."""
    if not policy.is_active(user):
        return set()
    cached = getattr(user, "_srb_team_ids", None)
    if cached is None:
        cached = set(
            TeamMember.objects.filter(user=user, left_on__isnull=True).values_list(
                "team_id", flat=True
            )
        )
        user._srb_team_ids = cached
    return cached


def is_team_member(user, team) -> bool:
    return team is not None and team.pk in active_member_team_ids(user)


def is_contact_person(user, team) -> bool:
    return team is not None and policy.is_active(user) and team.contact_person_id == user.pk


class TeamPolicy(policy.BasePolicy):
    """view: Jugendamt staff of the team's Jugendamt, the team's active members and its
    contact person. manage (members, meetings, invitations): Jugendamt (Fachkraft) and
    Leitung of that Jugendamt, and the team's contact person. ``obj`` a team, or None for
    the action as such (e.g. "may set up teams")."""

    model = Team
    actions = ("view", "manage")

    def _staff_scope(self, user) -> Q:
        return policy.jugendamt_scope(user, "sozialraum__jugendamt")

    def can_view(self, user, team) -> bool:
        if team is None:
            return policy.is_staff(user) or bool(active_member_team_ids(user))
        if policy.is_staff(user) and policy.same_jugendamt(user, team.jugendamt_id):
            return True
        return is_team_member(user, team) or is_contact_person(user, team)

    def view_queryset(self, user) -> QuerySet[Team]:
        qs = Team.objects.select_related("sozialraum", "contact_person")
        own = Q(pk__in=active_member_team_ids(user)) | Q(contact_person=user)
        if policy.is_staff(user):
            return qs.filter(self._staff_scope(user) | own)
        return qs.filter(own)

    def can_manage(self, user, team) -> bool:
        if team is None:
            return policy.is_planner(user)
        if policy.is_planner(user) and policy.same_jugendamt(user, team.jugendamt_id):
            return True
        return is_contact_person(user, team) and policy.is_staff(user)

    def manage_queryset(self, user) -> QuerySet[Team]:
        qs = Team.objects.select_related("sozialraum", "contact_person")
        if policy.is_planner(user):
            return qs.filter(self._staff_scope(user))
        if policy.is_staff(user):
            return qs.filter(self._staff_scope(user), contact_person=user)
        return qs.none()


team_policy = policy.register(TeamPolicy())


# --- meetings, minutes, tasks (issue 15, part A) ---------------------------------------


def sees_all_hours(user, team) -> bool:
    """The release hours of every member: only the Jugendamt's staff. A Kita leader or a
    Träger sees the own row only (another Kita's release hours are not theirs to see)."""
    return bool(
        team is not None
        and policy.is_staff(user)
        and policy.same_jugendamt(user, team.jugendamt_id)
    )


class MeetingPolicy(policy.BasePolicy):
    """view: whoever may view the team. manage (create, edit, invite, cancel, attendance,
    documents): whoever manages the team. write_minutes: the team's contact person or the
    meeting's named minute-taker (who must still be able to view the team); they also
    attach documents and add tasks."""

    model = Meeting
    actions = ("view", "manage", "write_minutes")

    def can_view(self, user, meeting) -> bool:
        return team_policy.user_can(user, "view", meeting.team if meeting else None)

    def view_queryset(self, user) -> QuerySet[Meeting]:
        teams = team_policy.instances_for(user, "view")
        return Meeting.objects.select_related("team__sozialraum", "minute_taker").filter(
            team__in=teams
        )

    def can_manage(self, user, meeting) -> bool:
        return team_policy.user_can(user, "manage", meeting.team if meeting else None)

    def manage_queryset(self, user) -> QuerySet[Meeting]:
        teams = team_policy.instances_for(user, "manage")
        return Meeting.objects.select_related("team__sozialraum", "minute_taker").filter(
            team__in=teams
        )

    def can_write_minutes(self, user, meeting) -> bool:
        if meeting is None:
            return False
        if not self.can_view(user, meeting):
            return False
        return is_contact_person(user, meeting.team) or meeting.minute_taker_id == user.pk

    def write_minutes_queryset(self, user) -> QuerySet[Meeting]:
        return self.view_queryset(user).filter(Q(team__contact_person=user) | Q(minute_taker=user))


meeting_policy = policy.register(MeetingPolicy())


class MeetingTaskPolicy(policy.BasePolicy):
    """complete (tick a task done or open again): who manages the team, who writes the
    meeting's minutes, and the member the task is assigned to."""

    model = MeetingTask
    actions = ("complete",)

    def can_complete(self, user, task) -> bool:
        if task is None:
            return False
        meeting = task.meeting
        if meeting_policy.user_can(user, "manage", meeting):
            return True
        if meeting_policy.user_can(user, "write_minutes", meeting):
            return True
        owner = task.owner
        return bool(
            owner is not None
            and owner.user_id == user.pk
            and owner.left_on is None
            and meeting_policy.user_can(user, "view", meeting)
        )

    def complete_queryset(self, user) -> QuerySet[MeetingTask]:
        qs = MeetingTask.objects.select_related("meeting__team__sozialraum", "owner")
        return qs.filter(
            Q(meeting__in=meeting_policy.instances_for(user, "manage"))
            | Q(meeting__in=meeting_policy.instances_for(user, "write_minutes"))
            | Q(
                meeting__in=meeting_policy.instances_for(user, "view"),
                owner__user=user,
                owner__left_on__isnull=True,
            )
        )


meeting_task_policy = policy.register(MeetingTaskPolicy())
