"""The committee report's charts, the concept's goals and the previous budget year
(issue 14, "Committee"): strands per Sozialraum as stacked bars from approved plans only,
a strand table without empty columns, the Jugendamt's goals text, the comparison with
the previous year's approved figures; web page and PDF."""

import re
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone

from allocation import distribution as d
from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanState,
    SozialraumShare,
)
from audit.models import AuditEvent
from sozialraeume import models as master_data
from sozialraeume import roles
from sozialraeume.models import Jugendamt
from tests.factories import JugendamtFactory, make_user
from tests.reports.conftest import SMALL_SR, SR_NAMES, pdf_text

pytestmark = pytest.mark.django_db

COMMITTEE = "/berichte/ausschuss/2027/"
needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext fehlt (poppler-utils)"
)


def _html(client, user, url=COMMITTEE) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _svg(html: str, chart_id: str) -> str:
    start = html.index(f'id="{chart_id}"')
    start = html.rindex("<svg", 0, start)
    return html[start : html.index("</svg>", start) + len("</svg>")]


def _group(svg: str, name: str) -> str:
    return svg.split(f'<g aria-label="{name}">', 1)[1].split("</g>", 1)[0]


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def _de(value: Decimal, places: int = 2) -> str:
    text = f"{value:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _approved_sums(budget_year) -> dict[str, dict]:
    sums: dict[str, dict] = {}
    for line in AllocationLine.objects.filter(
        plan__budget_year=budget_year, plan__state=PlanState.APPROVED
    ).select_related("plan__sozialraum"):
        entry = sums.setdefault(
            line.plan.sozialraum.name, {"fte": Decimal(0), "total": Decimal(0), "strands": {}}
        )
        entry["fte"] += line.fte
        entry["total"] += line.annual_cost
        entry["strands"][line.strand] = entry["strands"].get(line.strand, Decimal(0)) + line.fte
    return sums


# --- strands per Sozialraum -------------------------------------------------------------------


def test_strand_charts_are_accessible_images_of_approved_plans_only(client, city):
    html = _html(client, city.users["ausschuss"])
    sums = _approved_sums(city.budget_year)
    assert sums  # the city has approved plans
    for chart_id in ("chart-strands-fte", "chart-strands-euro"):
        svg = _svg(html, chart_id)
        assert 'role="img"' in svg
        assert f'aria-labelledby="{chart_id}-title {chart_id}-desc"' in svg
        assert "<desc" in svg and "Tabelle" in svg
        assert "Geheimkita" not in svg and "style=" not in svg
        for kita in city.kitas:
            assert kita.name not in svg
    fte_svg = _svg(html, "chart-strands-fte")
    euro_svg = _svg(html, "chart-strands-euro")
    plans = {
        p.sozialraum.name: p
        for p in AllocationPlan.objects.filter(budget_year=city.budget_year).select_related(
            "sozialraum"
        )
    }
    for name, plan in plans.items():
        fte_group, euro_group = _group(fte_svg, name), _group(euro_svg, name)
        if name == SMALL_SR:
            continue
        if plan.state != PlanState.APPROVED:
            # Not decided: a note, no bar, no figure.
            assert "nicht beschlossen" in fte_group and "<rect" not in fte_group
            assert not re.search(r"\d", re.sub(r"<[^>]+>", "", fte_group).replace(name, ""))
            assert "<rect" not in euro_group
            continue
        expected = sums[name]
        # The bar's total is the approved plan's sum (the table's "Summe"), per strand a
        # segment named by its key.
        assert f"{_de(expected['fte'])}\u00a0VZÄ" in fte_group
        assert f"{_de(expected['total'], 0)}\u00a0€" in euro_group
        assert fte_group.count('class="segment"') == len(expected["strands"])


def test_strand_table_hides_strands_nobody_uses_and_shows_a_dash_for_empty_cells(client, city):
    approved = AllocationLine.objects.filter(
        plan__budget_year=city.budget_year, plan__state=PlanState.APPROVED
    )
    # Every approved position in FS1 or FS3: FS2 and FS4 are used by nobody.
    for i, line in enumerate(approved.order_by("pk")):
        line.strand = "FS1" if i % 2 else "FS3"
        line.save(update_fields=["strand"])
    html = _html(client, city.users["ausschuss"])
    section = html.split('id="step2-heading"', 1)[1].split("</section>", 1)[0]
    table = section.split('id="strand-table"', 1)[1].split("</table>", 1)[0]
    head = table.split("</thead>", 1)[0]
    assert ">FS1<" in head and ">FS3<" in head
    assert ">FS2<" not in head and ">FS4<" not in head
    assert "0,00 VZÄ" not in table  # an empty cell reads "–", not zeros
    note = section.split('id="unused-strands"', 1)[1].split("</p>", 1)[0]
    assert "FS2 Kommunikations- und Nachbarschaftszentrum" in note
    assert "FS4 Betriebserlaubnisrelevantes Zusatzpersonal" in note
    # The chart leaves them out as well (its legend names only used strands).
    svg = _svg(html, "chart-strands-fte")
    assert "FS2 Kommunikations" not in svg and "FS1 Individuelle Kita-Sozialarbeit" in svg


def test_a_sozialraum_with_fte_in_only_some_strands_shows_dashes_in_the_others(client, city):
    html = _html(client, city.users["ausschuss"])
    sums = _approved_sums(city.budget_year)
    name = next(n for n, s in sums.items() if n != SMALL_SR and len(s["strands"]) < 4)
    table = html.split('id="strand-table"', 1)[1].split("</table>", 1)[0]
    row = table.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]
    assert '<td class="num">–</td>' in row
    assert "0,00 VZÄ" not in row


# --- the concept's goals ----------------------------------------------------------------------


def test_goals_section_shows_the_concepts_goals_by_default(client, city):
    html = _html(client, city.users["ausschuss"])
    section = html.split('id="goals-heading"', 1)[1].split("</section>", 1)[0]
    assert "Ziele des Sozialraumbudgets" in section
    assert "Alle Kinder bis einschließlich sechs Jahren" in section
    assert "soziale Infrastruktur" in section
    assert "kinder- und familienfreundlichen" in section
    assert "Präventionsketten" in section
    assert section.count("<br>") >= 3  # one goal per line
    assert "Ziele bearbeiten" not in html  # the committee only reads


def test_goals_section_shows_the_jugendamts_own_text_escaped_with_line_breaks(client, city):
    Jugendamt.objects.filter(pk=city.jugendamt.pk).update(
        goals_text="Ziel <b>eins</b> für Testhausen\nZiel zwei & mehr"
    )
    html = _html(client, city.users["ausschuss"])
    section = html.split('id="goals-heading"', 1)[1].split("</section>", 1)[0]
    assert "Ziel &lt;b&gt;eins&lt;/b&gt; für Testhausen<br>Ziel zwei &amp; mehr" in section
    assert "<b>eins</b>" not in html
    assert "Alle Kinder bis einschließlich" not in section


def test_leitung_edits_the_goals_and_the_change_is_audited(client, city):
    client.force_login(city.users["leitung"])
    page = client.get("/berichte/ziele/")
    assert page.status_code == 200
    assert "Alle Kinder bis einschließlich sechs Jahren" in page.content.decode()
    response = client.post("/berichte/ziele/", {"goals_text": "Neues Ziel A\r\nNeues Ziel B  "})
    assert response.status_code == 302
    city.jugendamt.refresh_from_db()
    assert city.jugendamt.goals_text == "Neues Ziel A\nNeues Ziel B"
    event = AuditEvent.objects.get(action="jugendamt.goals_change")
    assert event.jugendamt_id == city.jugendamt.pk
    assert event.old == {"goals_text": master_data.DEFAULT_GOALS_TEXT}
    assert event.new == {"goals_text": "Neues Ziel A\nNeues Ziel B"}
    assert event.actor == city.users["leitung"]
    html = _html(client, city.users["ausschuss"])
    assert "Neues Ziel A<br>Neues Ziel B" in html
    # Saving the same text again writes no second event.
    client.force_login(city.users["leitung"])
    client.post("/berichte/ziele/", {"goals_text": "Neues Ziel A\nNeues Ziel B"})
    assert AuditEvent.objects.filter(action="jugendamt.goals_change").count() == 1


def test_administration_may_edit_the_goals_fachkraft_committee_and_others_may_not(client, city):
    admin = make_user(roles.ADMINISTRATION, jugendamt=city.jugendamt, username="adm-goals")
    client.force_login(admin)
    assert client.get("/berichte/ziele/").status_code == 200
    for key in ("jugendamt", "ausschuss", "kita", "traeger"):
        client.force_login(city.users[key])
        assert client.get("/berichte/ziele/").status_code == 403, key
        assert client.post("/berichte/ziele/", {"goals_text": "x"}).status_code == 403, key
    city.jugendamt.refresh_from_db()
    assert city.jugendamt.goals_text == master_data.DEFAULT_GOALS_TEXT
    assert not AuditEvent.objects.filter(action="jugendamt.goals_change").exists()


def test_another_jugendamts_leitung_changes_only_its_own_goals(client, city):
    other = JugendamtFactory(name="Stadt Anderswo", slug="anderswo")
    leitung = make_user(roles.JUGENDAMT_LEITUNG, jugendamt=other, username="jl-anderswo")
    client.force_login(leitung)
    client.post("/berichte/ziele/", {"goals_text": "Ziele von Anderswo"})
    other.refresh_from_db()
    city.jugendamt.refresh_from_db()
    assert other.goals_text == "Ziele von Anderswo"
    assert city.jugendamt.goals_text == master_data.DEFAULT_GOALS_TEXT


def test_a_too_long_goals_text_is_refused_with_a_german_message(client, city):
    client.force_login(city.users["leitung"])
    response = client.post("/berichte/ziele/", {"goals_text": "x" * 4001})
    assert response.status_code == 200
    assert "höchstens 4000 Zeichen" in response.content.decode()
    city.jugendamt.refresh_from_db()
    assert city.jugendamt.goals_text == master_data.DEFAULT_GOALS_TEXT


# --- previous budget year -------------------------------------------------------------------

PREVIOUS_POINTS = {"Pariser Viertel": 50.0, "Ost": 45.0, "Nord": 40.0, "Winzenheim": 35.0}


@pytest.fixture
def previous_year(city):
    """2026 with shares for four Sozialräume (the others did not exist then), an approved
    plan for Pariser Viertel and a Beschlussvorlage with lines for Ost (not counted)."""
    by = BudgetYear.objects.create(
        jugendamt=city.jugendamt, year=2026, state_budget=Decimal("900000.00"), own_figure=True
    )
    percents = d.sozialraum_percents(PREVIOUS_POINTS)
    amounts = d.sozialraum_amounts(PREVIOUS_POINTS, by.state_budget)
    by_name = {sr.name: sr for sr in city.sozialraeume}
    for name, points in PREVIOUS_POINTS.items():
        SozialraumShare.objects.create(
            budget_year=by,
            sozialraum=by_name[name],
            gesamt=points,
            percent=percents[name],
            state_amount=amounts[name],
        )
    approved = AllocationPlan.objects.create(
        budget_year=by,
        sozialraum=by_name["Pariser Viertel"],
        state=PlanState.APPROVED,
        approved_at=timezone.now(),
    )
    proposal = AllocationPlan.objects.create(
        budget_year=by, sozialraum=by_name["Ost"], state=PlanState.PROPOSAL
    )
    kita_pv = next(k for k in city.kitas if k.sozialraum_id == by_name["Pariser Viertel"].pk)
    kita_ost = next(k for k in city.kitas if k.sozialraum_id == by_name["Ost"].pk)
    for plan, kita, cost in (
        (approved, kita_pv, Decimal("43210.00")),
        (approved, kita_pv, Decimal("11111.11")),
        (proposal, kita_ost, Decimal("98765.00")),
    ):
        AllocationLine.objects.create(
            plan=plan,
            kita=kita,
            strand="FS1",
            fte=Decimal("0.50"),
            annual_cost=cost,
            state_part=d.state_part(cost),
        )
    return by, percents, amounts


def _previous_row(html: str, name: str) -> list[str]:
    table = html.split('id="previous-year-table"', 1)[1].split("</table>", 1)[0]
    row = table.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def _step1_row(html: str, name: str) -> list[str]:
    section = html.split('id="step1-heading"', 1)[1].split('id="previous-heading"', 1)[0]
    row = section.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="num">([^<]*)</td>', row)


def test_previous_year_comparison_uses_the_previous_years_approved_figures(
    client, city, previous_year
):
    by, percents, amounts = previous_year
    html = _html(client, city.users["ausschuss"])
    assert "Vergleich mit dem Vorjahr" in html
    pv = _previous_row(html, "Pariser Viertel")
    # previous share, this share, change; previous budget, this budget, change; planned
    prev_funding = d.funding_for_state_amount(amounts["Pariser Viertel"])
    assert pv[0] == f"{_de(percents['Pariser Viertel'])} %"
    assert pv[3] == f"{_de(prev_funding.total)} €"
    assert pv[6] == f"{_de(Decimal('43210.00') + Decimal('11111.11'))} €"
    # This year's columns are the figures of the report's own tables.
    step1 = _step1_row(html, "Pariser Viertel")
    assert pv[1] == step1[1]  # Anteil
    assert pv[4] == step1[5]  # Personalbudget gesamt
    this_year = _approved_sums(city.budget_year)["Pariser Viertel"]["total"]
    assert pv[7] == f"{_de(this_year)} €"
    change = Decimal(pv[1].rstrip(" %").replace(",", ".")) - percents["Pariser Viertel"]
    assert pv[2].endswith("%-Pkt.") and _de(abs(change)) in pv[2]
    # Ost had only a Beschlussvorlage in 2026: not counted.
    ost = _previous_row(html, "Ost")
    assert ost[6] == "nicht beschlossen"
    assert "98.765,00" not in html
    # A Sozialraum without figures in 2026.
    assert _previous_row(html, "Innenstadt")[0] == "kein Vorjahr"
    # The chart: both years per Sozialraum, "kein Vorjahr" where there is none.
    svg = _svg(html, "chart-previous-year")
    assert 'role="img"' in svg and "Vorjahr 2026" in svg and "Haushaltsjahr 2027" in svg
    assert f"{_de(percents['Pariser Viertel'])}\u00a0%" in _group(svg, "Pariser Viertel")
    assert "kein Vorjahr" in _group(svg, "Innenstadt")
    assert "Geheimkita" not in svg
    planned = _svg(html, "chart-previous-year-planned")
    assert 'role="img"' in planned and "Geheimkita" not in planned
    # 2026: the approved plan's costs; the Beschlussvorlage is "nicht beschlossen".
    assert f"{_de(Decimal('54321.11'), 0)}\u00a0€" in _group(planned, "Pariser Viertel")
    assert "nicht beschlossen" in _group(planned, "Ost")
    assert "98.765" not in planned
    assert "kein Vorjahr" in _group(planned, "Innenstadt")


def test_without_a_previous_budget_year_the_report_says_kein_vorjahr(client, city):
    html = _html(client, city.users["ausschuss"])
    assert "Kein Vorjahr: Für 2026 gibt es kein Haushaltsjahr" in html
    assert 'id="chart-previous-year"' not in html


# --- PDF ---------------------------------------------------------------------------------------


@needs_pdftotext
def test_pdf_has_goals_strand_charts_and_previous_year(client, city, previous_year, tmp_path):
    client.force_login(city.users["ausschuss"])
    response = client.get(COMMITTEE, {"format": "pdf"})
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path, layout=False).split())
    assert "Ziele des Sozialraumbudgets" in text
    assert "Alle Kinder bis einschließlich sechs Jahren" in text
    assert "Stellen (VZÄ) je Sozialraum und Förderstrang" in text  # chart title drawn
    assert "Vergleich mit dem Vorjahr" in text
    assert "Vorjahr 2026" in text and "kein Vorjahr" in text
    assert f"{_de(Decimal('43210.00') + Decimal('11111.11'))} €" in text
    # The collapsed web table is open in the PDF.
    assert "VZÄ und Personalkosten je Sozialraum und Förderstrang" in text
    assert "Geheimkita" not in text
    for name in SR_NAMES:
        assert name in text
    assert "98.765,00" not in text
