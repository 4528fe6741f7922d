"""Rules about master data: who sees which Kita, who fills in its questionnaire, who
manages people. Built on ``srb_project.policy``; object test and queryset side by side."""

from __future__ import annotations

from django.db.models import QuerySet

from sozialraeume.models import Kita, User
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


class UserPolicy(policy.BasePolicy):
    """manage: invite and administer people of the own Jugendamt (Jugendamt roles and
    Administration; superusers)."""

    model = User
    actions = ("manage",)

    def can_manage(self, user, other) -> bool:
        allowed = policy.is_superuser(user) or policy.has_role(
            user, roles.JUGENDAMT, roles.JUGENDAMT_LEITUNG, roles.ADMINISTRATION
        )
        return allowed and (other is None or policy.same_jugendamt(user, other.jugendamt_id))

    def manage_queryset(self, user) -> QuerySet[User]:
        if not self.can_manage(user, None):
            return User.objects.none()
        return User.objects.filter(policy.jugendamt_scope(user))


kita_policy = policy.register(KitaPolicy())
user_policy = policy.register(UserPolicy())
