"""The position pages (issue 16, P1): what staff and Träger see and do."""

from __future__ import annotations

import pytest
from django.urls import reverse

from positions.models import Position
from tests.allocation.factories import fs1_line
from tests.positions.factories import approved_plan, make_position, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_the_plan_page_links_an_approved_plan_to_its_positions_page(client, world):
    plan = approved_plan(world)
    client.force_login(world.staff)
    page = client.get(reverse("allocation:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("positions:plan_positions", args=[plan.pk]) in page
    assert "Stellen aus dem Beschluss anlegen" in page


def test_staff_create_two_positions_from_a_line_on_the_page(client, world):
    plan = approved_plan(world)
    line = plan.lines.get()
    client.force_login(world.staff)
    url = reverse("positions:plan_positions", args=[plan.pk])
    response = client.post(
        url, {"line": line.pk, "count": "2", "starts_on": "2026-03-01"}, follow=True
    )
    text = response.content.decode()
    assert "Angelegt: 2026-1-001, 2026-1-002." in text
    assert sorted(Position.objects.values_list("fte", flat=True)) == [
        line.fte / 2,
        line.fte / 2,
    ]
    assert "Für alle Zeilen sind Stellen angelegt." in text


def test_a_traeger_sees_only_the_positions_it_employs(client, world):
    plan = approved_plan(world, lines=[fs1_line])
    own = make_position(
        budget_year=world.budget_year,
        kita=world.kitas["A"],
        number="2026-1-001",
        line=plan.lines.get(),
    )
    other = make_position(budget_year=world.budget_year, kita=world.kitas["B"], number="2026-1-002")
    client.force_login(world.traeger_user)
    page = client.get(reverse("positions:position_list")).content.decode()
    assert own.number in page
    assert other.number not in page
    assert client.get(reverse("positions:position_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("positions:position_months", args=[own.pk])).status_code == 403


def test_months_unticked_on_the_page_show_as_vacant(client, world):
    position = make_position(budget_year=world.budget_year, kita=world.kitas["A"])
    client.force_login(world.staff)
    data = {f"m{m}": "on" for m in range(6, 13)}
    client.post(reverse("positions:position_months", args=[position.pk]), data)
    page = client.get(reverse("positions:position_list"), {"jahr": 2026}).content.decode()
    assert f'data-testid="vacant-{position.number}">5<' in page


def test_shares_not_adding_up_to_100_are_refused_in_german(client, world):
    position = make_position(budget_year=world.budget_year, kita=world.kitas["A"])
    client.force_login(world.staff)
    a, b = world.kitas["A"].pk, world.kitas["B"].pk
    response = client.post(
        reverse("positions:position_shares", args=[position.pk]), {f"p{a}": "60", f"p{b}": "30"}
    )
    assert "Die Anteile müssen zusammen 100 % ergeben, nicht 90,00 %." in response.content.decode()
    assert not position.shares.exists()


def test_the_catalogue_page_starts_with_the_default_qualifications(client, world):
    client.force_login(world.staff)
    page = client.get(reverse("positions:qualification_list")).content.decode()
    assert "Kindheitspädagogin/Kindheitspädagoge (B.A.)" in page
    assert "§ 3 Fachkräfteverordnung (KiTaG RLP)" in page
