"""The plan's workflow steps: Entwurf → In Abstimmung → Beschlussvorlage → Beschlossen,
and back to Entwurf (Überarbeitung; a decision only the Jugendamt-Leitung takes back).

Which step is possible in which state, and who may take it, is the state machine on
``AllocationPlan`` (its transitions ask the plan policy). The services add what needs
the database: the version the person saw, the four-eyes rule, the budget, the Träger's
minimum consultation time, the audit, and the e-mails (``allocation.notifications``,
sent after commit).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_fsm import TransitionNotAllowed, can_proceed

from allocation import notifications, selectors
from allocation.models import AllocationPlan, PlanState
from allocation.permissions import plan_policy
from allocation.services import exceptions
from allocation.services.common import (
    ConflictError,
    eur_text,
    lock_plan,
    plan_snapshot,
    public_text,
)
from audit import events as audit_events
from sozialraeume.models import User


def _require_version(plan: AllocationPlan, expected_version: int | None) -> None:
    """The person acted on the plan as it was at ``expected_version`` (the page they saw).

    Without this, a "send back" clicked on a page showing the proposal would silently
    undo an approval another person made a moment earlier (and vice versa).
    """
    if expected_version is not None and plan.version != int(expected_version):
        raise ConflictError(
            _(
                "Der Plan wurde inzwischen von einer anderen Person geändert (Status jetzt "
                "„%(state)s“). Ihr Schritt wurde nicht ausgeführt; bitte laden Sie die Seite "
                "neu und prüfen Sie den Plan."
            )
            % {"state": plan.get_state_display()},
            code="conflict",
        )


def _not_possible(plan: AllocationPlan) -> ValidationError:
    return ValidationError(
        _("Dieser Schritt ist im Status „%(state)s“ nicht möglich.")
        % {"state": plan.get_state_display()}
    )


def _may_take(plan: AllocationPlan, step: str, user: User) -> bool:
    """The policy lets ``user`` take ``step`` on this plan (the transition's
    ``permission``): "no right" is said before "not in this state".

    A step with several sources can have a rule per source (``rework``: editors before the
    decision, the Leitung after it): the rule of the plan's state counts; in a state the
    step does not start from, any of its rules (the state refuses it next)."""
    steps = [t for t in plan.get_all_state_transitions() if t.name == step]
    here = [t for t in steps if t.source == plan.state]
    return any(t.has_perm(plan, user) for t in (here or steps))


def _require_step(
    plan: AllocationPlan, step: str, user: User, expected_version: int | None, denied: str = ""
) -> None:
    """The user may take ``step`` (policy), on the version they saw, in this state (FSM)."""
    if not _may_take(plan, step, user):
        raise PermissionDenied(denied)
    _require_version(plan, expected_version)
    if not can_proceed(getattr(plan, step)):
        raise _not_possible(plan)


def _payload(values: dict) -> dict:
    """Audit values as text (users by login name), empty ones left out."""
    return {k: str(v) for k, v in values.items() if v is not None and v != ""}


def _transition(
    plan: AllocationPlan,
    acting_user: User,
    step: str,
    action: str,
    reason: str = "",
    old_extra: dict | None = None,
    **extra: Any,
) -> AllocationPlan:
    """Take the FSM transition ``step``, count the version up, save, audit as ``action``."""
    old = {**plan_snapshot(plan), **_payload(old_extra or {})}
    try:
        getattr(plan, step)()
    except TransitionNotAllowed as exc:
        raise _not_possible(plan) from exc
    plan.version += 1
    for key, value in extra.items():
        setattr(plan, key, value)
    plan.save()
    audit_events.record(
        actor=acting_user,
        action=action,
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        old=old,
        new={**plan_snapshot(plan), **_payload(extra)},
        reason=reason,
    )
    return plan


def _date(day) -> str:
    return formats.date_format(day, "d.m.Y")


@transaction.atomic
def plan_start_consultation(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str = "",
    expected_version: int | None = None,
) -> AllocationPlan:
    """In Abstimmung: the Träger of the Sozialraum's Kitas can read and comment, for at
    least the Jugendamt's minimum time; they are told by e-mail."""
    plan = lock_plan(plan)
    _require_step(plan, "start_consultation", acting_user, expected_version)
    plan = _transition(
        plan,
        acting_user,
        "start_consultation",
        "plan.consultation",
        reason,
        consultation_started_at=timezone.now(),
        # A shortening was granted for one consultation, not for the next one.
        consultation_shortened_at=None,
        consultation_shortened_by=None,
        consultation_shortened_reason="",
        consultation_shortened_public_reason="",
    )
    notifications.consultation_started(plan=plan, acting_user=acting_user)
    return plan


@transaction.atomic
def plan_consultation_shorten(
    *,
    plan: AllocationPlan,
    reason: str,
    public_reason: str,
    acting_user: User,
    expected_version: int | None = None,
) -> AllocationPlan:
    """The Jugendamt-Leitung lets a plan be laid before the decision before the minimum
    consultation time is over, with an internal reason and one for the committee."""
    plan = lock_plan(plan)
    if not plan_policy.user_can(acting_user, "approve", plan):
        raise PermissionDenied(
            _("Nur die Jugendamt-Leitung kann die Abstimmung mit den Trägern verkürzen.")
        )
    _require_version(plan, expected_version)
    if plan.state != PlanState.CONSULTATION:
        raise _not_possible(plan)
    earliest = selectors.consultation_earliest_submit(plan)
    if earliest is None or earliest <= timezone.localdate():
        raise ValidationError(
            _("Die Mindestdauer der Abstimmung ist schon erreicht; es gibt nichts zu verkürzen.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Begründung (intern) fehlt: Bitte begründen Sie, warum die Abstimmung kürzer ist.")
        )
    public_reason = public_text(
        public_reason,
        jugendamt_id=plan.jugendamt_id,
        label=_("Die Begründung für den Ausschuss"),
    )
    old = plan_snapshot(plan)
    plan.consultation_shortened_at = timezone.now()
    plan.consultation_shortened_by = acting_user
    plan.consultation_shortened_reason = reason
    plan.consultation_shortened_public_reason = public_reason
    plan.version += 1
    plan.save()
    audit_events.record(
        actor=acting_user,
        action="plan.consultation_shorten",
        obj=plan,
        jugendamt_id=plan.jugendamt_id,
        old=old,
        new={
            **plan_snapshot(plan),
            "consultation_started_at": str(plan.consultation_started_at),
            "min_days": plan.sozialraum.jugendamt.consultation_min_days,
            "earliest": earliest.isoformat(),
            "public_reason": public_reason,
        },
        reason=reason,
    )
    return plan


@transaction.atomic
def plan_submit(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str = "",
    expected_version: int | None = None,
) -> AllocationPlan:
    """Beschlussvorlage: the lines are frozen for the decision; not before the Träger had
    the minimum consultation time (unless the Leitung shortened it). The Leitung is told."""
    plan = lock_plan(plan)
    if not _may_take(plan, "submit", acting_user):
        raise PermissionDenied
    _require_version(plan, expected_version)
    if not can_proceed(plan.submit, check_conditions=False):
        raise _not_possible(plan)
    # The transition's condition; said here with the date.
    refusal = submit_refusal(plan)
    if refusal is not None:
        raise refusal
    plan = _transition(
        plan,
        acting_user,
        "submit",
        "plan.submit",
        reason,
        submitted_at=timezone.now(),
        submitted_by=acting_user,
    )
    notifications.plan_submitted(plan=plan, acting_user=acting_user, reason=reason)
    return plan


def approval_refusal(plan: AllocationPlan, user: User) -> ValidationError | None:
    """Why ``user``, who holds the right to decide, cannot decide this plan now: the
    four-eyes rule (not the last editor), an FS3 exception not yet accepted (issue 15) and
    the budget (the lines' state part within the Sozialraum's). The approval service
    raises it; the plan page shows its text instead of the button (one rule, asked by
    both)."""
    if plan.last_editor_id is not None and plan.last_editor_id == user.pk:
        return ValidationError(
            _(
                "Vier-Augen-Prinzip: Sie haben zuletzt bearbeitet – eine zweite Person "
                "beschließt. Sie können diesen Plan deshalb nicht selbst beschließen; "
                "eine andere Person der Jugendamt-Leitung muss den Beschluss fassen."
            ),
            code="four_eyes",
        )
    # Issue 15: an FS3 exception counts as eligible only once a second person of the
    # Leitung accepted its justification; a plan is not decided with one still waiting.
    waiting = exceptions.exceptions_awaiting(plan)
    if waiting:
        return ValidationError(
            _(
                "Begründete Ausnahme noch nicht von der Leitung anerkannt: %(lines)s. "
                "Erst nach der Anerkennung (durch eine Person, die die Zeile nicht zuletzt "
                "bearbeitet hat) kann der Plan beschlossen werden."
            )
            % {"lines": ", ".join(line.short_label for line in waiting)},
            code="exception_not_accepted",
        )
    amount = selectors.state_amount_for(plan.budget_year_id, plan.sozialraum_id)
    planned = selectors.plan_state_part(plan)
    if amount is None:
        return ValidationError(
            _("Für den Sozialraum gibt es noch keinen Anteil am Budget."), code="no_share"
        )
    if planned > amount:
        return ValidationError(
            _(
                "Der Landesanteil der Zeilen (%(planned)s €) übersteigt den Landesanteil des "
                "Sozialraums (%(amount)s €) um %(over)s €. Der Plan kann so nicht "
                "beschlossen werden."
            )
            % {
                "planned": eur_text(planned),
                "amount": eur_text(amount),
                "over": eur_text(planned - amount),
            },
            code="over_budget",
        )
    return None


def submit_refusal(plan: AllocationPlan) -> ValidationError | None:
    """Why the plan cannot be laid before the Leitung yet: the Träger's minimum
    consultation time (the transition's condition, said with its dates)."""
    earliest = selectors.consultation_earliest_submit(plan)
    if earliest is None or timezone.localdate() >= earliest:
        return None
    days = plan.sozialraum.jugendamt.consultation_min_days
    return ValidationError(
        ngettext(
            "Die Träger haben mindestens %(days)s Tag Zeit für die Abstimmung (seit "
            "%(started)s). Der Plan kann frühestens am %(earliest)s als Beschlussvorlage "
            "vorgelegt werden – früher nur, wenn die Jugendamt-Leitung die Abstimmung "
            "mit Begründung verkürzt.",
            "Die Träger haben mindestens %(days)s Tage Zeit für die Abstimmung (seit "
            "%(started)s). Der Plan kann frühestens am %(earliest)s als Beschlussvorlage "
            "vorgelegt werden – früher nur, wenn die Jugendamt-Leitung die Abstimmung "
            "mit Begründung verkürzt.",
            days,
        )
        % {
            "days": days,
            "started": _date(timezone.localdate(plan.consultation_started_at)),
            "earliest": _date(earliest),
        },
        code="consultation_too_short",
    )


def step_refusal(plan: AllocationPlan, step: str, user: User) -> ValidationError | None:
    """For a step the policy lets ``user`` take in the plan's state: why the service
    would still refuse it now (None: it can be taken). The plan page asks this to show
    only the buttons that work, and the reason in place of the others."""
    if step == "approve":
        return approval_refusal(plan, user)
    if step == "submit":
        return submit_refusal(plan)
    return None


@transaction.atomic
def plan_approve(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str = "",
    expected_version: int | None = None,
) -> AllocationPlan:
    """Beschluss: only Jugendamt-Leitung, not the last editor, within the state amount."""
    plan = lock_plan(plan)
    _require_step(
        plan,
        "approve",
        acting_user,
        expected_version,
        denied=_("Nur die Jugendamt-Leitung kann Verteilungspläne beschließen."),
    )
    refusal = approval_refusal(plan, acting_user)
    if refusal is not None:
        raise refusal
    now = timezone.now()
    plan = _transition(
        plan,
        acting_user,
        "approve",
        "plan.approve",
        reason,
        approved_at=now,
        approved_by=acting_user,
        review_due=selectors.review_due_for(timezone.localdate(now)),
    )
    notifications.plan_decided(plan=plan, acting_user=acting_user, reason=reason)
    return plan


@transaction.atomic
def plan_rework(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str,
    expected_version: int | None = None,
) -> AllocationPlan:
    """Überarbeitung: back to Entwurf; needs a reason. A plan in Abstimmung or
    Beschlussvorlage goes back by its editors; an approved plan only by the
    Jugendamt-Leitung (the decision is taken back: recorded as ``plan.revoke``, the plan
    page says which decision was taken back, when and why). Who laid the plan before the
    Leitung is told."""
    plan = lock_plan(plan)
    revoking = plan.state == PlanState.APPROVED
    if not _may_take(plan, "rework", acting_user):
        raise PermissionDenied(
            _("Nur die Jugendamt-Leitung kann einen Beschluss zurücknehmen.") if revoking else ""
        )
    _require_version(plan, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            _("Für die Rücknahme des Beschlusses ist eine Begründung nötig.")
            if revoking
            else _("Für die Überarbeitung ist eine Begründung nötig.")
        )
    if not can_proceed(plan.rework):
        raise _not_possible(plan)
    submitted_by = plan.submitted_by if plan.state != PlanState.CONSULTATION else None
    if revoking:
        decision = {
            "approved_at": plan.approved_at,
            "approved_by": plan.approved_by,
            "review_due": plan.review_due,
        }
        # The reason is the event's reason; on the plan for its page.
        plan.approval_revoked_reason = reason
        plan = _transition(
            plan,
            acting_user,
            "rework",
            "plan.revoke",
            reason,
            old_extra=decision,
            revoked_approval_at=plan.approved_at,
            approval_revoked_at=timezone.now(),
            approval_revoked_by=acting_user,
            # No longer decided: no decision or review date stays on the plan (the
            # decision taken back is kept in ``revoked_approval_at`` and in the trail).
            approved_at=None,
            approved_by=None,
            review_due=None,
        )
    else:
        plan = _transition(plan, acting_user, "rework", "plan.rework", reason)
    if submitted_by is not None:
        notifications.plan_sent_back(
            plan=plan,
            acting_user=acting_user,
            reason=reason,
            revoked=revoking,
            submitted_by=submitted_by,
        )
    return plan


# The steps by the name the URLs and admin actions use (the model's transition names).
TRANSITIONS = {
    "start_consultation": plan_start_consultation,
    "submit": plan_submit,
    "approve": plan_approve,
    "rework": plan_rework,
}
