"""What a plan page shows of the Sozialraum's FS2 centre (issue 15):
``{% centre_warning plan as warning %}`` is None where the Sozialraum has an active centre,
else ``{"url": ...}`` (the centres page, for those who may manage centres) or ``{}``."""

from django import template
from django.urls import reverse

from foerderung import selectors
from foerderung.permissions import centre_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def centre_warning(context, plan):
    if selectors.active_centre(plan.sozialraum_id) is not None:
        return None
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is not None and centre_policy.user_can(user, "manage", plan.sozialraum):
        return {"url": reverse("foerderung:centre_create", args=[plan.sozialraum_id])}
    return {}
