"""Unspent funds of the budget execution and the reallocation made from them (issue 16,
part P3): the freed amount to the cent, the source "tatsächlich nicht verausgabt", its
limit, the four eyes, and the staff page with its prefilled proposal link."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from allocation.models import Reallocation
from allocation.selectors import state_amount_for
from allocation.services import reallocations as rs
from positions.models import ActualCost, CostState
from positions.selectors_execution import execution_for_year, freed_state_amount
from sozialraeume import roles
from tests.factories import make_user
from tests.positions.factories import make_position, position_world

pytestmark = pytest.mark.django_db
D = Decimal


def _cost(position, start, end, amount, user):
    return ActualCost.objects.create(
        position=position,
        period_start=start,
        period_end=end,
        amount=D(amount),
        state=CostState.CONFIRMED,
        reported_by=user,
        confirmed_by=user,
    )


@pytest.fixture
def year_played():
    """Nord (state amount 72.000 €): its one position (0,5 VZÄ, 35.000 €) filled from
    March, costs confirmed for March (2.900 €) and April-June (8.700 €); a Süd position
    (1,0 VZÄ, 60.000 €) vacant until June without costs."""
    world, plan, position = position_world()
    position.months.filter(month__month__in=(1, 2)).update(filled=False)
    _cost(position, datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), "2900.00", world.staff)
    _cost(position, datetime.date(2026, 4, 1), datetime.date(2026, 6, 30), "8700.00", world.staff)
    make_position(
        budget_year=world.budget_year,
        kita=world.kitas["D"],
        fte="1.00",
        planned_cost="60000.00",
        vacant_months=tuple(range(1, 7)),
        number="2026-2-001",
    )
    return world


def test_the_unspent_state_amount_is_what_the_positions_will_not_spend(year_played):
    w = year_played
    data = execution_for_year(w.budget_year, on=datetime.date(2026, 7, 15))
    nord, sued = (r.figures for r in data.rows)
    assert state_amount_for(w.budget_year.pk, w.north.pk) == D("72000.00")
    # forecast: 11.600 confirmed + 35.000 · 6/12 (July-December) = 29.100,00
    assert nord.actual_cost == D("11600.00")
    assert nord.forecast_cost == D("29100.00")
    assert nord.forecast_state == D("17460.00")  # 60 %
    assert nord.forecast_municipal == D("11640.00")  # 40 %
    assert nord.projected_unspent == D("54540.00")  # 72.000 − 17.460
    assert nord.actual_unspent == D("65040.00")  # 72.000 − 6.960
    assert nord.vacancy_months == 2
    # Süd (48.000 €): 60.000 · 6/12 = 30.000 forecast, 18.000 state part
    assert sued.forecast_cost == D("30000.00")
    assert sued.projected_unspent == D("30000.00")
    assert sued.vacancy_months == 6
    assert freed_state_amount(w.budget_year, w.north.pk, pending=True) == D("54540.00")


def test_a_reallocation_of_actually_unspent_money_may_not_exceed_the_freed_amount(year_played):
    w = year_played
    args = dict(
        budget_year=w.budget_year,
        from_sozialraum=w.north,
        to_sozialraum=w.south,
        reason="Stelle zwei Monate unbesetzt",
        public_reason="Unbesetzte Monate",
        acting_user=w.staff,
        source="actual",
    )
    with pytest.raises(ValidationError) as exc:
        rs.reallocation_create(amount=D("54540.01"), **args)
    assert "54.540,00 €" in str(exc.value)
    assert "nicht verausgaben" in str(exc.value)
    r = rs.reallocation_create(amount=D("54540.00"), **args)
    assert r.source == "actual"
    # the open proposal is deducted: nothing more to propose
    assert freed_state_amount(w.budget_year, w.north.pk, pending=True) == D("0.00")
    with pytest.raises(ValidationError):
        rs.reallocation_create(amount=D("1.00"), **args)
    # four eyes: the Leitung (not the proposer) approves, the money moves
    rs.reallocation_approve(reallocation=r, acting_user=w.leitung)
    assert state_amount_for(w.budget_year.pk, w.north.pk) == D("17460.00")
    assert state_amount_for(w.budget_year.pk, w.south.pk) == D("102540.00")
    assert freed_state_amount(w.budget_year, w.north.pk, pending=False) == D("0.00")


def test_not_yet_planned_money_is_still_limited_by_the_plan_lines(year_played):
    w = year_played
    # Nord planned 21.000 € state part of 72.000 €: 51.000 € not planned
    with pytest.raises(ValidationError) as exc:
        rs.reallocation_create(
            budget_year=w.budget_year,
            from_sozialraum=w.north,
            to_sozialraum=w.south,
            amount=D("51000.01"),
            reason="x",
            public_reason="Vakanz",
            acting_user=w.staff,
        )
    assert "nicht verplante" in str(exc.value)
    r = rs.reallocation_create(
        budget_year=w.budget_year,
        from_sozialraum=w.north,
        to_sozialraum=w.south,
        amount=D("51000.00"),
        reason="x",
        public_reason="Vakanz",
        acting_user=w.staff,
    )
    assert r.source == "planned"


def test_an_approval_is_refused_when_the_freed_amount_shrank_meanwhile(year_played):
    w = year_played
    r = rs.reallocation_create(
        budget_year=w.budget_year,
        from_sozialraum=w.north,
        to_sozialraum=w.south,
        amount=D("54540.00"),
        reason="x",
        public_reason="Vakanz",
        acting_user=w.staff,
        source="actual",
    )
    # July was filled and cost more than planned: the forecast grows by 100 €
    position = w.kitas["A"].positions.get()
    _cost(position, datetime.date(2026, 7, 1), datetime.date(2026, 7, 31), "3016.67", w.staff)
    with pytest.raises(ValidationError) as exc:
        rs.reallocation_approve(reallocation=r, acting_user=w.leitung)
    assert "nicht verausgaben" in str(exc.value)
    r.refresh_from_db()
    assert r.state == "proposed"


def test_the_staff_page_shows_the_figures_and_offers_the_prefilled_proposal(client, year_played):
    w = year_played
    client.force_login(w.staff)
    url = reverse("positions:execution", kwargs={"year": 2026})
    page = client.get(url, {"stichtag": "2026-07-15"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "54.540,00\u00a0€" in html
    assert "29.100,00\u00a0€" in html
    assert "Prognose" in html and "Ist" in html
    assert "herkunft=actual" in html and "betrag=54.540%2C00" in html
    query = f"jahr=2026&von={w.north.pk}&betrag=54.540,00&herkunft=actual"
    link = f"{reverse('allocation:plan_list')}?{query}"
    form_page = client.get(link).content.decode()
    assert 'value="54.540,00"' in form_page
    assert '<option value="actual" selected>' in form_page
    # posting it with a cent too much is refused with the German message
    posted = client.post(
        reverse("allocation:reallocation_create", kwargs={"pk": w.budget_year.pk}),
        {
            "from_sozialraum": w.north.pk,
            "to_sozialraum": w.south.pk,
            "amount": "54.540,01",
            "source": "actual",
            "reason": "Vakanz",
            "public_reason": "Vakanz",
        },
    )
    assert posted.status_code == 400
    assert "die die Stellen nicht verausgaben" in posted.content.decode()
    assert not Reallocation.objects.exists()


def test_the_reallocation_list_names_the_source_in_words(client, year_played):
    w = year_played
    rs.reallocation_create(
        budget_year=w.budget_year,
        from_sozialraum=w.north,
        to_sozialraum=w.south,
        amount=D("100.00"),
        reason="x",
        public_reason="Vakanz",
        acting_user=w.staff,
        source="actual",
    )
    client.force_login(w.leitung)
    html = client.get(reverse("allocation:plan_list"), {"jahr": 2026}).content.decode()
    assert "tatsächlich nicht verausgabt" in html


def test_traeger_and_committee_do_not_see_the_staff_page(client, year_played):
    w = year_played
    url = reverse("positions:execution", kwargs={"year": 2026})
    client.force_login(w.traeger_user)
    assert client.get(url).status_code == 403
    committee = make_user(roles.AUSSCHUSS, jugendamt=w.jugendamt, username="ausschuss-x")
    client.force_login(committee)
    assert client.get(url).status_code == 403
    client.force_login(w.staff)
    assert client.get(reverse("positions:execution", kwargs={"year": 2031})).status_code == 404
