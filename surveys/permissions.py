"""Rules about survey rounds and questionnaires, on ``srb_project.policy``."""

from __future__ import annotations

from django.db.models import QuerySet

from srb_project import policy, roles
from surveys.models import Response, SurveyRound


class RoundPolicy(policy.BasePolicy):
    """manage / import_responses: Jugendamt (Fachkraft) and Leitung of the round's
    Jugendamt. Without a round (``obj`` None, or a Jugendamt / its id): whether the user
    may manage rounds there at all."""

    model = SurveyRound
    actions = ("manage", "import_responses")

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[SurveyRound]:
        if not policy.is_planner(user):
            return SurveyRound.objects.none()
        return SurveyRound.objects.filter(policy.jugendamt_scope(user))

    can_import_responses = can_manage
    import_responses_queryset = manage_queryset


class ResponsePolicy(policy.BasePolicy):
    """review: those who manage the response's round. fill: the Kita's own leader."""

    model = Response
    actions = ("review", "fill")

    def can_review(self, user, response) -> bool:
        return policy.is_planner(user) and (
            response is None or policy.same_jugendamt(user, response.round.jugendamt_id)
        )

    def review_queryset(self, user) -> QuerySet[Response]:
        if not policy.is_planner(user):
            return Response.objects.none()
        return Response.objects.filter(policy.jugendamt_scope(user, "round__jugendamt"))

    def can_fill(self, user, response) -> bool:
        if not policy.has_role(user, roles.KITA_LEITUNG):
            return False
        return response is None or response.kita_id in policy.led_kita_ids(user)

    def fill_queryset(self, user) -> QuerySet[Response]:
        if not policy.has_role(user, roles.KITA_LEITUNG):
            return Response.objects.none()
        return Response.objects.filter(kita_id__in=policy.led_kita_ids(user))


round_policy = policy.register(RoundPolicy())
response_policy = policy.register(ResponsePolicy())
