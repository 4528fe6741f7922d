"""The transition rule on the budget year page (issue 18)::

{% load transition %}
{% transition_box selected form=transition_form can_manage=can_manage %}
"""

from django import template

from allocation.forms_transition import TransitionForm
from allocation.selectors_transition import transition_summary

register = template.Library()


@register.inclusion_tag("allocation/_transition.html")
def transition_box(budget_year, form=None, can_manage=False):
    """The rule's explanation, the target and transitional amounts, and (for planners)
    the form; a form that failed comes back with what was typed."""
    if not form:  # none in the context: "" from the template
        form = TransitionForm(initial={"transition_cap": budget_year.transition_cap})
    return {
        "budget_year": budget_year,
        "summary": transition_summary(budget_year),
        "form": form,
        "can_manage": can_manage,
    }
