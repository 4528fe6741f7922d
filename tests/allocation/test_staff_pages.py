"""Issue 14, staff and Träger on the plan pages: workflow buttons only for those who can use
them now (with the reason otherwise), people by full name, Träger comments on one line,
amounts that do not wrap, the plan list filtered by state."""

import re

import pytest
from django.urls import reverse

from allocation.models import PlanComment, PlanState
from allocation.services import lines as line_services
from allocation.services import plans as plan_services
from allocation.services import workflow
from audit.models import AuditEvent
from tests.allocation.factories import fs1_line

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def _html(response) -> str:
    return response.content.decode()


def _named(world):
    world.staff.first_name, world.staff.last_name = "Jana", "Fachkraft"
    world.staff.save()
    world.leitung.first_name, world.leitung.last_name = "Jonas", "Leitner"
    world.leitung.save()
    world.leitung2.first_name, world.leitung2.last_name = "Lea", "Zweite"
    world.leitung2.save()
    world.traeger_user.first_name, world.traeger_user.last_name = "Tara", "Trägerin"
    world.traeger_user.save()


def _to_proposal(world, plan, *, editor):
    fs1_line(world, plan, by=editor)
    plan.refresh_from_db()
    plan = workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    return workflow.plan_submit(plan=plan, acting_user=world.staff)


def _transition_buttons(html: str) -> list[str]:
    form = html.split('id="transition-form"', 1)[1].split("</form>", 1)[0]
    return re.findall(r"/status/([a-z_]+)/", form)


# --- workflow buttons ----------------------------------------------------------------------


def test_last_editor_gets_no_approve_button_but_the_four_eyes_reason(client, world, plan):
    plan = _to_proposal(world, plan, editor=world.leitung)
    assert plan.last_editor_id == world.leitung.pk
    client.force_login(world.leitung)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "approve" not in _transition_buttons(html)
    assert "rework" in _transition_buttons(html)
    note = re.search(r'data-testid="workflow-note" data-step="approve">(.*?)</p>', html, re.S)
    assert note, "the reason why Beschließen is not offered"
    assert "Sie haben zuletzt bearbeitet – eine zweite Person beschließt" in note.group(1)


def test_second_leitung_gets_the_approve_button_and_no_reason(client, world, plan):
    plan = _to_proposal(world, plan, editor=world.leitung)
    client.force_login(world.leitung2)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "approve" in _transition_buttons(html)
    assert 'data-step="approve"' not in html


def test_fachkraft_never_sees_the_approve_button(client, world, plan):
    plan = _to_proposal(world, plan, editor=world.staff)
    client.force_login(world.staff)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "approve" not in _transition_buttons(html)
    assert 'data-step="approve"' not in html  # not theirs at all: no reason either


def test_over_budget_plan_shows_the_budget_reason_instead_of_the_button(client, world, plan):
    line_services.line_add(
        plan=plan,
        kita=world.kitas["A"],
        strand="FS1",
        fte="2",
        annual_cost="140000",
        acting_user=world.staff,
    )
    plan.refresh_from_db()
    plan = workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan = workflow.plan_submit(plan=plan, acting_user=world.staff)
    client.force_login(world.leitung)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "approve" not in _transition_buttons(html)
    note = re.search(r'data-step="approve">(.*?)</p>', html, re.S).group(1)
    assert "übersteigt den Landesanteil des Sozialraums" in note


def test_the_service_still_refuses_the_last_editor(world, plan):
    plan = _to_proposal(world, plan, editor=world.leitung)
    with pytest.raises(Exception) as exc:
        workflow.plan_approve(plan=plan, acting_user=world.leitung)
    assert "Vier-Augen-Prinzip" in str(exc.value)
    plan.refresh_from_db()
    assert plan.state == PlanState.PROPOSAL


# --- full names ----------------------------------------------------------------------------


def test_plan_page_and_history_name_people_by_full_name(client, world, plan):
    _named(world)
    plan = _to_proposal(world, plan, editor=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung)
    client.force_login(world.staff)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "von Jonas Leitner" in html
    assert "von leitung<" not in html and "von leitung " not in html
    history = _html(client.get(reverse("allocation:plan_history", args=[plan.pk])))
    persons = re.findall(r"</time></th>\s*<td>([^<]*)</td>", history)
    assert "Jonas Leitner" in persons and "Jana Fachkraft" in persons
    assert "leitung" not in persons and "fachkraft" not in persons


def test_a_person_without_a_name_appears_by_login(client, world, plan):
    plan = _to_proposal(world, plan, editor=world.staff)
    workflow.plan_approve(plan=plan, acting_user=world.leitung)
    client.force_login(world.staff)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "von leitung" in html


def test_user_display_name_falls_back_to_the_login(world):
    assert world.leitung.display_name == "leitung"
    world.leitung.first_name, world.leitung.last_name = "Jana", "Leitner"
    assert world.leitung.display_name == "Jana Leitner"


def test_demo_users_have_first_and_last_names_even_in_an_older_demo_database():
    from django.contrib.auth import get_user_model

    from sozialraeume import demo

    # An older demo database: the Leitung's account exists without a name.
    get_user_model().objects.create(username="jugendamt-leitung")
    demo.seed()
    users = get_user_model().objects.filter(username__in=[u for u, *_ in demo.DEMO_USERS])
    assert users.count() == len(demo.DEMO_USERS)
    for user in users:
        assert user.first_name and user.last_name, user.username
        assert user.display_name != user.username


# --- Träger comments on a line -------------------------------------------------------------


@pytest.fixture
def consultation(world, plan):
    """Nord in Abstimmung with a line for Kita A (Träger Eins) and one for Kita B (Zwei)."""
    own = fs1_line(world, plan)
    foreign = line_services.line_add(
        plan=plan,
        kita=world.kitas["B"],
        strand="FS1",
        fte="0.5",
        annual_cost="35000",
        acting_user=world.staff,
    )
    plan.refresh_from_db()
    plan = workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    return plan, own, foreign


def test_traeger_comment_form_offers_only_lines_of_their_own_kitas(client, world, consultation):
    plan, own, foreign = consultation
    client.force_login(world.traeger_user)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    select = html.split('name="line"', 1)[1].split("</select>", 1)[0]
    assert f'value="{own.pk}"' in select and "Kita A, FS1" in select
    assert f'value="{foreign.pk}"' not in select and "Kita B" not in select


def test_traeger_comment_on_own_line_is_shown_under_the_line_and_audited(
    client, world, consultation
):
    _named(world)
    plan, own, _foreign = consultation
    client.force_login(world.traeger_user)
    response = client.post(
        reverse("allocation:plan_comment", args=[plan.pk]),
        {"text": "Die Stelle ist ab März besetzt.", "line": own.pk},
    )
    assert response.status_code == 302
    comment = PlanComment.objects.get(plan=plan)
    assert comment.line_id == own.pk and comment.author_id == world.traeger_user.pk
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    under_line = re.search(
        rf'data-testid="line-comments" data-line="{own.pk}">(.*?)</tr>', html, re.S
    ).group(1)
    assert "Die Stelle ist ab März besetzt." in under_line and "Tara Trägerin" in under_line
    comments = html.split('id="kommentare"', 1)[1]
    assert "zu Zeile: Kita A, FS1" in comments and "Die Stelle ist ab März besetzt." in comments
    event = AuditEvent.objects.get(action="plan.comment")
    assert event.new["line_id"] == own.pk and event.new["line"] == "Kita A, FS1"


def test_traeger_comment_on_a_foreign_line_is_refused(client, world, consultation):
    plan, _own, foreign = consultation
    client.force_login(world.traeger_user)
    response = client.post(
        reverse("allocation:plan_comment", args=[plan.pk]),
        {"text": "Zur Kita B", "line": foreign.pk},
    )
    assert response.status_code == 404
    assert not PlanComment.objects.exists()
    assert not AuditEvent.objects.filter(action="plan.comment").exists()


def test_the_service_refuses_a_line_of_another_traeger(world, consultation):
    from django.core.exceptions import ValidationError

    plan, _own, foreign = consultation
    with pytest.raises(ValidationError):
        plan_services.plan_comment_add(
            plan=plan, text="Zur Kita B", line=foreign, acting_user=world.traeger_user
        )
    assert not PlanComment.objects.exists()


def test_a_comment_without_line_is_about_the_plan(client, world, consultation):
    plan, _own, _foreign = consultation
    client.force_login(world.traeger_user)
    client.post(reverse("allocation:plan_comment", args=[plan.pk]), {"text": "Allgemein"})
    comment = PlanComment.objects.get(plan=plan)
    assert comment.line_id is None
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert "Allgemein" in html and 'data-testid="line-comments"' not in html


# --- amounts and the plan list filter -------------------------------------------------------


def test_amounts_keep_their_unit_with_a_non_breaking_space(client, world, plan):
    fs1_line(world, plan)
    client.force_login(world.staff)
    html = _html(client.get(reverse("allocation:plan_detail", args=[plan.pk])))
    assert f"35.000,00{NBSP}€" in html
    assert "35.000,00 €" not in html
    # the sums' labels keep "(40 %)" together too
    assert f"Kommunaler Anteil (40{NBSP}%)" in html and "(40 %)" not in html
    overview = _html(client.get(reverse("allocation:plan_list") + "?jahr=2026"))
    assert re.search(rf"\d,\d\d{NBSP}%", overview)
    assert not re.search(r"\d,\d\d %", overview)


def test_plan_list_filtered_by_state_shows_only_those_plans(client, world, plan):
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)
    plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.south, acting_user=world.staff
    )
    client.force_login(world.staff)
    url = reverse("allocation:plan_list")
    everything = _html(client.get(url, {"jahr": 2026}))
    assert everything.count('data-testid="overview-row"') == 2
    filtered = _html(client.get(url, {"jahr": 2026, "status": "consultation"}))
    assert filtered.count('data-testid="overview-row"') == 1
    assert "Nord" in filtered.split('data-testid="overview-row"', 1)[1].split("</tr>", 1)[0]
    assert 'data-testid="status-filter"' in filtered and "In Abstimmung" in filtered
