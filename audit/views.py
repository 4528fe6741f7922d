"""The Jugendamt's audit list (``/protokoll/``): every recorded event, newest first.

Staff of the Jugendamt only (``audit_policy`` "view"); others get 403, as for the
other Jugendamt-wide pages. The per-object histories live with their objects' apps.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit import selectors
from audit.display import event_rows
from audit.events import registered_actions
from audit.permissions import audit_policy

EVENTS_PER_PAGE = 100


@require_GET
@login_required
def event_list(request):
    if not audit_policy.user_can(request.user, "view"):
        raise PermissionDenied
    actions = sorted(registered_actions(), key=lambda a: str(a.label))
    codes = {a.code for a in actions}
    action = request.GET.get("aktion", "")
    if action not in codes:
        action = ""
    paginator = Paginator(
        selectors.jugendamt_events(user=request.user, action=action), EVENTS_PER_PAGE
    )
    page = paginator.get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "audit/event_list.html",
        {
            "actions": [(a.code, str(a.label)) for a in actions],
            "action": action,
            "page": page,
            "events": event_rows(page.object_list),
            "page_query": query.urlencode(),
        },
    )
