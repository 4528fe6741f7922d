"""Rules about actual personnel costs (issue 16, part P2), on ``srb_project.policy``.

- view: who may see the position (``position_policy``: the Jugendamt's staff, the
  employing Träger).
- report (also change a reported row, import, propose a correction): the employing
  Träger for its own positions, the Jugendamt's planners for any position of their
  Jugendamt. Kita leaders, the committee and the Administration report nothing.
- confirm: the Jugendamt's planners; a correction only by a second person, not by the
  one who proposed it (four eyes; ``reason_not`` says why in German).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from positions.models import ActualCost, CostState, Position
from positions.permissions import position_policy
from srb_project import policy, roles


def _is_traeger(user) -> bool:
    return policy.has_role(user, roles.TRAEGER) and bool(getattr(user, "traeger_id", None))


def _position_of(obj) -> Position | None:
    if isinstance(obj, ActualCost):
        return obj.position
    if isinstance(obj, Position):
        return obj
    return None


class ActualCostPolicy(policy.BasePolicy):
    """``obj``: a cost row, a position (reporting for it), a budget year (the year's
    page) or None (the action as such)."""

    model = ActualCost
    actions = ("view", "report", "confirm")

    def _base(self) -> QuerySet[ActualCost]:
        return ActualCost.objects.select_related(
            "position", "position__budget_year", "position__kita", "position__employer"
        )

    def can_view(self, user, obj) -> bool:
        position = _position_of(obj)
        if position is not None:
            return position_policy.user_can(user, "view", position)
        if obj is None:
            return position_policy.user_can(user, "view", None)
        if policy.is_staff(user):
            return policy.in_scope(user, obj)
        return _is_traeger(user) and policy.same_jugendamt(user, policy.jugendamt_id_of(obj))

    def view_queryset(self, user) -> QuerySet[ActualCost]:
        return self._base().filter(position__in=position_policy.instances_for(user, "view"))

    def can_report(self, user, obj) -> bool:
        position = _position_of(obj)
        if policy.is_planner(user):
            return policy.in_scope(user, position or obj)
        if not _is_traeger(user):
            return False
        if position is not None:
            return position.employer_id == user.traeger_id
        return obj is None or policy.same_jugendamt(user, policy.jugendamt_id_of(obj))

    def report_queryset(self, user) -> QuerySet[ActualCost]:
        return self._base().filter(position__in=self.positions_to_report(user))

    def positions_to_report(self, user) -> QuerySet[Position]:
        """The positions ``user`` may report costs for (the list side of ``report``)."""
        if not policy.is_active(user):
            return Position.objects.none()
        if policy.is_planner(user):
            return position_policy.instances_for(user, "manage")
        if _is_traeger(user):
            return position_policy.instances_for(user, "view").filter(
                Q(employer_id=user.traeger_id)
            )
        return Position.objects.none()

    def can_confirm(self, user, obj) -> bool:
        if not (policy.is_planner(user) and policy.in_scope(user, _position_of(obj) or obj)):
            return False
        if isinstance(obj, ActualCost):
            return obj.state == CostState.REPORTED and not self.reason_not(user, "confirm", obj)
        return True

    def confirm_queryset(self, user) -> QuerySet[ActualCost]:
        if not policy.is_planner(user):
            return ActualCost.objects.none()
        return self._base().filter(policy.jugendamt_scope(user, "position__budget_year__jugendamt"))

    def reason_not(self, user, action: str, obj=None) -> str:
        if action == "confirm" and isinstance(obj, ActualCost):
            if obj.state != CostState.REPORTED:
                return _("Diese Ist-Kosten sind schon bestätigt.")
            if obj.supersedes_id and obj.reported_by_id == getattr(user, "pk", None):
                return _(
                    "Sie haben diese Korrektur vorgeschlagen; bestätigen muss sie eine zweite "
                    "Person (Vier-Augen-Prinzip)."
                )
        return ""


actual_cost_policy = policy.register(ActualCostPolicy())
