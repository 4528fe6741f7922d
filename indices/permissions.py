"""Rules about index runs and the evaluation pages (/auswertung/), on ``srb_project.policy``.

Per-Kita values of one Kita are ``sozialraeume.permissions.kita_policy`` ("view_detail").
"""

from __future__ import annotations

from django.db.models import QuerySet

from indices.models import IndexRun
from srb_project import policy


def _jugendamt_of(obj):
    if isinstance(obj, IndexRun):
        return obj.round.jugendamt_id
    return policy.jugendamt_id_of(obj)


class EvaluationPolicy(policy.BasePolicy):
    """view / export_kita_data: Jugendamt staff of the run's Jugendamt (the per-Kita
    tables; never the committee). start_computation: those who manage rounds. ``obj``
    is a run, a Jugendamt or its id, or None (the action as such)."""

    model = IndexRun
    actions = ("view", "start_computation", "export_kita_data")

    def _in_scope(self, user, obj) -> bool:
        return obj is None or policy.same_jugendamt(user, _jugendamt_of(obj))

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and self._in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[IndexRun]:
        if not policy.is_staff(user):
            return IndexRun.objects.none()
        return IndexRun.objects.filter(policy.jugendamt_scope(user, "round__jugendamt"))

    can_export_kita_data = can_view
    export_kita_data_queryset = view_queryset

    def can_start_computation(self, user, obj) -> bool:
        return policy.is_planner(user) and self._in_scope(user, obj)

    def start_computation_queryset(self, user) -> QuerySet[IndexRun]:
        if not policy.is_planner(user):
            return IndexRun.objects.none()
        return IndexRun.objects.filter(policy.jugendamt_scope(user, "round__jugendamt"))


evaluation_policy = policy.register(EvaluationPolicy())
