"""Finding 8 of issue 12: the Kita history (/verteilung/kita/<id>/verlauf/) shows a Träger
and a Kita leader only plans in consultation or later, never a draft, and reads as German
text (labels, names, "alt → neu"), never as codes or Python dicts."""

import pytest
from django.urls import reverse

from allocation.permissions import plan_policy
from allocation.services import lines as line_services
from allocation.services import workflow
from tests.policy_world import build_policy_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return build_policy_world()


def _add_line(w, plan, justification):
    from tests.foerderung.factories import make_fs4_request

    return line_services.line_add(
        plan=plan,
        kita=w["kita_a"],
        fs4_request=make_fs4_request(w["kita_a"], requested_by=w.users["ja"]),
        strand="FS4",
        fte="0.5",
        annual_cost="30000",
        justification=justification,
        acting_user=w.users["ja"],
    )


def _history(client, user, kita) -> str:
    client.force_login(user)
    response = client.get(reverse("allocation:kita_history", kwargs={"pk": kita.pk}))
    assert response.status_code == 200
    return response.content.decode()


def test_leader_and_traeger_see_the_kita_history_of_plans_past_draft_never_a_draft(client, w):
    _add_line(w, w["nord_draft"], "Begründung im Entwurf")
    _add_line(w, w["nord_consultation"], "Begründung in Abstimmung")
    for who in ("kita", "traeger"):
        html = _history(client, w.users[who], w["kita_a"])
        assert "Begründung in Abstimmung" in html, who
        assert "Begründung im Entwurf" not in html, who
    staff = _history(client, w.users["ja"], w["kita_a"])
    assert "Begründung im Entwurf" in staff and "Begründung in Abstimmung" in staff


def test_a_plan_sent_back_to_draft_leaves_the_leaders_history(client, w):
    plan = w["nord_consultation"]
    _add_line(w, plan, "Begründung in Abstimmung")
    assert "Begründung in Abstimmung" in _history(client, w.users["kita"], w["kita_a"])
    workflow.plan_rework(plan=plan, acting_user=w.users["ja"], reason="neu rechnen")
    assert "Begründung in Abstimmung" not in _history(client, w.users["kita"], w["kita_a"])


def test_the_history_reads_as_german_text(client, w):
    line = _add_line(w, w["nord_consultation"], "Begründung in Abstimmung")
    line_services.line_update(
        line_id=line.pk,
        expected_version=line.version,
        fte="0.25",
        annual_cost="15000",
        reason="halbe Stelle",
        acting_user=w.users["ja"],
    )
    html = _history(client, w.users["kita"], w["kita_a"])
    assert "Zeile geändert" in html and "Zeile angelegt" in html
    assert "0,50 → 0,25" in html
    assert "line.update" not in html and "{&#x27;" not in html and "{'" not in html


def test_a_leader_follows_only_the_plans_of_their_own_kitas_sozialraum(w):
    leader, other_leader = w.users["kita"], w.users["kita2"]
    seen = set(plan_policy.instances_for(leader, "view_kita_lines"))
    assert w["nord_consultation"] in seen and w["nord_approved"] in seen
    assert w["nord_draft"] not in seen and w["sued_consultation"] not in seen
    for plan in (w["nord_draft"], w["nord_consultation"], w["sued_consultation"]):
        assert plan_policy.user_can(leader, "view_kita_lines", plan) == (plan in seen)
    assert w["nord_consultation"] not in set(
        plan_policy.instances_for(other_leader, "view_kita_lines")
    )
    # a leader still cannot open the plan itself
    assert not plan_policy.user_can(leader, "view", w["nord_consultation"])


def test_a_traeger_reads_only_decided_reallocations_to_their_kita(client):
    from allocation.services import plans as plan_services
    from allocation.services import reallocations as reallocation_services
    from tests.allocation.factories import make_world

    world = make_world()
    plan = plan_services.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    workflow.plan_start_consultation(plan=plan, acting_user=world.staff)

    def propose(reason):
        return reallocation_services.reallocation_create(
            budget_year=world.budget_year,
            from_sozialraum=world.south,
            to_sozialraum=world.north,
            to_kita=world.kitas["A"],
            amount="500.00",
            reason=reason,
            public_reason="Mehr Kinder im Sozialraum Nord",
            acting_user=world.staff,
        )

    reallocation_services.reallocation_approve(
        reallocation=propose("INTERN genehmigt"), acting_user=world.leitung
    )
    propose("INTERN offen")
    reallocation_services.reallocation_reject(
        reallocation=propose("INTERN abgelehnt"), reason="nein", acting_user=world.leitung
    )
    html = _history(client, world.traeger_user, world.kitas["A"])
    assert "INTERN genehmigt" in html
    assert "INTERN offen" not in html and "INTERN abgelehnt" not in html
    staff = _history(client, world.staff, world.kitas["A"])
    assert "INTERN offen" in staff and "INTERN abgelehnt" in staff
