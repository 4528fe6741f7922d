"""The base of THE permission policy: who a user is, and the shape every rule takes.

Modelled on Wagtail's ``permission_policies/base.py``: one policy object per kind of
object, and per action the object test and the queryset of what a user may see side by
side. Each app writes its rules in ``<app>/permissions.py`` on this base; views,
templates (``{% user_can %}`` from ``sozialraeume.templatetags.policy``), the admin and
services ask those policies, never a role directly. "Not yours" and "does not exist"
look the same: views fetch objects through ``instances_for`` and answer 404.

This module is the bottom layer: it imports no app.
"""

from __future__ import annotations

from django.db.models import Model, Q, QuerySet

from srb_project import roles

# --- who the user is -------------------------------------------------------------------


def is_active(user) -> bool:
    """Logged in and not deactivated."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))


def role_names(user) -> set[str]:
    """The user's role (group) names, cached on the user object for the request."""
    if not is_active(user):
        return set()
    cached = getattr(user, "_srb_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._srb_roles = cached
    return cached


def has_role(user, *names: str) -> bool:
    """The user holds at least one of the named roles."""
    return bool(role_names(user) & set(names))


def is_superuser(user) -> bool:
    return bool(is_active(user) and getattr(user, "is_superuser", False))


def is_staff(user) -> bool:
    """Jugendamt roles (incl. superusers): the full view of their Jugendamt's data."""
    return is_superuser(user) or has_role(user, *roles.STAFF_ROLES)


def is_planner(user) -> bool:
    """Jugendamt (Fachkraft) and Leitung, and superusers: rounds, indices, plans."""
    return is_superuser(user) or has_role(user, *roles.PLANNER_ROLES)


def sees_all_jugendaemter(user) -> bool:
    """Only a superuser without a Jugendamt works across Jugendämter."""
    return is_superuser(user) and user.jugendamt_id is None


def same_jugendamt(user, jugendamt_id) -> bool:
    """The object's Jugendamt is the user's (a superuser with a Jugendamt is held to it)."""
    if sees_all_jugendaemter(user):
        return True
    return user.jugendamt_id is not None and user.jugendamt_id == jugendamt_id


def jugendamt_scope(user, path: str = "jugendamt") -> Q:
    """The filter that keeps a queryset to the user's Jugendamt (``path`` = the lookup).

    The list side of ``same_jugendamt``: a user without a Jugendamt (and not a superuser
    without one) gets nothing, not the rows whose Jugendamt is empty."""
    if sees_all_jugendaemter(user):
        return Q()
    if user.jugendamt_id is None:
        return Q(pk__in=[])
    return Q(**{f"{path}_id": user.jugendamt_id})


def jugendamt_id_of(obj) -> int | None:
    """The Jugendamt an object belongs to. ``obj`` is a model instance with a
    ``jugendamt_id`` (or a ``sozialraum``), a Jugendamt, or a Jugendamt's id where an
    action concerns the Jugendamt as a whole (e.g. creating a round); None for none."""
    if obj is None:
        return None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, Model) and obj._meta.label_lower == "sozialraeume.jugendamt":
        return obj.pk
    if hasattr(obj, "jugendamt_id"):
        return obj.jugendamt_id
    sozialraum = getattr(obj, "sozialraum", None)
    if sozialraum is not None:
        return sozialraum.jugendamt_id
    raise TypeError(f"no Jugendamt known for {type(obj).__name__}")


def in_scope(user, obj) -> bool:
    """No object given (the action as such), or the object is in the user's Jugendamt."""
    return obj is None or same_jugendamt(user, jugendamt_id_of(obj))


def led_kita_ids(user) -> set[int]:
    """Ids of the Kitas the user leads (cached for the request)."""
    if not is_active(user):
        return set()
    cached = getattr(user, "_srb_kita_ids", None)
    if cached is None:
        cached = set(user.kitas.values_list("id", flat=True))
        user._srb_kita_ids = cached
    return cached


def can_access_admin(user) -> bool:
    """The Django admin (Verwaltung): Jugendamt staff with the staff flag."""
    return is_staff(user) and bool(getattr(user, "is_staff", False))


# --- the shape of a rule ---------------------------------------------------------------


class BasePolicy:
    """Rules about one kind of object.

    A subclass lists its ``actions``; for each it defines ``can_<action>(user, obj)``
    (``obj`` may be None for actions on the whole kind, e.g. "manage rounds") and, for
    actions that list objects, ``<action>_queryset(user)``. Inactive and anonymous users
    may do nothing.
    """

    model: type[Model] | None = None
    actions: tuple[str, ...] = ()

    def _check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} knows no action {action!r}")

    def user_can(self, user, action: str, obj=None) -> bool:
        """May ``user`` do ``action`` (on ``obj``)?"""
        self._check_action(action)
        if not is_active(user):
            return False
        return bool(getattr(self, f"can_{action}")(user, obj))

    def instances_for(self, user, action: str = "view") -> QuerySet:
        """The objects ``user`` may do ``action`` on (the list side of the same rule)."""
        self._check_action(action)
        if not is_active(user):
            return self.model.objects.none()
        return getattr(self, f"{action}_queryset")(user)

    def reason_not(self, user, action: str, obj=None) -> str:
        """Why ``action`` is not possible now, in German, or "" (for buttons)."""
        return ""


# --- lookup by object, for templates ---------------------------------------------------

_BY_MODEL: dict[str, BasePolicy] = {}


def register(policy: BasePolicy) -> BasePolicy:
    """Make ``policy`` the one for its model (templates find it by the object)."""
    _BY_MODEL[policy.model._meta.label_lower] = policy
    return policy


def policy_for(obj) -> BasePolicy | None:
    """The registered policy of an object's model."""
    return _BY_MODEL.get(obj._meta.label_lower) if isinstance(obj, Model) else None
