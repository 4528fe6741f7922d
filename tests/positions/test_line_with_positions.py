"""A decided line that positions were created from stays (issue 16): taking the plan back
and deleting the line is refused in German, and nothing of the step is kept."""

import pytest
from django.core.exceptions import ValidationError

from allocation.models import AllocationLine
from allocation.services import lines as line_services
from allocation.services import workflow
from audit.models import AuditEvent
from tests.positions.factories import position_world

pytestmark = pytest.mark.django_db


def test_a_line_with_positions_cannot_be_deleted_and_the_attempt_leaves_no_trace():
    world, plan, position = position_world()
    workflow.plan_rework(plan=plan, acting_user=world.leitung, reason="Nachsteuerung")
    line = plan.lines.get()
    deletions = AuditEvent.objects.filter(action="line.delete").count()
    with pytest.raises(ValidationError) as exc:
        line_services.line_delete(
            line_id=line.pk,
            expected_version=line.version,
            reason="Stelle unbesetzt",
            acting_user=world.staff,
        )
    assert "gibt es bereits Stellen" in " ".join(exc.value.messages)
    assert AllocationLine.objects.filter(pk=line.pk).exists()
    assert AuditEvent.objects.filter(action="line.delete").count() == deletions
    position.refresh_from_db()
    assert position.line_id == line.pk
