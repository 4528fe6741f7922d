"""The committee report counts only what is decided, and its totals agree to the cent
(issue 12, findings 2 and 3), on the demo data, web page and PDF."""

import re
import shutil
from decimal import Decimal

import pytest

from allocation import distribution as d
from allocation.models import AllocationLine, AllocationPlan, BudgetYear, SozialraumShare
from allocation.services import plans as plan_services
from allocation.services import workflow
from sozialraeume.models import Sozialraum
from tests.reports.conftest import pdf_text

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext fehlt (poppler-utils)"
)
PLANNED = re.compile(r"verplant \(Personalkosten\)</th><td class=\"num\">([^<]*)</td>")
REVISED = "Der beschlossene Plan wird überarbeitet"


def eur(value: Decimal) -> str:
    """German money text as the report writes it: 1.234,56 €."""
    text = f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return f"{text} €"


def _page(client, user, year: int) -> str:
    client.force_login(user)
    response = client.get(f"/berichte/ausschuss/{year}/")
    assert response.status_code == 200
    return response.content.decode()


def _pdf(client, user, year: int, tmp_path) -> str:
    client.force_login(user)
    response = client.get(f"/berichte/ausschuss/{year}/", {"format": "pdf"})
    assert response.status_code == 200
    return " ".join(pdf_text(response.content, tmp_path, layout=False).split())


def _section(html: str, heading_id: str) -> str:
    return html.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def _row(section: str, name: str) -> str:
    return section.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]


def _planned_cost(plan) -> Decimal:
    return sum((line.annual_cost for line in AllocationLine.objects.filter(plan=plan)), Decimal(0))


def _plan_through_consultation(by, sr, staff, leitung):
    """A plan made as the Jugendamt makes it: proposal by rule, consultation (shortened by
    the Leitung with a reason), Beschlussvorlage."""
    plan = plan_services.plan_create(budget_year=by, sozialraum=sr, acting_user=staff)
    plan_services.plan_propose(plan=plan, acting_user=staff)
    workflow.plan_start_consultation(plan=plan, acting_user=staff)
    workflow.plan_consultation_shorten(
        plan=plan,
        acting_user=leitung,
        reason="Träger haben schon im Sozialraumteam zugestimmt.",
        public_reason="Die Träger haben im Sozialraumteam bereits zugestimmt.",
    )
    workflow.plan_submit(plan=plan, acting_user=staff)
    return AllocationPlan.objects.get(pk=plan.pk)


@pytest.fixture
def year_2027(demo, role_users):
    """2027 in the demo: Pariser Viertel decided, Ost only a Beschlussvorlage."""
    by = BudgetYear.objects.get(jugendamt=demo, year=2027)
    staff, leitung = role_users["jugendamt"], role_users["jugendamt-leitung"]
    srs = {sr.name: sr for sr in Sozialraum.objects.filter(jugendamt=demo)}
    decided = _plan_through_consultation(by, srs["Pariser Viertel"], staff, leitung)
    workflow.plan_approve(plan=decided, acting_user=leitung, reason="Beschluss")
    proposal = _plan_through_consultation(by, srs["Ost"], staff, leitung)
    assert _planned_cost(decided) > 0 and _planned_cost(proposal) > 0
    return by, decided, proposal


@pytest.mark.parametrize("role", ["ausschuss", "jugendamt", "jugendamt-leitung"])
def test_planned_counts_only_the_approved_plan_not_the_beschlussvorlage(
    client, role_users, year_2027, role
):
    _by, decided, proposal = year_2027
    html = _page(client, role_users[role], 2027)
    assert PLANNED.search(html).group(1) == eur(_planned_cost(decided))
    assert eur(_planned_cost(decided) + _planned_cost(proposal)) not in html
    # The Beschlussvorlage shows its status and none of its figures.
    strands = _row(_section(html, "step2-heading"), "Ost")
    assert "Beschlussvorlage" in strands
    assert "€" not in strands and "VZÄ" not in strands


@needs_pdftotext
def test_committee_pdf_counts_only_the_approved_plan(client, role_users, year_2027, tmp_path):
    _by, decided, proposal = year_2027
    text = _pdf(client, role_users["ausschuss"], 2027, tmp_path)
    planned = re.search(r"verplant \(Personalkosten\) ([\d.,]+ €)", text)
    assert planned and planned.group(1) == eur(_planned_cost(decided))
    assert eur(_planned_cost(decided) + _planned_cost(proposal)) not in text


def test_a_decision_taken_back_stops_counting_and_the_report_says_it_is_revised(
    client, demo, role_users, tmp_path
):
    by = BudgetYear.objects.get(jugendamt=demo, year=2026)
    plans = list(AllocationPlan.objects.filter(budget_year=by).select_related("sozialraum"))
    assert all(p.state == "approved" for p in plans)
    everything = sum((_planned_cost(p) for p in plans), Decimal(0))
    before = _page(client, role_users["ausschuss"], 2026)
    assert PLANNED.search(before).group(1) == eur(everything)
    assert REVISED not in before

    taken_back = next(p for p in plans if p.sozialraum.name == "Pariser Viertel")
    workflow.plan_rework(
        plan=taken_back,
        acting_user=role_users["jugendamt-leitung"],
        reason="Neue Kita im Sozialraum: Verteilung wird neu abgestimmt.",
    )
    html = _page(client, role_users["ausschuss"], 2026)
    assert PLANNED.search(html).group(1) == eur(everything - _planned_cost(taken_back))
    assert eur(everything) not in html
    assert REVISED in _row(_section(html, "plans-heading"), "Pariser Viertel")
    strands = _row(_section(html, "step2-heading"), "Pariser Viertel")
    assert "€" not in strands and "VZÄ" not in strands
    if shutil.which("pdftotext"):
        text = _pdf(client, role_users["ausschuss"], 2026, tmp_path)
        assert REVISED in text
        assert eur(everything) not in text


# --- totals agree to the cent ---------------------------------------------------------------


def _section_one(html: str) -> dict:
    section = _section(html, "budget-heading")
    cells = dict(re.findall(r'<th scope="row">([^<]*)</th><td class="num">([^<]*)</td>', section))
    return {
        "state": cells["Zuweisung des Landes (bis zu 60 % der Personalkosten)"],
        "municipal": cells["Kommunaler Anteil des Jugendamts (40 %)"],
        "total": cells["Förderfähige Personalkosten insgesamt"],
    }


def _sum_row(html: str) -> dict:
    foot = _section(html, "step1-heading").split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    cells = re.findall(r'<td class="num">([^<]*)</td>', foot)
    return {"state": cells[2], "municipal": cells[4], "total": cells[5]}


def _expected(by) -> dict:
    """The sums of the Sozialraum rows: stored shares, co-funding derived per row."""
    rows = [
        d.funding_for_state_amount(s.state_amount)
        for s in SozialraumShare.objects.filter(budget_year=by)
    ]
    state = sum((f.state for f in rows), Decimal(0))
    municipal = sum((f.municipal for f in rows), Decimal(0))
    return {"state": eur(state), "municipal": eur(municipal), "total": eur(state + municipal)}


def test_section_one_and_the_sum_row_agree_to_the_cent_in_every_demo_year(client, demo, role_users):
    years = list(BudgetYear.objects.filter(jugendamt=demo).order_by("year"))
    assert [by.year for by in years] == list(range(2021, 2028))
    for by in years:
        html = _page(client, role_users["ausschuss"], by.year)
        assert _section_one(html) == _sum_row(html) == _expected(by), by.year


@needs_pdftotext
def test_committee_pdf_shows_the_sums_of_the_rows_never_a_re_rounded_total(
    client, demo, role_users, tmp_path
):
    by = BudgetYear.objects.get(jugendamt=demo, year=2026)
    expected = _expected(by)
    re_rounded = d.funding_for_state_amount(by.state_budget)
    assert eur(re_rounded.municipal) != expected["municipal"]  # the demo year of finding 3
    text = _pdf(client, role_users["ausschuss"], 2026, tmp_path)
    assert text.count(expected["municipal"]) >= 2  # section 1 and the sum row
    assert text.count(expected["total"]) >= 2
    assert eur(re_rounded.municipal) not in text
    assert eur(re_rounded.total) not in text


def test_shares_that_do_not_add_up_to_the_allocation_block_the_figures(client, demo, role_users):
    by = BudgetYear.objects.get(jugendamt=demo, year=2027)
    # An old database: the shares were applied to an earlier amount.
    share = SozialraumShare.objects.filter(budget_year=by).order_by("pk").first()
    SozialraumShare.objects.filter(pk=share.pk).update(state_amount=share.state_amount - 1000)
    html = _page(client, role_users["ausschuss"], 2027)
    assert "Anteile nicht aktuell" in html
    assert eur(share.state_amount - 1000) not in html
    assert eur(by.state_budget) not in html
    assert "Anteile nicht aktuell" not in _page(client, role_users["ausschuss"], 2026)


def test_proof_of_use_grants_the_same_sums_as_the_committee_report(client, demo, role_users):
    from io import BytesIO

    from openpyxl import load_workbook

    by = BudgetYear.objects.get(jugendamt=demo, year=2026)
    client.force_login(role_users["jugendamt"])
    response = client.get("/berichte/export/verwendungsnachweis/2026.xlsx")
    assert response.status_code == 200
    notes = [
        c.value
        for row in load_workbook(BytesIO(response.content))["Hinweise"].iter_rows()
        for c in row
        if c.value
    ]
    expected = _expected(by)
    line = next(n for n in notes if str(n).startswith("Landeszuweisung"))
    assert expected["municipal"].removesuffix(" €") in line
    assert expected["total"].removesuffix(" €") in line
    # the overview sheet holds the same co-funding as a number
    overview = {
        r[0]: r[1]
        for r in load_workbook(BytesIO(response.content))["Übersicht"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert eur(Decimal(str(overview["kommunaler Anteil dazu (40 %)"]))) == expected["municipal"]
