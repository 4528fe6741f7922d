"""People by name in every template: ``{% load people %}{{ plan.approved_by|person }}``."""

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """The person's full name, their login only when no name is set (``User.display_name``);
    "–" for nobody."""
    if user is None or user == "":
        return "–"
    name = getattr(user, "display_name", None)
    return name if name else str(user)
