"""The Kita leader's start page asks which plans of their Kita's Sozialraum are in
consultation (issue 15): ``{% load consultation %}{% kita_consultations kita as plans %}``."""

from django import template

from allocation.models import PlanState
from allocation.permissions import plan_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def kita_consultations(context, kita):
    """The plans in consultation the user may comment on as this Kita's leader."""
    user = context["request"].user
    return list(
        plan_policy.instances_for(user, "comment_as_kita")
        .filter(sozialraum_id=kita.sozialraum_id, state=PlanState.CONSULTATION)
        .order_by("budget_year__year")
    )
