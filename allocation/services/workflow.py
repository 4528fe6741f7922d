"""The plan's workflow steps: Entwurf → In Abstimmung → Beschlussvorlage → Beschlossen,
and back to Entwurf (Überarbeitung).

Which step is possible in which state, and who may take it, is the state machine on
``AllocationPlan`` (its transitions ask the plan policy). The services add what needs
the database: the version the person saw, the four-eyes rule, the budget, the audit.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from allocation import selectors
from allocation.models import AllocationPlan
from allocation.services.common import ConflictError, eur_text, lock_plan, plan_snapshot
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
    """The policy lets ``user`` take ``step`` on this plan, whatever its state now (the
    transition's ``permission``): "no right" is said before "not in this state"."""
    return any(t.has_perm(plan, user) for t in plan.get_all_state_transitions() if t.name == step)


def _require_step(
    plan: AllocationPlan, step: str, user: User, expected_version: int | None, denied: str = ""
) -> None:
    """The user may take ``step`` (policy), on the version they saw, in this state (FSM)."""
    if not _may_take(plan, step, user):
        raise PermissionDenied(denied)
    _require_version(plan, expected_version)
    if not can_proceed(getattr(plan, step)):
        raise _not_possible(plan)


def _transition(
    plan: AllocationPlan,
    acting_user: User,
    step: str,
    action: str,
    reason: str = "",
    **extra: Any,
) -> AllocationPlan:
    """Take the FSM transition ``step``, count the version up, save, audit as ``action``."""
    old = plan_snapshot(plan)
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
        new={**plan_snapshot(plan), **{k: str(v) for k, v in extra.items() if v is not None}},
        reason=reason,
    )
    return plan


@transaction.atomic
def plan_start_consultation(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str = "",
    expected_version: int | None = None,
) -> AllocationPlan:
    """In Abstimmung: the Träger of the Sozialraum's Kitas can read and comment."""
    plan = lock_plan(plan)
    _require_step(plan, "start_consultation", acting_user, expected_version)
    return _transition(plan, acting_user, "start_consultation", "plan.consultation", reason)


@transaction.atomic
def plan_submit(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str = "",
    expected_version: int | None = None,
) -> AllocationPlan:
    """Beschlussvorlage: the lines are frozen for the decision."""
    plan = lock_plan(plan)
    _require_step(plan, "submit", acting_user, expected_version)
    return _transition(plan, acting_user, "submit", "plan.submit", reason)


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
    if plan.last_editor_id == acting_user.pk:
        raise ValidationError(
            _(
                "Vier-Augen-Prinzip: Sie haben diesen Plan zuletzt bearbeitet und können "
                "ihn deshalb nicht selbst beschließen. Eine andere Person der "
                "Jugendamt-Leitung muss den Beschluss fassen."
            ),
            code="four_eyes",
        )
    amount = selectors.state_amount_for(plan.budget_year_id, plan.sozialraum_id)
    planned = selectors.plan_state_part(plan)
    if amount is None:
        raise ValidationError(_("Für den Sozialraum gibt es noch keinen Anteil am Budget."))
    if planned > amount:
        raise ValidationError(
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
    now = timezone.now()
    return _transition(
        plan,
        acting_user,
        "approve",
        "plan.approve",
        reason,
        approved_at=now,
        approved_by=acting_user,
        review_due=selectors.review_due_for(timezone.localdate(now)),
    )


@transaction.atomic
def plan_rework(
    *,
    plan: AllocationPlan,
    acting_user: User,
    reason: str,
    expected_version: int | None = None,
) -> AllocationPlan:
    """Überarbeitung: back to Entwurf; needs a reason."""
    plan = lock_plan(plan)
    if not _may_take(plan, "rework", acting_user):
        raise PermissionDenied
    _require_version(plan, expected_version)
    if not (reason or "").strip():
        raise ValidationError(_("Für die Überarbeitung ist eine Begründung nötig."))
    if not can_proceed(plan.rework):
        raise _not_possible(plan)
    return _transition(plan, acting_user, "rework", "plan.rework", reason)


# The steps by the name the URLs and admin actions use (the model's transition names).
TRANSITIONS = {
    "start_consultation": plan_start_consultation,
    "submit": plan_submit,
    "approve": plan_approve,
    "rework": plan_rework,
}
