"""The budget execution page (issue 16, part P3) reads a constant number of queries: the
open proposals deducted from each Sozialraum's freed amount come from one grouped query
(``allocation.selectors.pending_outgoing_by_sozialraum``), not one per Sozialraum."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from allocation.models import SozialraumShare
from allocation.selectors import pending_outgoing, pending_outgoing_by_sozialraum
from allocation.services import reallocations as rs
from positions.selectors_execution import execution_for_year
from tests.factories import SozialraumFactory
from tests.positions.factories import position_world

pytestmark = pytest.mark.django_db
D = Decimal
STICHTAG = "2026-07-15"


def _propose(world, from_sozialraum, amount, *, source="planned"):
    return rs.reallocation_create(
        budget_year=world.budget_year,
        from_sozialraum=from_sozialraum,
        to_sozialraum=world.south,
        amount=D(amount),
        reason="Vakanz",
        public_reason="Vakanz",
        acting_user=world.staff,
        source=source,
    )


def _sozialraum_with_money(world, number):
    """A further Sozialraum of the Jugendamt with 10.000 € state money, no plan and no
    positions (all of it freed) and an open proposal of 1.000 € out of it."""
    sozialraum = SozialraumFactory(
        jugendamt=world.jugendamt, name=f"Weitere {number}", position=10 + number
    )
    SozialraumShare.objects.create(
        budget_year=world.budget_year,
        sozialraum=sozialraum,
        percent=D("5.00"),
        state_amount=D("10000.00"),
    )
    _propose(world, sozialraum, "1000.00")
    return sozialraum


def _page_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url, {"stichtag": STICHTAG})
    assert page.status_code == 200
    return len(ctx.captured_queries), page.content.decode()


def test_the_page_reads_the_same_queries_whatever_the_number_of_sozialraeume_with_money_left(
    client,
):
    world, _plan, _position = position_world()
    # Nord: 72.000 € state money, forecast state part 21.000 € -> 51.000 € freed; an open
    # proposal of 1.000 € "tatsächlich nicht verausgabt" leaves 50.000 € to propose
    _propose(world, world.north, "1000.00", source="actual")
    client.force_login(world.staff)
    url = reverse("positions:execution", kwargs={"year": 2026})
    client.get(url, {"stichtag": STICHTAG})  # warm up (session, content types)

    few, html = _page_queries(client, url)
    assert "betrag=50.000%2C00" in html

    added = [_sozialraum_with_money(world, n) for n in range(1, 6)]
    many, html = _page_queries(client, url)

    assert many == few
    # every added Sozialraum offers its freed amount less its open proposal
    assert html.count('data-testid="propose-reallocation"') == 2 + len(added)
    for sozialraum in added:
        assert f"von={sozialraum.pk}&amp;betrag=9.000%2C00" in html


def test_the_rows_carry_the_freed_amount_less_the_open_proposals_out_of_each_sozialraum():
    world, _plan, _position = position_world()
    extra = _sozialraum_with_money(world, 1)
    _propose(world, world.north, "1500.00", source="actual")
    decided = _propose(world, world.north, "500.00")
    rs.reallocation_approve(reallocation=decided, acting_user=world.leitung)

    data = execution_for_year(world.budget_year, on=datetime.date(2026, 7, 15))
    rows = {row.sozialraum.pk: row for row in data.rows}
    pending = pending_outgoing_by_sozialraum(world.budget_year.pk)

    # only open proposals count, grouped exactly as the one-Sozialraum selector sums them
    assert pending == {world.north.pk: D("1500.00"), extra.pk: D("1000.00")}
    for sozialraum in (world.north, world.south, extra):
        assert pending.get(sozialraum.pk, D("0.00")) == pending_outgoing(
            world.budget_year.pk, sozialraum.pk
        )
    north = rows[world.north.pk]
    assert north.proposable == north.figures.freed - D("1500.00")
    assert rows[world.south.pk].proposable == rows[world.south.pk].figures.freed
    assert rows[extra.pk].proposable == D("9000.00")
