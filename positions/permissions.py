"""Rules about positions, actual costs and the proof of use (issue 16), on
``srb_project.policy``.

Positions are seen by the Jugendamt's staff and by the employing Träger (only their own
positions: ``Position.employer``); Kita leaders and the committee see none (the committee
reads the budget execution at Sozialraum level in the report).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from positions.models import Position, ProofSignOff, Qualification
from srb_project import policy, roles


def _is_traeger(user) -> bool:
    return policy.has_role(user, roles.TRAEGER) and bool(getattr(user, "traeger_id", None))


class PositionPolicy(policy.BasePolicy):
    """view: staff of the position's Jugendamt; a Träger the positions it employs.
    manage (create from approved lines, change, months, shares, qualification check):
    Jugendamt (Fachkraft) and Leitung of that Jugendamt. ``obj`` a position, a budget
    year / Jugendamt (the action as such there) or None."""

    model = Position
    actions = ("view", "manage")

    def _base(self) -> QuerySet[Position]:
        return Position.objects.select_related(
            "budget_year", "kita", "kita__sozialraum", "employer", "qualification"
        )

    def can_view(self, user, obj) -> bool:
        if obj is None or not isinstance(obj, Position):
            return (
                policy.is_staff(user)
                and policy.in_scope(user, obj)
                or (obj is None and _is_traeger(user))
            )
        if policy.is_staff(user) and policy.same_jugendamt(user, obj.jugendamt_id):
            return True
        return _is_traeger(user) and obj.employer_id == user.traeger_id

    def view_queryset(self, user) -> QuerySet[Position]:
        if policy.is_staff(user):
            return self._base().filter(policy.jugendamt_scope(user, "budget_year__jugendamt"))
        if _is_traeger(user):
            return self._base().filter(Q(employer_id=user.traeger_id))
        return Position.objects.none()

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[Position]:
        if not policy.is_planner(user):
            return Position.objects.none()
        return self._base().filter(policy.jugendamt_scope(user, "budget_year__jugendamt"))


position_policy = policy.register(PositionPolicy())


class QualificationPolicy(policy.BasePolicy):
    """The qualification catalogue (Fachkräfteverordnung RLP) of a Jugendamt (issue 16, P1).
    view: the Jugendamt's staff. manage (add, deactivate): Jugendamt (Fachkraft) and
    Leitung. ``obj`` a qualification, a Jugendamt or None."""

    model = Qualification
    actions = ("view", "manage")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[Qualification]:
        if not policy.is_staff(user):
            return Qualification.objects.none()
        return Qualification.objects.filter(policy.jugendamt_scope(user))

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[Qualification]:
        if not policy.is_planner(user):
            return Qualification.objects.none()
        return Qualification.objects.filter(policy.jugendamt_scope(user))


qualification_policy = policy.register(QualificationPolicy())


class ProofSignOffPolicy(policy.BasePolicy):
    """The proof of use for the Land and its sign-off (issue 16).
    view (the page, the PDF and the XLSX, the sign-offs): the Jugendamt's staff.
    sign_off: the Jugendamt-Leitung of that Jugendamt (and a superuser of it): the Land
    asks the head of the office to confirm the proof. ``obj`` a sign-off, a budget year,
    a Jugendamt or None."""

    model = ProofSignOff
    actions = ("view", "sign_off")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[ProofSignOff]:
        if not policy.is_staff(user):
            return ProofSignOff.objects.none()
        return ProofSignOff.objects.filter(policy.jugendamt_scope(user, "budget_year__jugendamt"))

    def can_sign_off(self, user, obj) -> bool:
        leitung = policy.is_superuser(user) or policy.has_role(user, roles.JUGENDAMT_LEITUNG)
        return leitung and policy.in_scope(user, obj)

    def sign_off_queryset(self, user) -> QuerySet[ProofSignOff]:
        if not self.can_sign_off(user, None):
            return ProofSignOff.objects.none()
        return self.view_queryset(user)


proof_signoff_policy = policy.register(ProofSignOffPolicy())
