"""Rules about evaluation instruments and their waves, on ``srb_project.policy`` (issue 17).

- view (instruments, items, waves, progress, results with the free texts, the export):
  the Jugendamt's staff (Fachkraft, Leitung, Administration) of the instrument's Jugendamt.
- manage (create from the template, edit items, new version, wave dates, open, close,
  invite, remind): Jugendamt (Fachkraft) and Leitung of that Jugendamt.

Respondents have no account: their personal link is the permission (``evaluation.services
.invitation_for_token``). The committee reads the block means in its report only
(``evaluation.selectors.committee_summary``, small-cell rule), never a page of this app.
"""

from __future__ import annotations

from django.db.models import QuerySet

from evaluation.models import EvaluationInstrument, Wave
from srb_project import policy


class InstrumentPolicy(policy.BasePolicy):
    """``obj`` an instrument, a Jugendamt (or its id) where one is to be created, or None."""

    model = EvaluationInstrument
    actions = ("view", "manage")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[EvaluationInstrument]:
        if not policy.is_staff(user):
            return EvaluationInstrument.objects.none()
        return EvaluationInstrument.objects.filter(policy.jugendamt_scope(user))

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[EvaluationInstrument]:
        if not policy.is_planner(user):
            return EvaluationInstrument.objects.none()
        return EvaluationInstrument.objects.filter(policy.jugendamt_scope(user))


class WavePolicy(policy.BasePolicy):
    """The waves follow their instrument's rules."""

    model = Wave
    actions = ("view", "manage")

    def _scope(self, user):
        return policy.jugendamt_scope(user, "instrument__jugendamt")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[Wave]:
        if not policy.is_staff(user):
            return Wave.objects.none()
        return Wave.objects.filter(self._scope(user)).select_related("instrument")

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[Wave]:
        if not policy.is_planner(user):
            return Wave.objects.none()
        return Wave.objects.filter(self._scope(user)).select_related("instrument")


instrument_policy = policy.register(InstrumentPolicy())
wave_policy = policy.register(WavePolicy())
