"""The committee report's section "Umsetzung" (issue 16, part P3): Sozialraum level only,
approved plans only, the small-cell rule, every figure marked Ist or Prognose."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.services import reallocations as rs
from positions.models import ActualCost, CostState
from reports.selectors.committee import committee_report
from sozialraeume import roles
from tests.factories import make_user
from tests.positions.factories import make_position, position_world

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def played():
    """Nord (3 Kitas, approved plan): its position filled from March with 11.600 €
    confirmed for March-June; Süd (1 Kita, no plan): a position vacant until June."""
    world, plan, position = position_world()
    position.months.filter(month__month__in=(1, 2)).update(filled=False)
    ActualCost.objects.create(
        position=position,
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 6, 30),
        amount=D("11600.00"),
        state=CostState.CONFIRMED,
        reported_by=world.staff,
        confirmed_by=world.leitung,
    )
    make_position(
        budget_year=world.budget_year,
        kita=world.kitas["D"],
        fte="1.00",
        planned_cost="60000.00",
        vacant_months=tuple(range(1, 7)),
        number="2026-SUED-001",
    )
    return world, position


def _section(html: str) -> str:
    return re.search(r'<section aria-labelledby="execution-heading".*?</section>', html, re.S)[0]


def test_the_committee_reads_the_execution_of_decided_sozialraeume_without_kitas(client, played):
    world, position = played
    committee = make_user(roles.AUSSCHUSS, jugendamt=world.jugendamt, username="ausschuss-p3")
    client.force_login(committee)
    html = client.get(reverse("reports:committee", kwargs={"year": 2026})).content.decode()
    section = _section(html)
    assert "Umsetzung: besetzte Stellen und Ist-Kosten" in section
    assert "Ist" in section and "Prognose" in section
    nord = re.search(
        r"<tr data-testid=\"execution-row\"><th scope=\"row\">Nord</th>.*?</tr>", section, re.S
    )[0]
    # 11.600 € actual, 6.960 € state part, forecast 11.600 + 35.000 · 6/12 = 29.100 €,
    # unspent 72.000 − 17.460 = 54.540 €
    for figure in (
        "35.000,00\u00a0€",
        "11.600,00\u00a0€",
        "6.960,00\u00a0€",
        "4.640,00\u00a0€",  # the municipal part of the actual cost
        "29.100,00\u00a0€",
        "54.540,00\u00a0€",
    ):
        assert figure in nord
    # planned 0,50 VZÄ; January and February vacant: 0,5 · 10/12 filled (Ist = Prognose)
    staff = re.search(
        r"<tr data-testid=\"execution-staff-row\"><th scope=\"row\">Nord</th>.*?</tr>",
        section,
        re.S,
    )[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', staff)
    assert cells == ["0,50", "0,42", "0,42", "2"], cells
    süd = re.search(
        r"<tr data-testid=\"execution-row\"><th scope=\"row\">Süd</th>.*?</tr>", section, re.S
    )[0]
    assert "keine Zahlen, solange der Plan nicht beschlossen ist" in süd
    assert "60.000" not in section  # Süd's undecided position is not shown
    for secret in (position.number, "2026-SUED-001", "Kita A", "Kita D", "Träger Eins"):
        assert secret not in section


def test_a_small_sozialraum_is_shown_only_inside_the_sum(played):
    world, _position = played
    from tests.positions.factories import approved_plan

    def line_d(w, plan):
        from allocation.services import lines

        return lines.line_add(
            plan=plan,
            kita=w.kitas["D"],
            strand="FS1",
            fte=D("1.00"),
            justification="Vakanz",
            acting_user=w.staff,
        )

    south_plan = approved_plan(world, sozialraum=world.south, lines=[line_d])
    # the Süd position comes from that line (else the line is forecast on its own)
    world.kitas["D"].positions.update(line=south_plan.lines.get())
    report = committee_report(world.budget_year)
    by_name = {r.name: r for r in report.execution_rows}
    assert by_name["Süd"].decided and by_name["Süd"].merged
    # Süd counts in the sum of all Sozialräume (its 30.000 € forecast), not in the other
    assert report.execution_detail_total.forecast_cost == D("29100.00")
    assert report.execution_total.forecast_cost == D("59100.00")


def test_the_committee_sees_where_reallocated_money_came_from(client, played):
    world, _position = played
    r = rs.reallocation_create(
        budget_year=world.budget_year,
        from_sozialraum=world.north,
        to_sozialraum=world.south,
        amount=D("1000.00"),
        reason="Vakanz",
        public_reason="Unbesetzte Monate",
        acting_user=world.staff,
        source="actual",
    )
    rs.reallocation_approve(reallocation=r, acting_user=world.leitung)
    committee = make_user(roles.AUSSCHUSS, jugendamt=world.jugendamt, username="ausschuss-p3b")
    client.force_login(committee)
    html = client.get(reverse("reports:committee", kwargs={"year": 2026})).content.decode()
    assert "tatsächlich nicht verausgabt" in html
    # the freed amount shrinks by what was moved: 54.540 − 1.000
    assert "53.540,00\u00a0€" in _section(html)
