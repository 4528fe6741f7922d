"""FS3 exceptions accepted by a second person (issue 15, methodology section 8).

An FS3 line whose Kita's FM index lies only above the lower norm bound (not above the
mean) may be saved with a written justification, but counts as eligible only once a
person of the Jugendamt-Leitung who did not last edit the line accepted that
justification (``AllocationLine.exception_accepted_by/_at``). A change of the line's
justification, strand or Kita takes the acceptance back (``services.lines.line_update``).
A plan is not decided while one of its exceptions waits (``workflow.approval_refusal``).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from allocation import eligibility as elig
from allocation.models import AllocationLine, PlanState
from allocation.permissions import plan_policy
from allocation.services.common import ConflictError, lock_plan
from audit import events as audit_events
from sozialraeume.models import User


def line_exception_result(line: AllocationLine):
    """The FS3 eligibility of the line as the plan page shows it (None: not FS3)."""
    if line.strand != "FS3":
        return None
    return elig.line_eligibility(
        ctx=elig.index_context(line.plan.budget_year),
        kita_id=line.kita_id,
        strand=line.strand,
        justification=line.justification,
        exception_accepted=line.exception_accepted_at is not None,
    )


def exceptions_awaiting(plan) -> list[AllocationLine]:
    """The plan's FS3 lines whose justified exception waits for the Leitung's acceptance."""
    lines = list(
        plan.lines.filter(strand="FS3", exception_accepted_at__isnull=True).select_related("kita")
    )
    if not lines:
        return []
    ctx = elig.index_context(plan.budget_year)
    return [
        line
        for line in lines
        if elig.line_eligibility(
            ctx=ctx, kita_id=line.kita_id, strand=line.strand, justification=line.justification
        ).awaiting
    ]


def exception_refusal(line: AllocationLine, user: User, result=None) -> ValidationError | None:
    """Why ``user``, who holds the right to accept (the Leitung), cannot accept the line's
    FS3 exception now: it is no exception waiting for acceptance, the plan is decided, or
    the user last edited the line (second person). The service raises it; the plan page
    shows its text in place of the button (one rule, asked by both)."""
    result = result if result is not None else line_exception_result(line)
    if result is None or not result.awaiting:
        return ValidationError(
            _("Diese Zeile ist keine begründete Ausnahme, die auf Anerkennung wartet."),
            code="not_awaiting",
        )
    if line.plan.state == PlanState.APPROVED:
        return ValidationError(
            _("Der Plan ist beschlossen; die Ausnahme kann nicht mehr anerkannt werden."),
            code="approved",
        )
    if line.updated_by_id is not None and line.updated_by_id == user.pk:
        return ValidationError(
            _(
                "Sie haben die Zeile zuletzt bearbeitet – eine zweite Person der "
                "Jugendamt-Leitung erkennt die Ausnahme an."
            ),
            code="second_person",
        )
    return None


@transaction.atomic
def line_exception_accept(
    *, line: AllocationLine, acting_user: User, expected_version: int
) -> AllocationLine:
    """The Leitung accepts the written justification of an FS3 exception: from now on the
    line counts as eligible. Refused for anyone but the Leitung of the plan's Jugendamt,
    for the line's last editor, on a changed line (``expected_version``) and for a line
    that is no waiting exception."""
    plan = lock_plan(line.plan)
    if not plan_policy.user_can(acting_user, "accept_exception", plan):
        raise PermissionDenied(
            _("Nur die Jugendamt-Leitung kann eine begründete Ausnahme anerkennen.")
        )
    line = (
        AllocationLine.objects.select_for_update(of=("self",))
        .select_related("kita", "updated_by")
        .get(pk=line.pk, plan=plan)
    )
    line.plan = plan
    if line.version != int(expected_version):
        raise ConflictError(
            _(
                "Diese Zeile wurde inzwischen geändert; bitte laden Sie die Seite neu und "
                "prüfen Sie die Begründung erneut."
            ),
            code="conflict",
        )
    refusal = exception_refusal(line, acting_user)
    if refusal is not None:
        raise refusal
    line.exception_accepted_by = acting_user
    line.exception_accepted_at = timezone.now()
    line.version += 1
    # Not the line's or the plan's last editor: accepting is no change of the line's
    # content (and must not keep the same Leitung from deciding the plan).
    line.save(update_fields=["exception_accepted_by", "exception_accepted_at", "version"])
    audit_events.record(
        actor=acting_user,
        action="line.exception_accept",
        obj=line,
        jugendamt_id=plan.jugendamt_id,
        new={
            "plan_id": plan.pk,
            "kita_id": line.kita_id,
            "kita": line.kita.name,
            "strand": line.strand,
            "justification": line.justification,
            "last_editor": line.updated_by.username if line.updated_by else "",
        },
    )
    return line
