"""The workflow steps take what is possible from the plan's state machine and the policy."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from allocation.models import PlanState
from allocation.services import plans as plan_services
from allocation.services import workflow
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _messages(exc):
    return " ".join(exc.value.messages)


@pytest.mark.parametrize(
    ("step", "extra"),
    [("submit", {}), ("approve", {}), ("rework", {"reason": "Neue Zahlen"})],
)
def test_a_step_not_possible_in_the_state_is_refused_in_german(world, plan, step, extra):
    with pytest.raises(ValidationError) as exc:
        workflow.TRANSITIONS[step](plan=plan, acting_user=world.leitung, **extra)
    assert _messages(exc) == "Dieser Schritt ist im Status „Entwurf“ nicht möglich."
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT and plan.version == 1
    assert not AuditEvent.objects.filter(action__in=["plan.submit", "plan.approve"]).exists()


def test_no_right_is_said_before_the_wrong_state(world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    with pytest.raises(PermissionDenied):  # a Träger may read the plan, never move it
        workflow.plan_submit(plan=plan, acting_user=world.traeger_user)
    with pytest.raises(PermissionDenied) as exc:  # staff may not approve, in any state
        workflow.plan_approve(plan=plan, acting_user=world.staff)
    assert str(exc.value) == "Nur die Jugendamt-Leitung kann Verteilungspläne beschließen."
    plan.refresh_from_db()
    assert plan.state == PlanState.CONSULTATION


def test_the_full_cycle_back_to_draft_counts_the_version_up(world, plan):
    for step, user in [
        ("start_consultation", world.staff),
        ("submit", world.staff),
        ("approve", world.leitung),
        ("rework", world.leitung2),  # a decision is taken back by the Leitung only
    ]:
        workflow.TRANSITIONS[step](
            plan=plan, acting_user=user, reason="Runde", expected_version=plan.version
        )
        plan.refresh_from_db()
    assert plan.state == PlanState.DRAFT
    assert plan.version == 5
    assert [t.name for t in plan.get_available_user_state_transitions(world.staff)] == [
        "propose",
        "start_consultation",
    ]


def test_a_proposal_only_in_draft(world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    with pytest.raises(ValidationError) as exc:
        plan_services.plan_propose(plan=plan, acting_user=world.staff)
    assert _messages(exc) == "Ein Vorschlag kann nur im Entwurf erstellt werden."
    assert not plan.lines.exists()
