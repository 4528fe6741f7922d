"""Rules about budget years and plans, on ``srb_project.policy``."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from allocation.models import AllocationPlan, BudgetYear, PlanState, Reallocation
from sozialraeume.models import Kita
from srb_project import policy, roles


class BudgetYearPolicy(policy.BasePolicy):
    """view: Jugendamt staff of the year's Jugendamt. manage (shares, plans,
    reallocations, rates): Jugendamt (Fachkraft) and Leitung. ``obj`` a budget year, a
    Jugendamt or its id, or None."""

    model = BudgetYear
    actions = ("view", "manage")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[BudgetYear]:
        if not policy.is_staff(user):
            return BudgetYear.objects.none()
        return BudgetYear.objects.filter(policy.jugendamt_scope(user))

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[BudgetYear]:
        if not policy.is_planner(user):
            return BudgetYear.objects.none()
        return BudgetYear.objects.filter(policy.jugendamt_scope(user))


class PlanPolicy(policy.BasePolicy):
    """view: staff of the plan's Jugendamt; a Träger the plans of Sozialräume with their
    Kitas once they are no longer a draft (a Träger never sees a draft). edit: Jugendamt
    (Fachkraft) and Leitung. comment: editors, and Träger who may view it. approve: only
    the Jugendamt-Leitung (the four-eyes rule, not the last editor, is checked by the
    approval service because it needs the plan's history); the same right takes a
    decision back and shortens the Träger's consultation (the model's transitions and
    ``workflow.plan_consultation_shorten`` ask it)."""

    model = AllocationPlan
    actions = (
        "view",
        "edit",
        "comment",
        "approve",
        "view_kita_lines",
        "comment_as_kita",
        "answer_comment",
        "accept_exception",
    )

    def _is_traeger(self, user) -> bool:
        return policy.has_role(user, roles.TRAEGER) and bool(user.traeger_id)

    def _traeger_sees(self, user, plan) -> bool:
        return (
            self._is_traeger(user)
            and plan.state != PlanState.DRAFT
            and plan.sozialraum.kitas.filter(traeger_id=user.traeger_id).exists()
        )

    def _traeger_scope(self, user) -> Q:
        """The list side of ``_traeger_sees`` (a subquery, so no join duplicates rows)."""
        if not self._is_traeger(user):
            return Q(pk__in=[])
        sozialraum_ids = Kita.objects.filter(traeger_id=user.traeger_id).values("sozialraum_id")
        return Q(sozialraum_id__in=sozialraum_ids) & ~Q(state=PlanState.DRAFT)

    def can_view(self, user, plan) -> bool:
        if plan is None:
            return policy.is_staff(user) or self._is_traeger(user)
        if policy.is_staff(user):
            return policy.same_jugendamt(user, plan.sozialraum.jugendamt_id)
        return self._traeger_sees(user, plan)

    def view_queryset(self, user) -> QuerySet[AllocationPlan]:
        qs = AllocationPlan.objects.select_related("sozialraum", "budget_year")
        if policy.is_staff(user):
            return qs.filter(policy.jugendamt_scope(user, "sozialraum__jugendamt"))
        return qs.filter(self._traeger_scope(user))

    # view_kita_lines: whose plans' lines (and their history) a Kita page may show. Staff
    # and Träger as "view"; a Kita leader the plans of their Kita's Sozialraum once they
    # are no longer a draft (the page then shows only that Kita's lines).
    def _leader_scope(self, user) -> Q:
        if not policy.has_role(user, roles.KITA_LEITUNG):
            return Q(pk__in=[])
        sozialraum_ids = Kita.objects.filter(pk__in=policy.led_kita_ids(user)).values(
            "sozialraum_id"
        )
        return Q(sozialraum_id__in=sozialraum_ids) & ~Q(state=PlanState.DRAFT)

    def can_view_kita_lines(self, user, plan) -> bool:
        if plan is None:
            return self.can_view(user, None) or policy.has_role(user, roles.KITA_LEITUNG)
        if self.can_view(user, plan):
            return True
        return (
            policy.has_role(user, roles.KITA_LEITUNG)
            and plan.state != PlanState.DRAFT
            and plan.sozialraum.kitas.filter(pk__in=policy.led_kita_ids(user)).exists()
        )

    def view_kita_lines_queryset(self, user) -> QuerySet[AllocationPlan]:
        return self.view_queryset(user) | AllocationPlan.objects.filter(self._leader_scope(user))

    def can_edit(self, user, plan) -> bool:
        return policy.is_planner(user) and (
            plan is None or policy.same_jugendamt(user, plan.sozialraum.jugendamt_id)
        )

    def edit_queryset(self, user) -> QuerySet[AllocationPlan]:
        if not policy.is_planner(user):
            return AllocationPlan.objects.none()
        return AllocationPlan.objects.filter(
            policy.jugendamt_scope(user, "sozialraum__jugendamt")
        ).select_related("sozialraum", "budget_year")

    def can_comment(self, user, plan) -> bool:
        return self.can_edit(user, plan) or (plan is not None and self._traeger_sees(user, plan))

    def comment_queryset(self, user) -> QuerySet[AllocationPlan]:
        # Not the view list: the Administration reads plans but does not comment.
        traeger = AllocationPlan.objects.filter(self._traeger_scope(user))
        return (self.edit_queryset(user) | traeger).select_related("sozialraum", "budget_year")

    # Issue 15. comment_as_kita: a Kita leader whose Kita lies in the plan's Sozialraum,
    # once the plan is no longer a draft (the page shows only that Kita's lines; the
    # comment service allows it only while the plan is in consultation and only on lines
    # of the leader's own Kita). answer_comment: the plan's editors (Jugendamt planners)
    # answer comments. accept_exception: the Jugendamt-Leitung accepts an FS3 exception's
    # justification (the second-person rule, not the line's last editor, is
    # ``services.exceptions.exception_refusal``: it needs the line).
    def can_comment_as_kita(self, user, plan) -> bool:
        if not policy.has_role(user, roles.KITA_LEITUNG):
            return False
        if plan is None:
            return True
        return (
            plan.state != PlanState.DRAFT
            and plan.sozialraum.kitas.filter(pk__in=policy.led_kita_ids(user)).exists()
        )

    def comment_as_kita_queryset(self, user) -> QuerySet[AllocationPlan]:
        return AllocationPlan.objects.filter(self._leader_scope(user)).select_related(
            "sozialraum", "budget_year"
        )

    def can_answer_comment(self, user, plan) -> bool:
        return self.can_edit(user, plan)

    def answer_comment_queryset(self, user) -> QuerySet[AllocationPlan]:
        return self.edit_queryset(user)

    def can_accept_exception(self, user, plan) -> bool:
        return self.can_approve(user, plan)

    def accept_exception_queryset(self, user) -> QuerySet[AllocationPlan]:
        return self.approve_queryset(user)

    def can_approve(self, user, plan) -> bool:
        return policy.has_role(user, roles.JUGENDAMT_LEITUNG) and (
            plan is None or policy.same_jugendamt(user, plan.sozialraum.jugendamt_id)
        )

    def approve_queryset(self, user) -> QuerySet[AllocationPlan]:
        if not policy.has_role(user, roles.JUGENDAMT_LEITUNG):
            return AllocationPlan.objects.none()
        return AllocationPlan.objects.filter(
            policy.jugendamt_scope(user, "sozialraum__jugendamt")
        ).select_related("sozialraum", "budget_year")


class ReallocationPolicy(policy.BasePolicy):
    """view: Jugendamt staff of the year's Jugendamt. propose: whoever manages the budget
    year (Fachkraft and Leitung). decide (approve or reject a proposal): the
    Jugendamt-Leitung of that Jugendamt, never for a proposal they made themselves
    (four eyes). ``obj`` a reallocation, or None for the action as such."""

    model = Reallocation
    actions = ("view", "propose", "decide")

    def _scope(self, user):
        return Reallocation.objects.filter(
            policy.jugendamt_scope(user, "budget_year__jugendamt")
        ).select_related("budget_year", "from_sozialraum", "to_sozialraum", "to_kita")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[Reallocation]:
        if not policy.is_staff(user):
            return Reallocation.objects.none()
        return self._scope(user)

    def can_propose(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def propose_queryset(self, user) -> QuerySet[Reallocation]:
        if not policy.is_planner(user):
            return Reallocation.objects.none()
        return self._scope(user)

    def can_decide(self, user, obj) -> bool:
        if not policy.has_role(user, roles.JUGENDAMT_LEITUNG) or not policy.in_scope(user, obj):
            return False
        return obj is None or obj.created_by_id != user.pk

    def decide_queryset(self, user) -> QuerySet[Reallocation]:
        if not policy.has_role(user, roles.JUGENDAMT_LEITUNG):
            return Reallocation.objects.none()
        return self._scope(user).exclude(created_by=user)


budget_year_policy = policy.register(BudgetYearPolicy())
plan_policy = policy.register(PlanPolicy())
reallocation_policy = policy.register(ReallocationPolicy())
