"""A Träger never sees a draft plan through the report pages: neither on the page the
Träger is sent to nor, when the representative also leads a Kita, on the Kita page."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from allocation.models import AllocationLine
from sozialraeume import roles
from tests.policy_world import build_policy_world

pytestmark = pytest.mark.django_db

REPORT_PAGES = [
    ("reports:committee_latest", {}),
    ("reports:committee", {"year": 2026}),
    ("reports:trends", {}),
    ("reports:dashboard", {}),
    ("reports:traeger", {}),
    ("reports:kita", {}),
    ("reports:exports", {}),
    ("reports:export_lines", {"year": 2026}),
    ("reports:export_proof_of_use", {"year": 2026, "fmt": "xlsx"}),
]


@pytest.fixture
def w():
    return build_policy_world()


def _line(plan, kita, qualification):
    return AllocationLine.objects.create(
        plan=plan,
        kita=kita,
        strand="FS1",
        fte=Decimal("0.50"),
        annual_cost=Decimal("35000.00"),
        state_part=Decimal("21000.00"),
        qualification=qualification,
    )


def _signs_of(plan) -> list[str]:
    return [str(plan), reverse("allocation:plan_detail", kwargs={"pk": plan.pk})]


def test_the_traeger_is_sent_to_their_plans_without_the_draft(client, w):
    client.force_login(w.users["traeger"])
    for start in (reverse("start"), reverse("reports:traeger")):
        response = client.get(start, follow=True)
        assert response.status_code == 200
        html = response.content.decode()
        for name in ("nord_consultation", "nord_proposal", "nord_approved"):
            assert str(w[name]) in html, name
        assert not [sign for sign in _signs_of(w["nord_draft"]) if sign in html]


def test_no_report_page_shows_the_traeger_a_draft_plan(client, w):
    client.force_login(w.users["traeger"])
    draft = w["nord_draft"]
    for name, kwargs in REPORT_PAGES:
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in (302, 403), name
        if response.status_code == 302:  # only the Träger page, to the Träger dashboard
            assert response["Location"] == reverse("allocation:traeger_dashboard"), name
        text = response.content.decode(errors="replace")
        assert not [sign for sign in _signs_of(draft) if sign in text], name


def test_a_traeger_who_also_leads_a_kita_sees_only_approved_positions_on_the_kita_page(client, w):
    rep = w.users["traeger"]
    rep.groups.add(Group.objects.get(name=roles.KITA_LEITUNG))
    rep.kitas.set([w["kita_a"]])
    _line(w["nord_draft"], w["kita_a"], "Qualifikation im Entwurf")
    _line(w["nord_consultation"], w["kita_a"], "Qualifikation in Abstimmung")
    _line(w["nord_approved"], w["kita_a"], "Beschlossene Qualifikation")
    client.force_login(rep)
    html = client.get(reverse("reports:kita")).content.decode()
    assert "Beschlossene Qualifikation" in html
    assert "Qualifikation im Entwurf" not in html
    assert "Qualifikation in Abstimmung" not in html
