"""The six roles as Django groups and the model permissions each group carries.

Group names are user-facing (German). Object-level decisions (which Kita, which
Jugendamt) are made by the permission policy (``srb_project.policy`` and each app's
``permissions.py``); these model permissions are
what the Django admin needs to show a model at all.
"""

# The role names and labels are the bottom layer's (``srb_project.roles``); re-exported
# here because this module is where the master data speaks of roles.
from srb_project.roles import (  # noqa: E402, F401
    ADMINISTRATION,
    ALL_ROLES,
    AUSSCHUSS,
    JUGENDAMT,
    JUGENDAMT_LEITUNG,
    KITA_LEITUNG,
    PLANNER_ROLES,
    ROLE_LABELS,
    STAFF_ROLES,
    TRAEGER,
)

_STAFF_APPS = (
    "audit",
    "sozialraeume",
    "surveys",
    "indices",
    "foerderung",
    "allocation",
    "positions",
    "teams",
)
# (app_label, codename prefixes) per role; "view" only where a role merely reads.
ROLE_PERMISSIONS = {
    KITA_LEITUNG: [],
    TRAEGER: [],
    AUSSCHUSS: [],
    JUGENDAMT: [(app, ("view", "add", "change")) for app in _STAFF_APPS],
    JUGENDAMT_LEITUNG: [(app, ("view", "add", "change")) for app in _STAFF_APPS],
    ADMINISTRATION: [(app, ("view", "add", "change", "delete")) for app in _STAFF_APPS],
}
# No role carries a permission of these apps: users' groups and permissions (``auth``)
# and the login-throttling records (``axes``) are administered by superusers only
# (issue 13: a tenant's Administration renamed a global group, saw every login attempt).
SUPERUSER_ONLY_APPS = {"auth", "axes"}
# ... nor of these models of our apps: people and roles are managed on the page
# "Personen" through audited services (four eyes for Leitung and Administration), the
# Jugendämter themselves by the platform's operator.
SUPERUSER_ONLY_MODELS = {"user", "jugendamt", "rolegrantrequest"}
# Models whose rows may never be changed or deleted through the application.
APPEND_ONLY_MODELS = {"auditevent", "indexrun", "kitaindex", "sozialraumindex"}


def sync_role_groups(sender=None, **kwargs):
    """Create the role groups and give them their model permissions (idempotent; runs
    after every migrate, so a permission removed here is taken from the groups there)."""
    from django.contrib.auth.models import Group, Permission

    for role, grants in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for app_label, verbs in grants:
            if app_label in SUPERUSER_ONLY_APPS:
                continue
            for perm in Permission.objects.filter(content_type__app_label=app_label).select_related(
                "content_type"
            ):
                verb = perm.codename.split("_", 1)[0]
                model = perm.codename.split("_", 1)[-1]
                if verb not in verbs:
                    continue
                if perm.content_type.model in SUPERUSER_ONLY_MODELS:
                    continue
                if model in APPEND_ONLY_MODELS and verb in ("change", "delete"):
                    continue
                perms.append(perm)
        group.permissions.set(perms)
