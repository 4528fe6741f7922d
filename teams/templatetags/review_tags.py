"""``{% review_links as links %}``: which release and review pages the request's user may
open (asked of ``teams.permissions_review``), for the team page's links."""

from django import template

from teams.permissions_review import release_policy, review_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def review_links(context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return {}
    return {
        "reviews": review_policy.user_can(user, "view"),
        "releases": release_policy.user_can(user, "view"),
        "request": release_policy.user_can(user, "request"),
        "summary": release_policy.user_can(user, "view_summary"),
    }
