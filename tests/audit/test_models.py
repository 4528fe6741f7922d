"""The audit trail is append-only: through the ORM, the admin and (on PostgreSQL) raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from allocation.services import workflow
from audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(plan, world):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    return AuditEvent.objects.get(action="plan.consultation")


def test_orm_refuses_to_change_or_delete_audit_events(event):
    event.reason = "nachträglich geändert"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.reason == ""
    assert event.actor is not None and event.old == {"state": "draft", "version": 1}


def test_admin_shows_the_audit_trail_but_refuses_change_and_delete(client, world, event):
    client.force_login(world.leitung)
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200  # read-only view
    assert "plan.consultation" in page.content.decode()
    response = client.post(change, {"reason": "manipuliert", "action": "x"})
    assert response.status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    changelist = reverse("admin:audit_auditevent_changelist")
    assert "In Abstimmung gegeben" in client.get(changelist).content.decode()  # the label
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    event.refresh_from_db()
    assert event.reason == ""
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.services
def test_postgresql_trigger_refuses_raw_update_and_delete(event):
    # The table name is a constant of the model, not user input.
    for sql in (
        "UPDATE allocation_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM allocation_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    event.refresh_from_db()
    assert event.reason == ""
