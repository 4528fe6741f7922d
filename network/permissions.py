"""Who may read the network analysis of a round, on ``srb_project.policy``.

The analysis has no model of its own; ``obj`` is a survey round (or a Jugendamt / its id,
or None: the action as such). The policy is not registered with ``policy.register``: that
lookup is one policy per model, and the round's is ``surveys.permissions.round_policy``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from srb_project import policy, roles
from surveys.models import SurveyRound


def _committee(user) -> bool:
    return policy.has_role(user, roles.AUSSCHUSS) and not policy.is_staff(user)


class NetworkPolicy(policy.BasePolicy):
    """view: Jugendamt staff (every round of their Jugendamt, an open one as provisional)
    and the committee (closed rounds only, Sozialraum level). view_kitas: the Kita names
    and Kita-level rows, Jugendamt staff only. Kita leaders and Träger: neither."""

    model = SurveyRound
    actions = ("view", "view_kitas")

    def can_view(self, user, obj) -> bool:
        if policy.is_staff(user):
            return policy.in_scope(user, obj)
        if not _committee(user) or not policy.in_scope(user, obj):
            return False
        return not isinstance(obj, SurveyRound) or obj.state == SurveyRound.State.GESCHLOSSEN

    def view_queryset(self, user) -> QuerySet[SurveyRound]:
        rounds = SurveyRound.objects.filter(policy.jugendamt_scope(user))
        if policy.is_staff(user):
            return rounds
        if _committee(user):
            return rounds.filter(state=SurveyRound.State.GESCHLOSSEN)
        return SurveyRound.objects.none()

    def can_view_kitas(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_kitas_queryset(self, user) -> QuerySet[SurveyRound]:
        if not policy.is_staff(user):
            return SurveyRound.objects.none()
        return SurveyRound.objects.filter(policy.jugendamt_scope(user))


network_policy = NetworkPolicy()
