"""Rules about FS2 centres and FS4 requests, on ``srb_project.policy`` (issue 15).

- Centres: the Jugendamt's staff see them (Administration reads), its planners
  (Fachkraft, Leitung) create, change and close them. Nobody else: a Kita or a Träger learns
  of the centre from the plan.
- FS4 requests: the Kita leader submits for a Kita they lead, the Träger for one of their
  Kitas; each sees the requests of those Kitas (a Kita leader never another Kita's). The
  Jugendamt's staff see all of their Jugendamt's, its planners decide them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from foerderung.models import Centre, Fs4Request, Fs4RequestState
from sozialraeume.models import Kita
from srb_project import policy, roles


class CentrePolicy(policy.BasePolicy):
    """view: staff of the centre's Jugendamt. manage (create, change, close): Jugendamt
    (Fachkraft) and Leitung of that Jugendamt. ``obj`` a centre, a Sozialraum (where a
    centre is to be created) or None (the action as such)."""

    model = Centre
    actions = ("view", "manage")

    def _scope(self, user) -> Q:
        return policy.jugendamt_scope(user, "sozialraum__jugendamt")

    def can_view(self, user, obj) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, obj)

    def view_queryset(self, user) -> QuerySet[Centre]:
        if not policy.is_staff(user):
            return Centre.objects.none()
        return Centre.objects.filter(self._scope(user)).select_related("sozialraum", "host_kita")

    def can_manage(self, user, obj) -> bool:
        return policy.is_planner(user) and policy.in_scope(user, obj)

    def manage_queryset(self, user) -> QuerySet[Centre]:
        if not policy.is_planner(user):
            return Centre.objects.none()
        return Centre.objects.filter(self._scope(user)).select_related("sozialraum", "host_kita")


def submittable_kitas(user) -> QuerySet[Kita]:
    """The Kitas ``user`` may submit an FS4 request for: a Kita leader's own Kitas, a
    Träger's Kitas (both, if someone holds both roles)."""
    qs = Kita.objects.select_related("sozialraum", "traeger").order_by("name")
    if not policy.is_active(user):
        return qs.none()
    ids: set[int] = set()
    if policy.has_role(user, roles.KITA_LEITUNG):
        ids |= policy.led_kita_ids(user)
    q = Q(pk__in=ids)
    if policy.has_role(user, roles.TRAEGER) and user.traeger_id:
        q |= Q(traeger_id=user.traeger_id)
    return qs.filter(q)


class Fs4RequestPolicy(policy.BasePolicy):
    """view: staff of the Kita's Jugendamt, the Kita's leaders and its Träger. submit: a
    Kita leader for a Kita they lead, a Träger for one of their Kitas (``obj`` a Kita, or
    None: "may submit at all"). decide (accept, decline): Jugendamt (Fachkraft) and Leitung
    of the Kita's Jugendamt, while the request is still submitted."""

    model = Fs4Request
    actions = ("view", "submit", "decide")

    def _staff_scope(self, user) -> Q:
        return policy.jugendamt_scope(user, "kita__sozialraum__jugendamt")

    def _own_kita(self, user, kita) -> bool:
        if policy.has_role(user, roles.KITA_LEITUNG) and kita.pk in policy.led_kita_ids(user):
            return True
        return bool(
            policy.has_role(user, roles.TRAEGER)
            and user.traeger_id
            and user.traeger_id == kita.traeger_id
        )

    def can_view(self, user, request) -> bool:
        if request is None:
            return policy.is_staff(user) or self.can_submit(user, None)
        if policy.is_staff(user) and policy.same_jugendamt(user, request.jugendamt_id):
            return True
        return self._own_kita(user, request.kita)

    def view_queryset(self, user) -> QuerySet[Fs4Request]:
        qs = Fs4Request.objects.select_related(
            "kita", "kita__sozialraum", "kita__traeger", "requested_by", "decided_by"
        )
        own = Q(kita__in=submittable_kitas(user).values("pk"))
        if policy.is_staff(user):
            return qs.filter(self._staff_scope(user) | own)
        return qs.filter(own)

    def can_submit(self, user, kita) -> bool:
        if kita is None:
            return submittable_kitas(user).exists()
        return self._own_kita(user, kita)

    def submit_queryset(self, user) -> QuerySet[Kita]:
        return submittable_kitas(user)

    def can_decide(self, user, request) -> bool:
        if not policy.is_planner(user):
            return False
        if request is None:
            return True
        return (
            policy.same_jugendamt(user, request.jugendamt_id)
            and request.state == Fs4RequestState.SUBMITTED
        )

    def decide_queryset(self, user) -> QuerySet[Fs4Request]:
        if not policy.is_planner(user):
            return Fs4Request.objects.none()
        return Fs4Request.objects.filter(
            self._staff_scope(user), state=Fs4RequestState.SUBMITTED
        ).select_related("kita", "kita__sozialraum", "requested_by")


centre_policy = policy.register(CentrePolicy())
fs4_request_policy = policy.register(Fs4RequestPolicy())
