"""Writes on plan comments: a comment on the plan or one of its lines, and the answer.

Who comments: the plan's editors at any time; while the plan is in consultation the
Träger of the Sozialraum's Kitas (on lines of their own Kitas) and, since issue 15, the
Kita leaders of the Sozialraum's Kitas (on lines of their own Kita only). The Jugendamt's
planners answer a comment (an answer is a comment with ``reply_to``; an answer is not
answered again); the comment's author is told by mail.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from allocation import notifications, selectors
from allocation.models import AllocationLine, AllocationPlan, PlanComment
from allocation.permissions import plan_policy
from allocation.services.common import lock_plan
from audit import events as audit_events
from sozialraeume.models import User


def _text(text: str, empty: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(empty, code="empty")
    return text


@transaction.atomic
def plan_comment_add(
    *,
    plan: AllocationPlan,
    text: str,
    acting_user: User,
    line: AllocationLine | None = None,
) -> PlanComment:
    """A comment on the plan: Träger and Kita leaders while the plan is in consultation,
    Jugendamt staff (editors) at any time.

    ``line``: the comment is about this line of the plan; a Träger may name only lines of
    their own Kitas, a Kita leader only lines of their own Kita
    (``selectors.lines_open_for_comment``), anything else is refused."""
    plan = lock_plan(plan)
    if not (
        plan_policy.user_can(acting_user, "comment", plan)
        or plan_policy.user_can(acting_user, "comment_as_kita", plan)
    ):
        raise PermissionDenied
    if not plan_policy.user_can(acting_user, "edit", plan) and not plan.comments_open:
        raise ValidationError(
            _("Kommentare sind nur während der Abstimmung möglich."), code="closed"
        )
    text = _text(text, _("Der Kommentar ist leer."))
    if line is not None and not (
        selectors.lines_open_for_comment(plan, acting_user).filter(pk=line.pk).exists()
    ):
        raise ValidationError(
            _("Diese Zeile gehört nicht zu diesem Plan oder nicht zu Ihren Kitas."),
            code="foreign_line",
        )
    comment = PlanComment.objects.create(plan=plan, author=acting_user, text=text, line=line)
    new = {"comment_id": comment.pk, "text": text}
    if line is not None:
        new.update(line_id=line.pk, line=line.short_label)
    audit_events.record(
        actor=acting_user,
        action="plan.comment",
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        new=new,
    )
    notifications.comment_added(comment=comment, acting_user=acting_user)
    return comment


@transaction.atomic
def plan_comment_answer(*, comment: PlanComment, text: str, acting_user: User) -> PlanComment:
    """The Jugendamt's answer to a comment, shown under it; its author hears by mail.

    Only the plan's editors answer (``answer_comment``), only a comment (not an answer),
    at any state of the plan."""
    plan = lock_plan(comment.plan)
    if not plan_policy.user_can(acting_user, "answer_comment", plan):
        raise PermissionDenied
    comment = PlanComment.objects.select_related("author", "line__kita").get(pk=comment.pk)
    if comment.reply_to_id is not None:
        raise ValidationError(
            _("Auf eine Antwort kann nicht noch einmal geantwortet werden."), code="answer"
        )
    text = _text(text, _("Die Antwort ist leer."))
    answer = PlanComment.objects.create(plan=plan, author=acting_user, text=text, reply_to=comment)
    new = {"comment_id": answer.pk, "reply_to_id": comment.pk, "text": text}
    if comment.line is not None:
        new.update(line_id=comment.line_id, line=comment.line.short_label)
    audit_events.record(
        actor=acting_user,
        action="plan.comment_answer",
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        new=new,
    )
    notifications.comment_answered(answer=answer, acting_user=acting_user)
    return answer
