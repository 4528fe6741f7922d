"""Navigation entries for the base layout, decided by the permission policy."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sozialraeume import roles
from srb_project import permissions

# (url name, label, test) — a link shows when the policy's test passes.
_NAV = [
    ("reports:dashboard", _("Übersicht"), permissions.can_view_staff_dashboard),
    ("surveys:kita_overview", _("Erhebung"), lambda u: permissions.has_role(u, roles.KITA_LEITUNG)),
    ("surveys:round_list", _("Erhebungsrunden"), permissions.can_manage_rounds),
    ("indices:overview", _("Auswertung"), permissions.can_view_evaluation),
    (
        "indices:my_kita",
        _("Meine Ergebnisse"),
        lambda u: permissions.has_role(u, roles.KITA_LEITUNG),
    ),
    (
        "allocation:plan_list",
        _("Verteilung"),
        lambda u: permissions.is_jugendamt_staff(u) or permissions.has_role(u, roles.TRAEGER),
    ),
    ("reports:committee_latest", _("Berichte"), permissions.can_view_committee_report),
    ("invite_user", _("Einladen"), permissions.can_manage_users),
    ("admin:index", _("Verwaltung"), permissions.can_access_admin),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for name, label, test in _NAV:
        if test(user):
            url = reverse(name)
            items.append({"url": url, "label": label, "active": request.path.startswith(url)})
    return {"nav_items": items}
