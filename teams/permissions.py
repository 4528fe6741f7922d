"""Rules about Sozialraum-Teams, their meetings, release time and reviews (issue 15).

Built on ``srb_project.policy`` like every app's rules. Who a team is: its active members
with an account (``TeamMember.left_on`` empty) and the Jugendamt's contact person. The
committee sees teams only as counts in the report (``reports``), never a team page.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from srb_project import policy
from teams.models import Team, TeamMember


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
