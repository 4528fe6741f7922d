"""The six roles (Django groups) as data: names and German labels.

Bottom layer: the policy base and every app's rules read these names; which model
permissions each group carries (for the Django admin) is ``sozialraeume.roles``.
"""

from django.utils.translation import gettext_lazy as _

KITA_LEITUNG = "Kita-Leitung"
TRAEGER = "Träger-Vertretung"
JUGENDAMT = "Jugendamt"
JUGENDAMT_LEITUNG = "Jugendamt-Leitung"
AUSSCHUSS = "Jugendhilfeausschuss"
ADMINISTRATION = "Administration"

ALL_ROLES = [KITA_LEITUNG, TRAEGER, JUGENDAMT, JUGENDAMT_LEITUNG, AUSSCHUSS, ADMINISTRATION]
# Roles that see everything of their Jugendamt.
STAFF_ROLES = {JUGENDAMT, JUGENDAMT_LEITUNG, ADMINISTRATION}
# Roles that prepare rounds, indices and plans.
PLANNER_ROLES = {JUGENDAMT, JUGENDAMT_LEITUNG}

ROLE_LABELS = {
    KITA_LEITUNG: _("Kita-Leitung"),
    TRAEGER: _("Träger-Vertretung"),
    JUGENDAMT: _("Jugendamt (Fachkraft)"),
    JUGENDAMT_LEITUNG: _("Jugendamt-Leitung"),
    AUSSCHUSS: _("Jugendhilfeausschuss"),
    ADMINISTRATION: _("Administration"),
}
