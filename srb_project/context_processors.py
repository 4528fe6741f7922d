"""Navigation entries for the base layout, decided by the permission policy."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from allocation.permissions import plan_policy
from evaluation.permissions import instrument_policy
from foerderung.permissions import centre_policy, fs4_request_policy
from indices.permissions import evaluation_policy
from knowledge.permissions import child_picture_policy, document_policy
from network.permissions import network_policy
from positions.permissions import position_policy
from positions.permissions_costs import actual_cost_policy
from reports.permissions import report_policy
from sozialraeume.permissions import kita_policy, user_policy
from srb_project import policy
from surveys.permissions import round_policy
from teams.permissions import team_policy

# (url name, label, policy, action): a link shows when the user may do the page's action
# as such (the rule asked without an object); the admin comes last.
_NAV = [
    ("reports:dashboard", _("Übersicht"), report_policy, "view_staff_dashboard"),
    ("surveys:kita_overview", _("Erhebung"), kita_policy, "fill_questionnaire"),
    ("surveys:round_list", _("Erhebungsrunden"), round_policy, "manage"),
    ("indices:overview", _("Auswertung"), evaluation_policy, "view"),
    ("indices:my_kita", _("Meine Ergebnisse"), report_policy, "view_kita_dashboard"),
    # Träger: their Kitas' own results (the same page lists them; issue 14)
    ("indices:my_kita", _("Ergebnisse meiner Kitas"), report_policy, "view_traeger_dashboard"),
    ("allocation:plan_list", _("Verteilung"), plan_policy, "view"),
    ("teams:team_list", _("Sozialraum-Teams"), team_policy, "view"),
    # Issue 15: the FS2 centres (staff) and FS4 requests (staff, Kita leaders, Träger)
    ("foerderung:centre_list", _("Zentren"), centre_policy, "view"),
    ("foerderung:fs4_list", _("FS4-Anträge"), fs4_request_policy, "view"),
    # Issue 16: positions (staff; a Träger the positions it employs)
    ("positions:position_list", _("Stellen"), position_policy, "view"),
    # issue 16, part P2: actual costs (staff; a Träger those of the positions it employs)
    ("positions:cost_years", _("Ist-Kosten"), actual_cost_policy, "view"),
    # Issue 17: the network analysis (staff; the committee at Sozialraum level), the
    # evaluation survey (staff), the document box and the children's perspective
    ("network:round_list", _("Netzwerk"), network_policy, "view"),
    ("evaluation:instrument_list", _("Evaluation"), instrument_policy, "view"),
    ("knowledge:document_list", _("Dokumente"), document_policy, "view"),
    ("knowledge:picture_list", _("Kinderperspektive"), child_picture_policy, "view"),
    ("reports:committee_latest", _("Berichte"), report_policy, "view_committee_report"),
    ("sozialraeume:people_list", _("Personen"), user_policy, "view"),
]
_ADMIN = ("admin:index", _("Verwaltung"))


def navigation(request) -> dict:
    """The base layout's menu: one link per page the user may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    links = [(name, label) for name, label, rule, action in _NAV if rule.user_can(user, action)]
    if policy.can_access_admin(user):
        links.append(_ADMIN)
    items, seen = [], set()
    for name, label in links:
        url = reverse(name)
        if url in seen:  # one page, one entry (a Kita leader who is also a Träger)
            continue
        seen.add(url)
        items.append({"url": url, "label": label, "active": False})
    # Exactly one active entry: the longest URL the path starts with ("/berichte/start/"
    # is Übersicht, not also Berichte at "/berichte/").
    matching = [item for item in items if request.path.startswith(item["url"])]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"nav_items": items}
