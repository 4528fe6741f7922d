"""A budget year played from the decided plan to the Land's proof of use (issue 16).

Nord's plan (one FS1 line of Kita A, 0,5 VZÄ, 35.000 €) is approved; the line becomes two
positions of 0,25 VZÄ (17.500 € each). One is filled from March, the other vacant until
June. The Träger imports the costs of the first half year, the Jugendamt confirms them;
the unspent state money is computed (by hand below, to the cent); 5.000 € of it are moved
to Süd as "tatsächlich nicht verausgabt" (proposal and a second person); the second half
year's costs come in; the plan of 2027 is made from the positions that continue; the
Leitung signs the proof off. Its page, PDF and XLSX agree to the cent with the hand
figures and with the budget execution page.

Every figure below is independent of the day the test runs (from 1 December 2026 on):
the forecast depends on the months covered by confirmed costs, not on the date; the
filled months are counted up to the Stichtag, which is December or later.
"""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from allocation.models import AllocationPlan, BudgetYear
from allocation.selectors import state_amount_for
from allocation.services import budget_years as budget_year_services
from allocation.services import reallocations as realloc
from audit.models import AuditEvent
from positions.models import ActualCost, CostState, ProofSignOff
from positions.proof import proof_of_use
from positions.selectors_execution import execution_for_year, freed_state_amount
from positions.services import next_year
from positions.services import positions as position_services
from tests.positions.factories import approved_plan, make_qualification, make_world
from tests.positions.factories_costs import xlsx_bytes

pytestmark = pytest.mark.django_db
D = Decimal
NBSP = "\u00a0"


def eur(value) -> str:
    """1234.5 -> "1.234,50 €" as the pages print it."""
    text = f"{Decimal(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text}{NBSP}€"


def _testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', html)
    assert match, name
    return match.group(1).strip()


def _card(html: str, sozialraum: str, name: str) -> str:
    """A figure of the budget execution page's card of ``sozialraum``."""
    start = html.index(f'data-testid="execution-card" data-sozialraum="{sozialraum}"')
    end = html.index("</section>", start)
    return _testid(html[start:end], name)


def _import(client, budget_year, rows, name):
    content = xlsx_bytes(rows)
    upload = BytesIO(content)
    upload.name = name
    response = client.post(
        reverse("positions:cost_import", kwargs={"year_pk": budget_year.pk}), {"file": upload}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def _confirm_all(client):
    for cost in ActualCost.objects.filter(state=CostState.REPORTED).order_by("pk"):
        response = client.post(reverse("positions:cost_confirm", kwargs={"pk": cost.pk}))
        assert response.status_code == 302
    assert not ActualCost.objects.filter(state=CostState.REPORTED).exists()


def _pdf_text(content: bytes) -> str:
    result = subprocess.run(  # noqa: S603 - fixed binary, our own PDF on stdin
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


@pytest.fixture
def year(client):
    """The world and the two positions after the first half year (costs confirmed)."""
    w = make_world()
    plan = approved_plan(w)
    erz = make_qualification(w.jugendamt)
    p1, p2 = position_services.positions_create_from_line(
        line=plan.lines.get(), count=2, qualification=erz, acting_user=w.staff
    )
    assert (p1.fte, p1.planned_cost, p2.planned_cost) == (D("0.25"), D("17500.00"), D("17500.00"))
    position_services.position_months_set(
        position=p1, filled_months=range(3, 13), acting_user=w.staff
    )  # filled from March
    position_services.position_months_set(
        position=p2, filled_months=range(7, 13), acting_user=w.staff
    )  # vacant until June
    position_services.position_qualification_check(
        position=p1, checked_on=datetime.date(2026, 3, 2), acting_user=w.staff
    )
    # The Träger imports March and the second quarter of p1; the Jugendamt confirms.
    client.force_login(w.traeger_user)
    _import(
        client,
        w.budget_year,
        [
            (p1.number, "03.2026", "03.2026", "1.400,00"),
            (p1.number, "04.2026", "06.2026", "4.350,00"),
        ],
        "kosten-h1.xlsx",
    )
    client.force_login(w.staff)
    _confirm_all(client)
    return w, p1, p2


def test_a_budget_year_from_approval_to_the_signed_proof_of_use(client, year):
    w, p1, p2 = year
    by = w.budget_year
    midyear = datetime.date(2026, 7, 1)

    # --- the unspent amount after the first half year, by hand ---------------------------
    # p1: confirmed 1.400 + 4.350 = 5.750; July-December at plan: 17.500 · 6/12 = 8.750
    #     -> forecast 14.500,00
    # p2: no cost, January-June vacant; July-December at plan: 8.750,00
    # Nord: forecast 23.250,00, state part 60 % = 13.950,00; state amount 72.000,00
    #     -> projected unspent 72.000 − 13.950 = 58.050,00
    assert state_amount_for(by.pk, w.north.pk) == D("72000.00")
    nord = execution_for_year(by, on=midyear).rows[0].figures
    assert (nord.actual_cost, nord.forecast_cost) == (D("5750.00"), D("14500.00") + D("8750.00"))
    assert nord.forecast_state == D("13950.00")
    assert nord.projected_unspent == D("58050.00")
    assert nord.vacancy_months == 2 + 6
    assert freed_state_amount(by, w.north.pk, pending=True) == D("58050.00")

    # --- 5.000 € of it move to Süd: a proposal, then a second person --------------------
    r = realloc.reallocation_create(
        budget_year=by,
        from_sozialraum=w.north,
        to_sozialraum=w.south,
        amount="5000.00",
        reason="Stelle bis Juni unbesetzt",
        public_reason="nicht verausgabte Mittel aus Vakanzen",
        source="actual",
        acting_user=w.staff,
    )
    assert freed_state_amount(by, w.north.pk, pending=True) == D("53050.00")
    realloc.reallocation_approve(reallocation=r, acting_user=w.leitung, reason="einverstanden")
    assert state_amount_for(by.pk, w.north.pk) == D("67000.00")
    assert state_amount_for(by.pk, w.south.pk) == D("53000.00")

    # --- the second half year: the Träger imports, the Jugendamt confirms -----------------
    client.force_login(w.traeger_user)
    _import(
        client,
        by,
        [
            (p1.number, "07.2026", "09.2026", "4.375,00"),
            (p1.number, "10.2026", "12.2026", "4.375,00"),
            (p2.number, "07.2026", "09.2026", "4.200,00"),
            (p2.number, "10.2026", "12.2026", "4.300,00"),
        ],
        "kosten-h2.xlsx",
    )
    # a reported, unconfirmed row blocks the sign-off (it would count nowhere)
    client.force_login(w.leitung)
    page = reverse("reports:proof_of_use", kwargs={"year": by.year})
    html = client.get(page).content.decode()
    response = client.post(
        reverse("reports:proof_sign", kwargs={"year": by.year}),
        {"figures_hash": re.search(r'name="figures_hash" value="(\w+)"', html).group(1)},
        follow=True,
    )
    assert "4 gemeldete Ist-Kostenzeilen sind noch nicht bestätigt" in response.content.decode()
    assert not ProofSignOff.objects.exists()
    client.force_login(w.staff)
    _confirm_all(client)

    # --- the year's figures, by hand --------------------------------------------------------
    # p1: 5.750 + 8.750 = 14.500,00; p2: 8.500,00; Nord 23.000,00 (all months covered:
    # the forecast is the actual cost); state part 13.800,00, municipal 9.200,00;
    # Nord's state amount after the reallocation 67.000 -> unspent 53.200,00.
    # Süd: 53.000 received, nothing spent. Total 120.000 -> unspent 106.200,00.
    # Filled FTE (annual average): 0,25 · 10/12 = 0,21 and 0,25 · 6/12 = 0,13 -> 0,34.
    proof = proof_of_use(by)
    t = proof.total
    assert (t.actual_cost, t.actual_state, t.actual_municipal) == (
        D("23000.00"),
        D("13800.00"),
        D("9200.00"),
    )
    assert t.forecast_cost == D("23000.00")
    assert (t.state_amount, t.actual_unspent) == (D("120000.00"), D("106200.00"))
    assert t.filled_fte == D("0.34") and t.vacancy_months == 8
    nord, sued = (row.figures for row in proof.execution.rows)
    assert (nord.state_amount, nord.actual_unspent) == (D("67000.00"), D("53200.00"))
    assert (sued.state_amount, sued.actual_cost, sued.actual_unspent) == (
        D("53000.00"),
        D("0.00"),
        D("53000.00"),
    )
    assert proof.moved_actual == D("5000.00")
    (q,) = proof.qualifications
    assert (q.code, q.positions, q.fte, q.filled_fte, q.checked) == (
        "ERZ",
        2,
        D("0.50"),
        D("0.34"),
        1,
    )
    (strand,) = proof.strands
    assert (strand.sozialraum, strand.strand, strand.actual_cost) == ("Nord", "FS1", D("23000.00"))

    # --- the next year starts from the positions that continue ----------------------------
    by27 = budget_year_services.budget_year_save(
        jugendamt_id=w.jugendamt.pk,
        year=2027,
        state_budget=D("123000.00"),
        round=w.survey_round,
        acting_user=w.staff,
    )
    BudgetYear.objects.filter(pk=by27.pk).update(
        fte_costs={"FS1": "72000.00", "FS2": "72000.00", "FS3": "67000.00", "FS4": "62000.00"}
    )
    budget_year_services.budget_year_apply_shares(budget_year=by27, acting_user=w.staff)
    plan27 = next_year.plan_create_from_positions(
        budget_year=by27, sozialraum=w.north, acting_user=w.staff
    )
    assert sorted((ln.kita.name, ln.fte, ln.annual_cost) for ln in plan27.lines.all()) == [
        ("Kita A", D("0.25"), D("18000.00")),
        ("Kita A", D("0.25"), D("18000.00")),
    ]
    assert AllocationPlan.objects.filter(budget_year=by27).count() == 1

    # --- the Leitung signs off (the Fachkraft may not) -----------------------------------
    client.force_login(w.staff)
    html = client.get(page).content.decode()
    assert 'data-testid="proof-sign"' not in html
    digest = re.search(r'name="figures_hash" value="(\w+)"', html)
    assert digest is None
    response = client.post(reverse("reports:proof_sign", kwargs={"year": by.year}), {})
    assert response.status_code == 403
    assert not ProofSignOff.objects.exists()
    client.force_login(w.leitung)
    html = client.get(page).content.decode()
    assert 'data-testid="proof-unsigned"' in html
    digest = re.search(r'name="figures_hash" value="(\w+)"', html).group(1)
    response = client.post(
        reverse("reports:proof_sign", kwargs={"year": by.year}),
        {"figures_hash": digest},
        follow=True,
    )
    assert "Verwendungsnachweis 2026 bestätigt" in response.content.decode()
    signoff = ProofSignOff.objects.get()
    assert signoff.signed_by == w.leitung and signoff.content_hash == digest
    assert signoff.figures["total"]["actual_cost"] == "23000.00"
    event = AuditEvent.objects.get(action="proof.sign_off")
    assert event.new["actual_unspent"] == "106200.00" and event.new["content_hash"] == digest

    # --- the page, the execution page, the PDF and the XLSX agree to the cent -------------
    html = client.get(page).content.decode()
    assert 'data-testid="proof-signoff"' in html and "Zahlen unverändert" in html
    shown = {
        "proof-state-budget": eur("120000"),
        "proof-actual-cost": eur("23000"),
        "proof-actual-state": eur("13800"),
        "proof-actual-municipal": eur("9200"),
        "proof-forecast-cost": eur("23000"),
        "proof-actual-unspent": eur("106200"),
        "proof-moved-actual": eur("5000"),
        "proof-filled-fte": "0,34",
        "proof-vacancy": "8",
    }
    for name, text in shown.items():
        assert _testid(html, name) == text, name
    execution = client.get(reverse("positions:execution", kwargs={"year": by.year}))
    ex_html = execution.content.decode()
    assert _card(ex_html, "Nord", "fig-actual-cost") == eur("23000")
    assert _card(ex_html, "Nord", "fig-actual-state") == eur("13800")
    assert _card(ex_html, "Nord", "fig-actual-unspent") == eur("53200")
    assert _card(ex_html, "Süd", "fig-actual-unspent") == eur("53000")

    book = load_workbook(
        BytesIO(
            client.get(
                reverse("reports:export_proof_of_use", kwargs={"year": 2026, "fmt": "xlsx"})
            ).content
        )
    )
    assert book.sheetnames == [
        "Übersicht",
        "Sozialräume",
        "Sozialräume und Stränge",
        "Qualifikationen",
        "Stellen",
        "Umverteilungen",
        "Hinweise",
    ]
    rows = {r[0]: r for r in book["Sozialräume"].iter_rows(min_row=2, values_only=True)}
    headers = [c.value for c in book["Sozialräume"][1]]
    col = {h: i for i, h in enumerate(headers)}
    for name, state_amount, cost, unspent in (
        ("Nord", "67000", "23000", "53200"),
        ("Süd", "53000", "0", "53000"),
        ("Summe", "120000", "23000", "106200"),
    ):
        row = rows[name]
        assert D(str(row[col["Landesmittel nach Umverteilung (€)"]])) == D(state_amount)
        assert D(str(row[col["Personalkosten (€, Ist)"]])) == D(cost)
        assert D(str(row[col["nicht verausgabt (€, Ist)"]])) == D(unspent)
    assert D(str(rows["Summe"][col["Landesanteil (€, Ist)"]])) == D("13800")
    assert D(str(rows["Summe"][col["Kommunaler Anteil (€, Ist)"]])) == D("9200")
    positions = list(book["Stellen"].iter_rows(min_row=2, values_only=True))
    assert sorted((r[0], r[8], r[9], r[10]) for r in positions) == sorted(
        [(p1.number, 10, 2, 14500), (p2.number, 6, 6, 8500)]
    )
    (moved,) = book["Umverteilungen"].iter_rows(min_row=2, values_only=True)
    assert moved[:5] == ("Nord", "Süd", 5000, "tatsächlich nicht verausgabt", "genehmigt")
    notes = " ".join(str(c.value) for row in book["Hinweise"].iter_rows() for c in row if c.value)
    assert "Bestätigt von" in notes and digest[:12] in notes

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext fehlt (apt install poppler-utils)")
    pdf = client.get(reverse("reports:export_proof_of_use", kwargs={"year": 2026, "fmt": "pdf"}))
    text = _pdf_text(pdf.content)
    assert "Verwendungsnachweis Sozialraumbudget 2026" in text
    for value in (
        "120.000,00 €",
        "23.000,00 €",
        "13.800,00 €",
        "9.200,00 €",
        "106.200,00 €",
        "53.200,00 €",
    ):
        assert value in text.replace(NBSP, " "), value
    assert "Bestätigt von" in text and digest[:12] in text
    provisional = timezone.localdate() <= datetime.date(2026, 12, 31)
    assert ("Vorläufig" in text) == provisional


def test_a_change_after_the_sign_off_shows_on_the_page_and_in_the_documents(client, year):
    """A cost confirmed after the sign-off changes the figures: the page says so, the
    signed snapshot stays, a new sign-off records the new figures."""
    w, p1, _p2 = year
    client.force_login(w.leitung)
    page = reverse("reports:proof_of_use", kwargs={"year": 2026})
    html = client.get(page).content.decode()
    digest = re.search(r'name="figures_hash" value="(\w+)"', html).group(1)
    client.post(reverse("reports:proof_sign", kwargs={"year": 2026}), {"figures_hash": digest})
    first = ProofSignOff.objects.get()
    # a stale page: the hash it carries no longer matches once a cost is confirmed
    client.force_login(w.traeger_user)
    _import(client, w.budget_year, [(p1.number, "07.2026", "07.2026", "1.458,33")], "juli.xlsx")
    client.force_login(w.staff)
    _confirm_all(client)
    client.force_login(w.leitung)
    html = client.get(page).content.decode()
    assert 'data-testid="proof-changed"' in html
    response = client.post(
        reverse("reports:proof_sign", kwargs={"year": 2026}), {"figures_hash": digest}, follow=True
    )
    assert "Die Zahlen haben sich geändert" in response.content.decode()
    assert ProofSignOff.objects.count() == 1
    first.refresh_from_db()
    assert first.figures["total"]["actual_cost"] == "5750.00"
    digest = re.search(r'name="figures_hash" value="(\w+)"', html).group(1)
    client.post(reverse("reports:proof_sign", kwargs={"year": 2026}), {"figures_hash": digest})
    assert ProofSignOff.objects.count() == 2
    assert ProofSignOff.objects.first().figures["total"]["actual_cost"] == "7208.33"
    html = client.get(page).content.decode()
    assert "Zahlen unverändert" in html and "Frühere Bestätigungen" in html
