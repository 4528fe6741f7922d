"""Rules about master data: who sees which Kita, who fills in its questionnaire, who
manages people. Built on ``srb_project.policy``; object test and queryset side by side."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sozialraeume.models import Jugendamt, Kita, RoleGrantRequest, User
from srb_project import policy, roles


class KitaPolicy(policy.BasePolicy):
    """view / view_detail: Jugendamt staff of the Kita's Jugendamt, its leaders and its
    Träger (never the committee: no per-Kita values for it). fill_questionnaire: only the
    Kita's own leader (without a Kita: whether the user leads any)."""

    model = Kita
    actions = ("view", "view_detail", "fill_questionnaire")

    def can_view(self, user, kita) -> bool:
        if kita is None:
            return policy.is_staff(user) or policy.has_role(user, roles.KITA_LEITUNG, roles.TRAEGER)
        if policy.is_staff(user):
            return policy.same_jugendamt(user, kita.sozialraum.jugendamt_id)
        if policy.has_role(user, roles.KITA_LEITUNG) and kita.pk in policy.led_kita_ids(user):
            return True
        return policy.has_role(user, roles.TRAEGER) and user.traeger_id == kita.traeger_id

    def view_queryset(self, user) -> QuerySet[Kita]:
        qs = Kita.objects.select_related("sozialraum", "traeger")
        if policy.is_staff(user):
            return qs.filter(policy.jugendamt_scope(user, "sozialraum__jugendamt"))
        filters = qs.none()
        if policy.has_role(user, roles.KITA_LEITUNG):
            filters = filters | qs.filter(pk__in=policy.led_kita_ids(user))
        if policy.has_role(user, roles.TRAEGER) and user.traeger_id:
            filters = filters | qs.filter(traeger_id=user.traeger_id)
        return filters

    can_view_detail = can_view
    view_detail_queryset = view_queryset

    def can_fill_questionnaire(self, user, kita) -> bool:
        if not policy.has_role(user, roles.KITA_LEITUNG):
            return False
        return kita is None or kita.pk in policy.led_kita_ids(user)

    def fill_questionnaire_queryset(self, user) -> QuerySet[Kita]:
        if not policy.has_role(user, roles.KITA_LEITUNG):
            return Kita.objects.none()
        return Kita.objects.filter(pk__in=policy.led_kita_ids(user)).select_related(
            "sozialraum", "traeger"
        )


# Roles whose holders Jugendamt staff may invite and look after (``manage``); everyone
# else is the business of ``manage_roles``.
INVITABLE_ROLES = (roles.KITA_LEITUNG, roles.TRAEGER)
# Roles that a second person holding Administration has to confirm (RoleGrantRequest).
FOUR_EYES_ROLES = (roles.JUGENDAMT_LEITUNG, roles.ADMINISTRATION)
_NOT_INVITABLE = [r for r in roles.ALL_ROLES if r not in INVITABLE_ROLES]


def _may_manage_people(user) -> bool:
    return policy.is_superuser(user) or policy.has_role(user, *roles.STAFF_ROLES)


def _may_manage_roles(user) -> bool:
    return policy.is_superuser(user) or policy.has_role(user, roles.ADMINISTRATION)


class UserPolicy(policy.BasePolicy):
    """People of the own Jugendamt (the page "Personen").

    view: Jugendamt staff (Fachkraft, Leitung, Administration) and superusers see the
    people of their Jugendamt. manage: invite, re-send an invitation, send a password
    reset link, deactivate and reactivate Kita leaders and Träger representatives: the
    same staff (as for invitations before). manage_roles: grant and revoke roles and look
    after people of every role: Administration of the same Jugendamt and superusers.
    Nobody manages themselves, and only a superuser manages a superuser.
    """

    model = User
    actions = ("view", "manage", "change_active", "manage_roles")

    def _scope(self, user) -> QuerySet[User]:
        qs = User.objects.filter(policy.jugendamt_scope(user))
        if not policy.is_superuser(user):
            qs = qs.filter(is_superuser=False)
        return qs

    def _in_scope(self, user, other) -> bool:
        if other.is_superuser and not policy.is_superuser(user):
            return False
        return policy.same_jugendamt(user, other.jugendamt_id)

    def can_view(self, user, other) -> bool:
        if not _may_manage_people(user):
            return False
        return other is None or policy.same_jugendamt(user, other.jugendamt_id)

    def view_queryset(self, user) -> QuerySet[User]:
        if not _may_manage_people(user):
            return User.objects.none()
        return User.objects.filter(policy.jugendamt_scope(user))

    def can_manage_roles(self, user, other) -> bool:
        if not _may_manage_roles(user):
            return False
        if other is None:
            return True
        return other.pk != user.pk and self._in_scope(user, other)

    def manage_roles_queryset(self, user) -> QuerySet[User]:
        if not _may_manage_roles(user):
            return User.objects.none()
        return self._scope(user).exclude(pk=user.pk)

    def can_manage(self, user, other) -> bool:
        if not _may_manage_people(user):
            return False
        if other is None:
            return True
        if other.pk == user.pk:
            return False  # own password: "Passwort ändern"; own account: someone else
        if self.can_manage_roles(user, other):
            return True
        if not self._in_scope(user, other):
            return False
        return not (set(other.groups.values_list("name", flat=True)) & set(_NOT_INVITABLE))

    def manage_queryset(self, user) -> QuerySet[User]:
        if not _may_manage_people(user):
            return User.objects.none()
        scope = self._scope(user).exclude(pk=user.pk)
        if _may_manage_roles(user):
            return scope
        # people holding only Kita-Leitung / Träger-Vertretung (or no role yet)
        return scope.exclude(groups__name__in=_NOT_INVITABLE)

    # Deactivating and reactivating follow ``manage`` (never oneself); a separate action so
    # that pages and tests name it.
    can_change_active = can_manage
    change_active_queryset = manage_queryset


class RoleGrantRequestPolicy(policy.BasePolicy):
    """view: whoever may grant roles in the request's Jugendamt. confirm: a second person
    holding Administration there: not the requester, not the person who gets the role.
    reject: the same, and the requester (withdrawing the request)."""

    model = RoleGrantRequest
    actions = ("view", "confirm", "reject")

    def can_view(self, user, grant) -> bool:
        if not _may_manage_roles(user):
            return False
        return grant is None or policy.same_jugendamt(user, grant.jugendamt_id)

    def view_queryset(self, user) -> QuerySet[RoleGrantRequest]:
        if not _may_manage_roles(user):
            return RoleGrantRequest.objects.none()
        return RoleGrantRequest.objects.filter(policy.jugendamt_scope(user)).select_related(
            "user", "requested_by", "decided_by"
        )

    def can_confirm(self, user, grant) -> bool:
        if grant is None:
            return _may_manage_roles(user)
        if grant.requested_by_id == user.pk:
            return False
        return grant.jugendamt_id == grant.user.jugendamt_id and user_policy.user_can(
            user, "manage_roles", grant.user
        )

    def confirm_queryset(self, user) -> QuerySet[RoleGrantRequest]:
        return (
            self.view_queryset(user)
            .filter(user__in=user_policy.instances_for(user, "manage_roles"))
            .exclude(requested_by=user)
        )

    def can_reject(self, user, grant) -> bool:
        if grant is not None and grant.requested_by_id == user.pk:
            return self.can_view(user, grant)
        return self.can_confirm(user, grant)

    def reject_queryset(self, user) -> QuerySet[RoleGrantRequest]:
        return self.confirm_queryset(user) | self.view_queryset(user).filter(requested_by=user)

    def reason_not(self, user, action: str, obj=None) -> str:
        if action == "confirm" and obj is not None:
            if obj.requested_by_id == user.pk:
                return _(
                    "Sie haben die Rollenvergabe selbst beantragt: bestätigen muss eine "
                    "zweite Person mit der Rolle Administration."
                )
            if obj.user_id == user.pk:
                return _("Eine Rollenvergabe an Sie selbst bestätigt eine andere Person.")
        return ""


kita_policy = policy.register(KitaPolicy())
user_policy = policy.register(UserPolicy())
role_grant_policy = policy.register(RoleGrantRequestPolicy())


# --- master data in the admin (issue 13) ---


class MasterDataPolicy(policy.BasePolicy):
    """manage: create, change and delete Träger, Sozialräume and Kitas of the own Jugendamt
    (its staff; which of them may delete in the admin is the role's model permission);
    manage_jugendamt: create, change and delete a Jugendamt itself, only the platform
    operator, a superuser without a Jugendamt (README "Verwaltung (Admin)"): a superuser
    attached to a Jugendamt is held to it and reads it only.

    Object tests only: the admin lists the rows through ``JugendamtScopedAdmin``."""

    model = Jugendamt
    actions = ("manage", "manage_jugendamt")

    def can_manage(self, user, obj) -> bool:
        if isinstance(obj, Jugendamt):
            return self.can_manage_jugendamt(user, obj)
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def can_manage_jugendamt(self, user, jugendamt) -> bool:
        return policy.sees_all_jugendaemter(user)

    def manage_jugendamt_queryset(self, user) -> QuerySet[Jugendamt]:
        if not policy.sees_all_jugendaemter(user):
            return Jugendamt.objects.none()
        return Jugendamt.objects.all()


master_data_policy = MasterDataPolicy()
