"""The review of the distribution within a Sozialraum with its team (concept 4: at least
every 2,5 years and on demand; methodology section 8).

Steps: opened (``reviews_open_due`` for the due ones, daily from beat; ``review_open`` on
demand with a reason), held (tied to a meeting of the Sozialraum's team: findings and the
team's recommendation), decided by the Jugendamt: "keep" (planners; the next review is
then due 30 months after this decision, ``selectors_review.next_due_date``) or "adjust"
(only the Jugendamt-Leitung: the approved plan is taken back into draft with the review
as its reason, ``allocation.services.workflow.plan_rework``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from allocation.models import AllocationPlan, PlanState
from allocation.selectors import review_due_for
from allocation.services.workflow import plan_rework
from audit import events as audit_events
from sozialraeume.models import Jugendamt, Sozialraum, User
from teams.models import (
    Meeting,
    MeetingState,
    Review,
    ReviewOutcome,
    ReviewState,
    ReviewTrigger,
)
from teams.permissions_review import review_policy
from teams.selectors_review import review_schedule


def _plan_of(sozialraum_id: int) -> AllocationPlan | None:
    """The plan a review looks at: the newest approved one, else the newest plan."""
    plans = AllocationPlan.objects.filter(sozialraum_id=sozialraum_id).order_by(
        "-budget_year__year", "-pk"
    )
    return plans.filter(state=PlanState.APPROVED).first() or plans.first()


def _create(*, sozialraum, trigger, reason, due_on, acting_user) -> Review:
    plan = _plan_of(sozialraum.pk)
    try:
        with transaction.atomic():
            review = Review.objects.create(
                sozialraum=sozialraum,
                trigger=trigger,
                reason=reason,
                due_on=due_on,
                plan=plan,
                opened_by=acting_user,
            )
    except IntegrityError as exc:  # a concurrent open (constraint: one open per Sozialraum)
        raise ValidationError(_("Für diesen Sozialraum ist schon eine Überprüfung offen.")) from exc
    audit_events.record(
        actor=acting_user,
        action="review.open",
        obj=review,
        jugendamt_id=sozialraum.jugendamt_id,
        new={
            "sozialraum": sozialraum.name,
            "trigger": trigger,
            "due_on": due_on.isoformat(),
            "plan_id": plan.pk if plan else None,
        },
        reason=reason,
    )
    return review


@transaction.atomic
def review_open(*, sozialraum: Sozialraum, reason: str, acting_user: User) -> Review:
    """Open a review on demand ("auf Anlass"), due at once; needs a reason."""
    if not review_policy.user_can(acting_user, "open", sozialraum):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte nennen Sie den Anlass der Überprüfung.")})
    Sozialraum.objects.select_for_update().get(pk=sozialraum.pk)
    if Review.objects.filter(sozialraum=sozialraum).exclude(state=ReviewState.DECIDED).exists():
        raise ValidationError(_("Für diesen Sozialraum ist schon eine Überprüfung offen."))
    return _create(
        sozialraum=sozialraum,
        trigger=ReviewTrigger.DEMAND,
        reason=reason,
        due_on=timezone.localdate(),
        acting_user=acting_user,
    )


@transaction.atomic
def reviews_open_due(
    *, today: datetime.date | None = None, jugendamt_id: int | None = None
) -> list[Review]:
    """Open a review for every Sozialraum whose review is due (30 months after the last
    approval or the last decided review) and that has none open. Run daily by beat
    (``teams.tasks.open_due_reviews``) with no acting user; safe to run twice."""
    today = today or timezone.localdate()
    jugendaemter = Jugendamt.objects.all()
    if jugendamt_id is not None:
        jugendaemter = jugendaemter.filter(pk=jugendamt_id)
    opened = []
    for ja_id in jugendaemter.values_list("pk", flat=True):
        for row in review_schedule(jugendamt_id=ja_id, today=today):
            if row.open_review is None and row.next_due is not None and row.next_due <= today:
                opened.append(
                    _create(
                        sozialraum=row.sozialraum,
                        trigger=ReviewTrigger.DUE,
                        reason="",
                        due_on=row.next_due,
                        acting_user=None,
                    )
                )
    return opened


def _lock(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("sozialraum", "plan")
        .get(pk=review.pk)
    )


@transaction.atomic
def review_hold(
    *, review: Review, meeting: Meeting, findings: str, recommendation: str, acting_user: User
) -> Review:
    """Record the review's team meeting (planned or held, of the Sozialraum's team), its
    findings and the team's recommendation. May be recorded again until decided."""
    review = _lock(review)
    if not review_policy.user_can(acting_user, "hold", review):
        raise PermissionDenied
    errors = {}
    if (
        meeting.team.sozialraum_id != review.sozialraum_id
        or meeting.state == MeetingState.CANCELLED
    ):
        errors["meeting"] = _("Bitte wählen Sie eine Sitzung des Sozialraum-Teams.")
    findings, recommendation = (findings or "").strip(), (recommendation or "").strip()
    if not findings:
        errors["findings"] = _("Bitte halten Sie die Ergebnisse der Beratung fest.")
    if not recommendation:
        errors["recommendation"] = _("Bitte halten Sie die Empfehlung des Teams fest.")
    if errors:
        raise ValidationError(errors)

    def payload(r: Review) -> dict:
        return {
            "state": r.state,
            "meeting": str(r.meeting) if r.meeting_id else "",
            "meeting_id": r.meeting_id,
            "findings": r.findings,
            "recommendation": r.recommendation,
        }

    old = payload(review)
    review.meeting = meeting
    review.findings = findings
    review.recommendation = recommendation
    review.state = ReviewState.HELD
    review.save(update_fields=["meeting", "findings", "recommendation", "state"])
    audit_events.record(
        actor=acting_user,
        action="review.hold",
        obj=review,
        jugendamt_id=review.sozialraum.jugendamt_id,
        old=old,
        new=payload(review),
    )
    return review


def rework_reason(review: Review, reason: str) -> str:
    """The plan's revision reason: the review, in the product's language."""
    with translation.override("de"):
        text = _("Überprüfung der Verteilung (fällig %(due)s): %(recommendation)s") % {
            "due": review.due_on.strftime("%d.%m.%Y"),
            "recommendation": review.recommendation,
        }
        if reason:
            text += " " + _("Entscheidung: %(reason)s") % {"reason": reason}
    return text


@transaction.atomic
def review_decide(*, review: Review, outcome: str, reason: str, acting_user: User) -> Review:
    """The Jugendamt's decision after the team's recommendation. "keep": the next review is
    due 30 months from today. "adjust" (Leitung only): the plan goes back to draft
    (``plan_rework``, for an approved plan the Leitung's taking back of the decision)
    with the review as its reason; a plan already in draft stays there."""
    review = _lock(review)
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Bitte wählen Sie eine Entscheidung.")})
    action = "decide_adjust" if outcome == ReviewOutcome.ADJUST else "decide"
    if not review_policy.user_can(acting_user, action, review):
        if review_policy.user_can(acting_user, "decide", review):
            raise PermissionDenied(
                _("Nur die Jugendamt-Leitung kann entscheiden, die Verteilung anzupassen.")
            )
        raise PermissionDenied(review_policy.reason_not(acting_user, "decide", review))
    reason = (reason or "").strip()
    if outcome == ReviewOutcome.ADJUST and not reason:
        raise ValidationError({"reason": _("Bitte begründen Sie die Anpassung.")})
    today = timezone.localdate()
    plan = review.plan or _plan_of(review.sozialraum_id)
    if outcome == ReviewOutcome.ADJUST and plan is not None:
        plan = AllocationPlan.objects.get(pk=plan.pk)
        if plan.state != PlanState.DRAFT:
            plan_rework(plan=plan, acting_user=acting_user, reason=rework_reason(review, reason))
    review.outcome = outcome
    review.outcome_reason = reason
    review.decided_by = acting_user
    review.decided_at = timezone.now()
    review.state = ReviewState.DECIDED
    review.plan = plan
    review.save(
        update_fields=["outcome", "outcome_reason", "decided_by", "decided_at", "state", "plan"]
    )
    audit_events.record(
        actor=acting_user,
        action="review.decide",
        obj=review,
        jugendamt_id=review.sozialraum.jugendamt_id,
        old={"state": ReviewState.HELD},
        new={
            "state": review.state,
            "outcome": outcome,
            "next_due": review_due_for(today).isoformat()
            if outcome == ReviewOutcome.KEEP
            else None,
            "plan_id": plan.pk if plan else None,
        },
        reason=reason,
    )
    return review
