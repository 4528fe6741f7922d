"""Who may read and write the quality pages (issue 18), on ``srb_project.policy``.

Official data and plausibility findings are the Jugendamt's working material: its staff
read them, its planners (Fachkraft, Leitung) import and decide. A Kita leader sees the
correction requests of the Kitas they lead, nothing else. Another Jugendamt's rows are
never in a queryset, so the views answer 404 for them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from quality.models import OfficialIndicator, PlausibilityFinding
from srb_project import policy
from surveys.models import SurveyRound


class OfficialDataPolicy(policy.BasePolicy):
    """view: Jugendamt staff of the indicator's Jugendamt. import: its planners."""

    model = OfficialIndicator
    actions = ("view", "import")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[OfficialIndicator]:
        if not policy.is_staff(user):
            return OfficialIndicator.objects.none()
        return OfficialIndicator.objects.filter(policy.jugendamt_scope(user))

    def can_import(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def import_queryset(self, user) -> QuerySet[OfficialIndicator]:
        if not policy.is_planner(user):
            return OfficialIndicator.objects.none()
        return OfficialIndicator.objects.filter(policy.jugendamt_scope(user))


class RoundQualityPolicy(policy.BasePolicy):
    """On a survey round (not registered: the round's policy is surveys'): view the
    comparison with official data and the plausibility findings (staff), check and decide
    (planners)."""

    model = SurveyRound
    actions = ("view", "decide")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[SurveyRound]:
        if not policy.is_staff(user):
            return SurveyRound.objects.none()
        return SurveyRound.objects.filter(policy.jugendamt_scope(user))

    def can_decide(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def decide_queryset(self, user) -> QuerySet[SurveyRound]:
        if not policy.is_planner(user):
            return SurveyRound.objects.none()
        return SurveyRound.objects.filter(policy.jugendamt_scope(user))


class FindingPolicy(policy.BasePolicy):
    """view: staff of the round's Jugendamt; the Kita's leader once a correction was
    requested. decide: planners of the round's Jugendamt."""

    model = PlausibilityFinding
    actions = ("view", "decide")

    def can_view(self, user, obj) -> bool:
        if obj is None:
            return policy.is_staff(user) or bool(policy.led_kita_ids(user))
        if policy.is_staff(user):
            return policy.same_jugendamt(user, obj.round.jugendamt_id)
        return (
            obj.state == PlausibilityFinding.State.CORRECTION_REQUESTED
            and obj.kita_id in policy.led_kita_ids(user)
        )

    def view_queryset(self, user) -> QuerySet[PlausibilityFinding]:
        if policy.is_staff(user):
            return PlausibilityFinding.objects.filter(
                policy.jugendamt_scope(user, "round__jugendamt")
            )
        return PlausibilityFinding.objects.filter(
            state=PlausibilityFinding.State.CORRECTION_REQUESTED,
            kita_id__in=policy.led_kita_ids(user),
        )

    def can_decide(self, user, obj) -> bool:
        return policy.is_planner(user) and (
            obj is None or policy.same_jugendamt(user, obj.round.jugendamt_id)
        )

    def decide_queryset(self, user) -> QuerySet[PlausibilityFinding]:
        if not policy.is_planner(user):
            return PlausibilityFinding.objects.none()
        return PlausibilityFinding.objects.filter(policy.jugendamt_scope(user, "round__jugendamt"))


official_data_policy = policy.register(OfficialDataPolicy())
round_quality_policy = RoundQualityPolicy()
finding_policy = policy.register(FindingPolicy())
