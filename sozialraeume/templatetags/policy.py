"""Templates ask the permission policy: ``{% user_can "approve" plan as may_approve %}``."""

from django import template

from srb_project import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def user_can(context, action: str, obj) -> bool:
    """Whether the request's user may do ``action`` on ``obj`` (by the object's policy)."""
    found = policy.policy_for(obj)
    request = context.get("request")
    if found is None or request is None:
        return False
    return found.user_can(request.user, action, obj)
