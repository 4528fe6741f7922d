"""Kita leaders in the consultation (issue 15): the leader reads the lines of their own
Kita only and comments on the plan or one of those lines while the plan is in
consultation."""

import re

import pytest
from django.urls import reverse

from allocation.models import PlanComment
from allocation.services import comments as comment_services
from allocation.services import lines as line_services
from allocation.services import workflow
from sozialraeume import roles
from tests.allocation.factories import fs1_line
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines(world, plan):
    """Nord's plan with a line for Kita A (35.000 €) and one for Kita B (FS1, 0,40 VZÄ)."""
    a = fs1_line(world, plan)
    b = line_services.line_add(
        plan=plan, kita=world.kitas["B"], strand="FS1", fte="0.4", acting_user=world.staff
    )
    return a, b


@pytest.fixture
def leader_b(world):
    return make_user(roles.KITA_LEITUNG, kitas=[world.kitas["B"]], username="leitung-b")


def _page_url(plan, kita):
    return reverse("allocation:kita_consultation", args=[plan.pk, kita.pk])


def _comment_url(plan, kita):
    return reverse("allocation:kita_comment", args=[plan.pk, kita.pk])


def _text(response):
    return re.sub(r"\s+", " ", response.content.decode())


def test_kita_leader_reads_only_the_own_kitas_lines_in_consultation(
    client, world, plan, lines, leader_b
):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    client.force_login(leader_b)
    response = client.get(_page_url(plan, world.kitas["B"]))
    html = _text(response)
    assert response.status_code == 200
    assert "0,40" in html  # the own line
    assert "Kita A" not in html and "35.000,00" not in html  # never another Kita's line
    assert "Kommentieren" in html


def test_kita_leader_gets_404_for_a_draft_another_kita_and_the_plan_page(
    client, world, plan, lines, leader_b
):
    client.force_login(leader_b)
    assert client.get(_page_url(plan, world.kitas["B"])).status_code == 404  # draft
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    assert client.get(_page_url(plan, world.kitas["A"])).status_code == 404
    assert client.get(_page_url(plan, world.kitas["C"])).status_code == 404
    assert client.get(reverse("allocation:plan_detail", args=[plan.pk])).status_code == 404


def test_kita_leader_comments_on_the_own_line_and_it_is_on_both_pages(
    client, world, plan, lines, leader_b
):
    _, line_b = lines
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    client.force_login(leader_b)
    response = client.post(
        _comment_url(plan, world.kitas["B"]), {"text": "Bitte 0,5 VZÄ", "line": line_b.pk}
    )
    assert response.status_code == 302
    comment = PlanComment.objects.get()
    assert comment.author == leader_b and comment.line == line_b
    assert "Bitte 0,5 VZÄ" in _text(client.get(_page_url(plan, world.kitas["B"])))
    client.force_login(world.staff)
    staff_html = _text(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "Bitte 0,5 VZÄ" in staff_html and "zu Zeile: Kita B, FS1" in staff_html


def test_kita_leader_cannot_comment_on_another_kitas_line(client, world, plan, lines, leader_b):
    line_a, _ = lines
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    client.force_login(leader_b)
    response = client.post(_comment_url(plan, world.kitas["B"]), {"text": "x", "line": line_a.pk})
    assert response.status_code == 404
    response = client.post(_comment_url(plan, world.kitas["A"]), {"text": "x"})
    assert response.status_code == 404
    with pytest.raises(Exception, match="nicht zu Ihren Kitas"):
        comment_services.plan_comment_add(plan=plan, text="x", line=line_a, acting_user=leader_b)
    assert not PlanComment.objects.exists()


def test_after_the_decision_the_page_is_read_only_and_comments_are_refused(
    client, world, plan, lines, leader_b
):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    workflow.plan_submit(plan=plan, acting_user=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung)
    client.force_login(leader_b)
    html = _text(client.get(_page_url(plan, world.kitas["B"])))
    assert "0,40" in html and "Der Plan ist beschlossen" in html
    assert 'data-testid="kita-comment-form"' not in html
    response = client.post(_comment_url(plan, world.kitas["B"]), {"text": "zu spät"}, follow=True)
    assert "nur während der Abstimmung" in _text(response)
    assert not PlanComment.objects.exists()


def test_kita_leader_sees_no_comments_about_other_kitas_or_others_on_the_whole_plan(
    client, world, plan, lines, leader_b
):
    line_a, line_b = lines
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    leader_c = make_user(roles.KITA_LEITUNG, kitas=[world.kitas["C"]], username="leitung-c")
    for author, text, line in [
        (world.traeger_user, "Träger zu Kita A", line_a),
        (world.traeger_user, "Träger zum ganzen Plan", None),
        (leader_c, "Kita C zum ganzen Plan", None),
        (leader_b, "Kita B zum ganzen Plan", None),
        (world.staff, "Jugendamt zu Kita B", line_b),
    ]:
        comment_services.plan_comment_add(plan=plan, text=text, line=line, acting_user=author)
    client.force_login(leader_b)
    html = _text(client.get(_page_url(plan, world.kitas["B"])))
    assert "Kita B zum ganzen Plan" in html and "Jugendamt zu Kita B" in html
    for hidden in ("Träger zu Kita A", "Träger zum ganzen Plan", "Kita C zum ganzen Plan"):
        assert hidden not in html


def test_the_start_page_links_the_plan_in_consultation(client, world, plan, lines, leader_b):
    client.force_login(leader_b)
    url = _page_url(plan, world.kitas["B"])
    assert url not in client.get(reverse("reports:kita")).content.decode()  # draft
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    assert url in client.get(reverse("reports:kita")).content.decode()
