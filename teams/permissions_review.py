"""Rules about release time (Freistellung) and the reviews of the distribution (issue 15).

Built on ``srb_project.policy`` beside ``teams.permissions`` (the team rules):

- ``ReleasePolicy`` (``ReleaseRequest``): a Kita leader asks for release for their own
  Kita, and only where its Sozialraum has a team (``request``, ``obj`` a Kita); who sees a
  request (``view``): Jugendamt staff of its Jugendamt, the leaders of its Kita and the
  Träger representative of its Träger; the Jugendamt's planners (Fachkraft, Leitung)
  decide it (``decide``). ``view_summary`` (the yearly summary, ``obj`` None): staff, Träger
  and Kita leaders, each for the Kitas they see (``summary_kitas``); never the committee.
- ``ReviewPolicy`` (``Review``): the review is the Jugendamt's work with the team: its
  pages are for Jugendamt staff of its Jugendamt (``view``); planners open one on demand
  and record the team meeting (``open``, ``hold``) and decide "keep" (``decide``); only
  the Jugendamt-Leitung decides "adjust" (``decide_adjust``), because that takes back the
  approved plan (``plan_rework``, a decision only the Leitung may revoke).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sozialraeume.models import Kita
from srb_project import policy, roles
from teams.models import ReleaseRequest, ReleaseState, Review, ReviewState, Team


def _is_traeger(user) -> bool:
    return policy.has_role(user, roles.TRAEGER) and bool(getattr(user, "traeger_id", None))


def summary_kitas(user) -> QuerySet[Kita]:
    """The Kitas whose release hours ``user`` may read: every Kita of the Jugendamt for
    staff, the Träger's Kitas for a Träger representative, the own Kitas for a leader."""
    qs = Kita.objects.select_related("sozialraum", "traeger")
    if not policy.is_active(user):
        return qs.none()
    if policy.is_staff(user):
        return qs.filter(policy.jugendamt_scope(user, "sozialraum__jugendamt"))
    own = Q(pk__in=policy.led_kita_ids(user))
    if _is_traeger(user):
        own |= Q(traeger_id=user.traeger_id)
    return qs.filter(own)


def request_kitas(user) -> QuerySet[Kita]:
    """The Kitas ``user`` may ask release for: the ones they lead, in a Sozialraum with a
    team."""
    if not policy.has_role(user, roles.KITA_LEITUNG):
        return Kita.objects.none()
    sozialraum_ids = Team.objects.values("sozialraum_id")
    return (
        Kita.objects.filter(pk__in=policy.led_kita_ids(user), sozialraum_id__in=sozialraum_ids)
        .select_related("sozialraum", "traeger")
        .order_by("name")
    )


class ReleasePolicy(policy.BasePolicy):
    model = ReleaseRequest
    actions = ("view", "request", "decide", "view_summary")

    def _base(self) -> QuerySet[ReleaseRequest]:
        return ReleaseRequest.objects.select_related(
            "team__sozialraum", "kita__traeger", "kita__sozialraum", "requested_by", "decided_by"
        )

    def can_view(self, user, release) -> bool:
        if release is None:
            return policy.is_staff(user) or summary_kitas(user).exists()
        if policy.is_staff(user):
            return policy.same_jugendamt(user, release.jugendamt_id)
        if release.kita_id in policy.led_kita_ids(user):
            return True
        return _is_traeger(user) and release.kita.traeger_id == user.traeger_id

    def view_queryset(self, user) -> QuerySet[ReleaseRequest]:
        return self._base().filter(kita__in=summary_kitas(user))

    def can_request(self, user, kita) -> bool:
        if kita is None:
            return request_kitas(user).exists()
        return request_kitas(user).filter(pk=kita.pk).exists()

    def request_queryset(self, user) -> QuerySet[ReleaseRequest]:
        return self._base().filter(kita__in=request_kitas(user))

    def can_decide(self, user, release) -> bool:
        if not policy.is_planner(user):
            return False
        if release is None:
            return True
        return (
            policy.same_jugendamt(user, release.jugendamt_id)
            and release.state == ReleaseState.REQUESTED
        )

    def decide_queryset(self, user) -> QuerySet[ReleaseRequest]:
        if not policy.is_planner(user):
            return ReleaseRequest.objects.none()
        return self._base().filter(
            policy.jugendamt_scope(user, "team__sozialraum__jugendamt"),
            state=ReleaseState.REQUESTED,
        )

    def can_view_summary(self, user, obj) -> bool:
        return policy.is_staff(user) or _is_traeger(user) or bool(policy.led_kita_ids(user))

    def view_summary_queryset(self, user) -> QuerySet[ReleaseRequest]:
        return self.view_queryset(user)


class ReviewPolicy(policy.BasePolicy):
    model = Review
    actions = ("view", "open", "hold", "decide", "decide_adjust")

    def _scope(self, user) -> QuerySet[Review]:
        return Review.objects.filter(
            policy.jugendamt_scope(user, "sozialraum__jugendamt")
        ).select_related("sozialraum", "plan__budget_year", "meeting", "decided_by", "opened_by")

    def can_view(self, user, review) -> bool:
        return policy.is_staff(user) and policy.in_scope(user, review)

    def view_queryset(self, user) -> QuerySet[Review]:
        return self._scope(user) if policy.is_staff(user) else Review.objects.none()

    def can_open(self, user, sozialraum) -> bool:
        """``obj`` a Sozialraum (or None: "may open reviews at all")."""
        return policy.is_planner(user) and policy.in_scope(user, sozialraum)

    def open_queryset(self, user) -> QuerySet[Review]:
        return self._scope(user) if policy.is_planner(user) else Review.objects.none()

    def can_hold(self, user, review) -> bool:
        if not (policy.is_planner(user) and policy.in_scope(user, review)):
            return False
        return review is None or review.state in (ReviewState.OPEN, ReviewState.HELD)

    def hold_queryset(self, user) -> QuerySet[Review]:
        return self.open_queryset(user).exclude(state=ReviewState.DECIDED)

    def can_decide(self, user, review) -> bool:
        if not (policy.is_planner(user) and policy.in_scope(user, review)):
            return False
        return review is None or review.state == ReviewState.HELD

    def decide_queryset(self, user) -> QuerySet[Review]:
        return self.open_queryset(user).filter(state=ReviewState.HELD)

    def can_decide_adjust(self, user, review) -> bool:
        return policy.has_role(user, roles.JUGENDAMT_LEITUNG) and self.can_decide(user, review)

    def decide_adjust_queryset(self, user) -> QuerySet[Review]:
        if not policy.has_role(user, roles.JUGENDAMT_LEITUNG):
            return Review.objects.none()
        return self.decide_queryset(user)

    def reason_not(self, user, action: str, obj=None) -> str:
        if action == "decide" and obj is not None and obj.state == ReviewState.OPEN:
            return _("Erst nach der Beratung mit dem Team kann das Jugendamt entscheiden.")
        return ""


release_policy = policy.register(ReleasePolicy())
review_policy = policy.register(ReviewPolicy())
