"""FS3 exceptions (issue 15): a justified exception counts as eligible only once a second
person of the Jugendamt-Leitung accepted its justification."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from allocation.services import exceptions as exception_services
from allocation.services import lines as line_services
from allocation.services import workflow
from allocation.services.common import ConflictError
from audit.models import AuditEvent
from tests.allocation.factories import fs1_line

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Viele neu zugewanderte Familien seit dem Stichtag."


def _exception_line(world, plan, by=None):
    """Kita B: FM 40, above the lower bound 35 but not above the mean 50."""
    return line_services.line_add(
        plan=plan,
        kita=world.kitas["B"],
        strand="FS3",
        fte="0.5",
        justification=JUSTIFICATION,
        acting_user=by or world.staff,
    )


def _page(client, user, plan):
    client.force_login(user)
    return client.get(reverse("allocation:plan_detail", args=[plan.pk])).content.decode()


def _row(html, line):
    match = re.search(rf'<tr data-testid="line" data-line="{line.pk}">(.*?)</tr>', html, re.S)
    assert match, "line not on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_a_justified_exception_is_not_eligible_until_the_leitung_accepts_it(client, world, plan):
    line = _exception_line(world, plan)
    row = _row(_page(client, world.staff, plan), line)
    assert "Ausnahme noch nicht anerkannt" in row
    assert "Begründete Ausnahme – noch nicht von der Leitung anerkannt" in row
    assert "Ausnahme anerkennen" not in row  # the Fachkraft has no button
    assert "Wartet auf die Anerkennung durch die Jugendamt-Leitung" in row

    html = _page(client, world.leitung, plan)
    assert "Ausnahme anerkennen" in _row(html, line)
    client.post(
        reverse("allocation:line_exception_accept", args=[line.pk]), {"version": line.version}
    )
    line.refresh_from_db()
    assert line.exception_accepted_by == world.leitung
    row = _row(_page(client, world.staff, plan), line)
    assert "Ausnahme mit Begründung" in row and "noch nicht" not in row
    assert f"Ausnahme anerkannt am {line.exception_accepted_at:%d.%m.%Y} von" in row


def test_the_lines_last_editor_cannot_accept_it_a_second_leitung_can(client, world, plan):
    line = _exception_line(world, plan, by=world.leitung)
    row = _row(_page(client, world.leitung, plan), line)
    assert "Ausnahme anerkennen" not in row
    assert "Sie haben die Zeile zuletzt bearbeitet" in row
    with pytest.raises(ValidationError, match="zuletzt bearbeitet"):
        exception_services.line_exception_accept(
            line=line, acting_user=world.leitung, expected_version=line.version
        )
    exception_services.line_exception_accept(
        line=line, acting_user=world.leitung2, expected_version=line.version
    )
    line.refresh_from_db()
    assert line.exception_accepted_by == world.leitung2


def test_a_fachkraft_cannot_accept_and_the_page_gives_404(client, world, plan):
    line = _exception_line(world, plan)
    with pytest.raises(PermissionDenied):
        exception_services.line_exception_accept(
            line=line, acting_user=world.staff, expected_version=line.version
        )
    client.force_login(world.staff)
    url = reverse("allocation:line_exception_accept", args=[line.pk])
    assert client.post(url, {"version": line.version}).status_code == 404
    line.refresh_from_db()
    assert line.exception_accepted_at is None


def test_a_line_above_the_mean_is_no_exception_to_accept(world, plan):
    line = line_services.line_add(
        plan=plan, kita=world.kitas["A"], strand="FS3", fte="0.5", acting_user=world.staff
    )
    with pytest.raises(ValidationError, match="keine begründete Ausnahme"):
        exception_services.line_exception_accept(
            line=line, acting_user=world.leitung, expected_version=line.version
        )


def test_accepting_a_changed_line_is_refused(world, plan):
    line = _exception_line(world, plan)
    stale = line.version
    line_services.line_update(
        line_id=line.pk, expected_version=stale, fte="0.25", acting_user=world.staff
    )
    with pytest.raises(ConflictError):
        exception_services.line_exception_accept(
            line=line, acting_user=world.leitung, expected_version=stale
        )


def test_the_acceptance_is_audited_with_who_and_what(world, plan):
    line = _exception_line(world, plan)
    exception_services.line_exception_accept(
        line=line, acting_user=world.leitung, expected_version=line.version
    )
    event = AuditEvent.objects.get(action="line.exception_accept")
    assert event.actor == world.leitung
    assert event.new["justification"] == JUSTIFICATION
    assert event.new["last_editor"] == world.staff.username


def test_a_new_justification_takes_the_acceptance_back_and_the_change_says_so(world, plan):
    line = _exception_line(world, plan)
    line = exception_services.line_exception_accept(
        line=line, acting_user=world.leitung, expected_version=line.version
    )
    # a change of the FTE keeps it
    line = line_services.line_update(
        line_id=line.pk, expected_version=line.version, fte="0.25", acting_user=world.staff
    )
    assert line.exception_accepted_at is not None
    line = line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        justification="Andere Begründung",
        acting_user=world.staff,
    )
    line.refresh_from_db()
    assert line.exception_accepted_at is None and line.exception_accepted_by is None
    event = AuditEvent.objects.filter(action="line.update").latest("pk")
    assert event.old["exception_accepted_by"] == world.leitung.username
    assert event.new["exception_accepted_by"] == ""


def test_a_plan_with_a_waiting_exception_is_not_decided(client, world, plan):
    fs1_line(world, plan)
    line = _exception_line(world, plan)
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    plan.refresh_from_db()
    html = _page(client, world.leitung, plan)
    assert "Begründete Ausnahme noch nicht von der Leitung anerkannt: Kita B, FS3" in html
    with pytest.raises(ValidationError, match="noch nicht von der Leitung anerkannt"):
        workflow.plan_approve(plan=plan, acting_user=world.leitung)
    exception_services.line_exception_accept(
        line=line, acting_user=world.leitung, expected_version=line.version
    )
    plan.refresh_from_db()
    # accepting is no edit of the plan: the same Leitung may still decide it
    workflow.plan_approve(plan=plan, acting_user=world.leitung)
    plan.refresh_from_db()
    assert plan.is_approved
