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

_STAFF_APPS = ("audit", "sozialraeume", "surveys", "indices", "allocation")
# (app_label, codename prefixes) per role; "view" only where a role merely reads.
ROLE_PERMISSIONS = {
    KITA_LEITUNG: [],
    TRAEGER: [],
    AUSSCHUSS: [],
    JUGENDAMT: [(app, ("view", "add", "change")) for app in _STAFF_APPS],
    JUGENDAMT_LEITUNG: [(app, ("view", "add", "change")) for app in _STAFF_APPS],
    ADMINISTRATION: [(app, ("view", "add", "change", "delete")) for app in _STAFF_APPS]
    + [("auth", ("view", "add", "change")), ("axes", ("view", "delete"))],
}
# Models whose rows may never be changed or deleted through the application.
APPEND_ONLY_MODELS = {"auditevent", "indexrun", "kitaindex", "sozialraumindex"}


def sync_role_groups(sender=None, **kwargs):
    """Create the role groups and give them their model permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    for role, grants in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        perms = []
        for app_label, verbs in grants:
            for perm in Permission.objects.filter(content_type__app_label=app_label):
                verb = perm.codename.split("_", 1)[0]
                model = perm.codename.split("_", 1)[-1]
                if verb not in verbs:
                    continue
                if model in APPEND_ONLY_MODELS and verb in ("change", "delete"):
                    continue
                perms.append(perm)
        group.permissions.set(perms)
