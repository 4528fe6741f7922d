"""Report pages per role: committee report (HTML and PDF), trends, dashboards, exports."""

import re
import shutil
import subprocess
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from allocation.models import AllocationPlan, PlanState, ReallocationState
from audit.models import AuditEvent
from indices.models import IndexRun, KitaIndex, SozialraumIndex
from sozialraeume import roles
from tests.factories import JugendamtFactory, make_user
from tests.reports.conftest import PUBLIC_REASON, SMALL_SR, SR_NAMES, build_city, kita_value
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

COMMITTEE = "/berichte/ausschuss/2027/"


def _text(response) -> str:
    return response.content.decode()


def _pdf_text(data: bytes, tmp_path, *, layout: bool = True) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout


def _kita_value_patterns(city) -> list[re.Pattern]:
    """Each per-Kita index value as shown in German (one decimal), as a whole number."""
    shown = set()
    for value in city.kita_values.values():
        for number in (value.ab, value.sl, value.fm, value.infra, value.gesamt):
            shown.add(f"{Decimal(repr(number)).quantize(Decimal('0.1'))}".replace(".", ","))
    return [re.compile(rf"(?<![\d.,]){re.escape(s)}(?![\d])") for s in sorted(shown)]


def _assert_no_kita_detail(text: str, city):
    for kita in city.kitas:
        assert kita.name not in text
    assert "Geheimkita" not in text
    for pattern in _kita_value_patterns(city):
        assert not pattern.search(text), pattern.pattern


# --- committee report -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["ausschuss", "jugendamt", "leitung"])
def test_committee_report_shows_every_sozialraum_and_no_kita_name_or_value(client, city, role):
    client.force_login(city.users[role])
    response = client.get(COMMITTEE)
    assert response.status_code == 200
    text = _text(response)
    for name in SR_NAMES:
        assert name in text
    _assert_no_kita_detail(text, city)
    # The chapter 3.4 table: points, percent and amount per Sozialraum.
    assert "53,0 von 305,2" in text
    assert "1.002.240,00 €" in text  # state allocation
    assert "668.160,00 €" in text  # municipal co-funding (40 %)
    assert "100,00 %" in text


def test_committee_report_draws_the_four_indices_as_an_accessible_svg_chart(client, city):
    client.force_login(city.users["ausschuss"])
    text = _text(client.get(COMMITTEE))
    assert 'role="img"' in text
    assert 'aria-labelledby="chart-indices-title chart-indices-desc"' in text
    for label in ["Allgemeiner Bedarf (AB)", "Soziale Lage (SL)", "Flucht und Migration (FM)"]:
        assert label in text
    assert "style=" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]


def test_small_sozialraum_gets_its_strands_merged_and_the_page_says_so(client, city):
    # Only a decided plan shows figures: decide the small Sozialraum's plan.
    AllocationPlan.objects.filter(budget_year=city.budget_year, sozialraum__name=SMALL_SR).update(
        state=PlanState.APPROVED, approved_at=timezone.now()
    )
    client.force_login(city.users["ausschuss"])
    text = _text(client.get(COMMITTEE))
    assert "Schutz kleiner Fallzahlen" in text
    assert f"Zusammengefasst: {SMALL_SR}" in text
    row = text.split(f'<th scope="row">{SMALL_SR}</th>')[3]  # third table: strands
    row = row.split("</tr>")[0]
    assert "zusammengefasst" in row
    assert "FS1" not in row and row.count("VZÄ") == 1  # only the total


def test_reallocation_shows_its_public_reason_and_never_the_internal_one(client, city):
    client.force_login(city.users["ausschuss"])
    text = _text(client.get(COMMITTEE))
    assert PUBLIC_REASON in text
    assert "Mehrbedarf in" not in text
    assert "5.000,00 €" in text


def test_plan_states_and_review_dates_are_shown(client, city):
    client.force_login(city.users["ausschuss"])
    text = _text(client.get(COMMITTEE))
    assert "Beschlossen" in text and "In Abstimmung" in text and "Beschlussvorlage" in text
    assert "30.06.2029" in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext fehlt (poppler-utils)")
def test_committee_pdf_has_every_sozialraum_page_numbers_and_no_kita_detail(client, city, tmp_path):
    client.force_login(city.users["ausschuss"])
    response = client.get(COMMITTEE, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert f"Seite {number} von {len(pages)}" in page
        assert f"Stand: {timezone.localdate():%d.%m.%Y}" in page
    flat = " ".join(_pdf_text(response.content, tmp_path, layout=False).split())
    for name in SR_NAMES:
        assert name in flat
    _assert_no_kita_detail(text, city)
    assert "17,36 %" in text  # share label drawn in the SVG chart


def test_committee_pdf_starts_with_pdf_magic_without_poppler(client, city):
    client.force_login(city.users["jugendamt"])
    response = client.get(COMMITTEE, {"format": "pdf"})
    assert response.content[:4] == b"%PDF"


def test_latest_redirects_to_the_newest_budget_year(client, city):
    client.force_login(city.users["ausschuss"])
    response = client.get("/berichte/")
    assert response.status_code == 302
    assert response["Location"] == COMMITTEE


def test_unknown_year_is_404(client, city):
    client.force_login(city.users["ausschuss"])
    assert client.get("/berichte/ausschuss/1999/").status_code == 404


def test_committee_of_another_jugendamt_sees_its_own_data_only(client, city):
    other = JugendamtFactory(name="Anderes Amt", slug="anderes-amt")
    stranger = make_user(roles.AUSSCHUSS, jugendamt=other)
    client.force_login(stranger)
    assert client.get(COMMITTEE).status_code == 404
    assert client.get("/berichte/").status_code == 200  # "no budget year yet"


# --- who sees what ----------------------------------------------------------------------


INTERNAL = [
    "/berichte/start/",
    "/berichte/export/",
    "/berichte/export/verteilung/2027.xlsx",
    "/berichte/export/verwendungsnachweis/2027.xlsx",
    "/berichte/export/verwendungsnachweis/2027.pdf",
]


def _internal_urls(city):
    rid = city.survey_round.pk
    return [
        *INTERNAL,
        f"/berichte/export/indizes-kitas/{rid}.xlsx",
        f"/berichte/export/indizes-sozialraeume/{rid}.xlsx",
    ]


def test_kita_leader_gets_403_or_404_on_every_internal_page(client, city):
    client.force_login(city.users["kita"])
    for url in [*_internal_urls(city), COMMITTEE, "/berichte/entwicklung/", "/berichte/traeger/"]:
        assert client.get(url).status_code in (403, 404), url
    assert not AuditEvent.objects.filter(action__startswith="export.").exists()


def test_committee_role_reads_reports_but_not_exports_or_dashboards(client, city):
    client.force_login(city.users["ausschuss"])
    assert client.get(COMMITTEE).status_code == 200
    assert client.get("/berichte/entwicklung/").status_code == 200
    for url in [*_internal_urls(city), "/berichte/kita/", "/berichte/traeger/"]:
        assert client.get(url).status_code == 403, url


def test_anonymous_users_are_sent_to_the_login(client, city):
    response = client.get(COMMITTEE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_traeger_page_is_the_allocation_apps_traeger_dashboard(client, city):
    client.force_login(city.users["traeger"])
    response = client.get("/berichte/traeger/")
    assert response.status_code == 302
    assert response["Location"] == "/verteilung/traeger/"


def test_export_of_a_round_of_another_jugendamt_is_404(client, city):
    other_round = SurveyRoundFactory(jugendamt=JugendamtFactory(slug="fremd"), code="2020")
    client.force_login(city.users["jugendamt"])
    response = client.get(f"/berichte/export/indizes-kitas/{other_round.pk}.xlsx")
    assert response.status_code == 404


# --- dashboards ---------------------------------------------------------------------------


def test_jugendamt_dashboard_shows_round_progress_plans_and_reviews(client, city):
    client.force_login(city.users["jugendamt"])
    text = _text(client.get("/berichte/start/"))
    # 32 Kitas: 29 with a questionnaire, every fourth a draft (8), 3 not started.
    assert re.search(r"eingereicht</th><td class=\"num\">21<", text)
    assert re.search(r"Entwurf\)</th><td class=\"num\">8<", text)
    assert re.search(r"nicht begonnen</th><td class=\"num\">3<", text)
    assert "Haushaltsjahr 2027" in text
    # issue 14: each count links to the year's plans in that state
    assert re.search(r"Beschlossen</th><td class=\"num\"><a [^>]*>2</a><", text)
    assert "Noch keine abgeschlossene Berechnung" not in text


def test_kita_leader_page_shows_status_own_result_and_approved_positions(client, city):
    user = city.users["kita"]
    kita = user.kitas.get()
    client.force_login(user)
    text = _text(client.get("/berichte/kita/"))
    assert kita.name in text
    own = city.kita_values[kita.pk].gesamt
    assert f"{Decimal(repr(own)).quantize(Decimal('0.1'))}".replace(".", ",") in text
    line = kita.allocation_lines.get()
    if line.plan.state == PlanState.APPROVED:
        assert "Bisher sind keine Stellen beschlossen" not in text
    else:
        assert "Bisher sind keine Stellen beschlossen" in text
    # No other Kita appears.
    others = [k.name for k in city.kitas if k.pk != kita.pk]
    assert not any(name in text for name in others)


def test_kita_leader_page_lists_the_positions_of_an_approved_plan(client, city):
    approved = next(k for k in city.kitas if k.allocation_lines.get().plan.state == "approved")
    leader = make_user(roles.KITA_LEITUNG, jugendamt=city.jugendamt, kitas=[approved])
    client.force_login(leader)
    text = _text(client.get("/berichte/kita/"))
    line = approved.allocation_lines.get()
    assert f"{line.fte}".replace(".", ",") in text
    assert line.qualification in text


# --- trends -------------------------------------------------------------------------------


def test_trends_show_each_round_side_by_side(client, city):
    older = SurveyRoundFactory(
        jugendamt=city.jugendamt,
        code="2021",
        stichtag=timezone.datetime(2021, 3, 1).date(),
        state="geschlossen",
    )
    run = IndexRun.objects.create(
        round=older,
        status=IndexRun.Status.FINISHED,
        method_version="test",
        instrument_code="SRB-2021",
        input_checksum="1" * 64,
    )
    SozialraumIndex.objects.create(
        run=run, sozialraum=city.sozialraeume[0], ab=11.1, gesamt=12.3, percent=Decimal("9.87")
    )
    # Three Kitas with a result: enough for the small-cell rule.
    KitaIndex.objects.bulk_create(
        KitaIndex(run=run, kita=k, gesamt=12.0, complete=True)
        for k in [k for k in city.kitas if k.sozialraum_id == city.sozialraeume[0].pk][:3]
    )
    client.force_login(city.users["ausschuss"])
    text = _text(client.get("/berichte/entwicklung/"))
    assert text.index("Erhebung 2021") < text.index("Erhebung 2027")
    assert "12,3" in text and "9,87 %" in text  # 2021
    assert "53,0" in text  # 2027
    _assert_no_kita_detail(text, city)


def test_trends_with_one_round_say_that_a_comparison_needs_two(client, city):
    client.force_login(city.users["jugendamt"])
    text = _text(client.get("/berichte/entwicklung/"))
    assert "nur ein Ergebnis" in text


# --- exports --------------------------------------------------------------------------------


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def test_kita_index_export_has_german_headers_the_right_values_and_is_audited(client, city):
    staff = city.users["jugendamt"]
    client.force_login(staff)
    book = _book(client.get(f"/berichte/export/indizes-kitas/{city.survey_round.pk}.xlsx"))
    ws = book.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:8] == [
        "Sozialraum",
        "Kita",
        "Träger",
        "Allgemeiner Bedarf (AB)",
        "Soziale Lage (SL)",
        "Flucht und Migration (FM)",
        "Infrastruktur und Netzwerke (IN)",
        "Gesamtindex",
    ]
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(city.kitas)
    for kita in city.kitas:
        value = city.kita_values[kita.pk]
        row = rows[kita.name]
        assert row[0] == kita.sozialraum.name
        assert row[3] == pytest.approx(value.ab)
        assert row[7] == pytest.approx(value.gesamt)
        assert row[8] == "ja"
    assert ws.freeze_panes == "A2"
    event = AuditEvent.objects.get(action="export.kita_indices")
    assert event.actor == staff
    assert event.jugendamt_id == city.jugendamt.pk
    assert event.new["round"] == "2027"


def test_sozialraum_index_export_has_shares_as_percent(client, city):
    client.force_login(city.users["jugendamt"])
    book = _book(client.get(f"/berichte/export/indizes-sozialraeume/{city.survey_round.pk}.xlsx"))
    ws = book.worksheets[0]
    assert [c.value for c in ws[1]][-2:] == ["Anteil", "vollständige Kitas"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == SR_NAMES
    assert rows[0][5] == pytest.approx(53.0)
    assert sum(r[6] for r in rows) == pytest.approx(1.0)
    assert ws["G2"].number_format == "0.00%"


def test_allocation_lines_export_lists_every_line_with_state_and_municipal_part(client, city):
    client.force_login(city.users["jugendamt"])
    book = _book(client.get("/berichte/export/verteilung/2027.xlsx"))
    ws = book.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert "Personalkosten pro Jahr (€)" in headers and "Kommunaler Anteil (€)" in headers
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(city.kitas)
    cost, state, municipal = (headers.index(h) for h in headers[7:10])
    for r in rows:
        assert r[cost] == pytest.approx(r[state] + r[municipal])
        assert r[state] == pytest.approx(round(r[cost] * 0.6, 2))
    assert AuditEvent.objects.filter(action="export.allocation_lines").count() == 1


def test_proof_of_use_xlsx_forecasts_the_approved_plans_until_positions_exist(client, city):
    """Issue 16: the proof is built from positions and actual costs. Without positions
    nothing is spent yet (Ist 0 €) and the approved lines are the forecast: only the
    approved plans, never a draft."""
    from allocation.models import AllocationLine

    approved = AllocationLine.objects.filter(
        plan__budget_year=city.budget_year, plan__state=PlanState.APPROVED
    )
    assert approved.exists()
    assert AllocationLine.objects.filter(plan__budget_year=city.budget_year).count() > (
        approved.count()
    )
    client.force_login(city.users["jugendamt"])
    book = _book(client.get("/berichte/export/verwendungsnachweis/2027.xlsx"))
    assert book.sheetnames == [
        "Übersicht",
        "Sozialräume",
        "Sozialräume und Stränge",
        "Qualifikationen",
        "Stellen",
        "Umverteilungen",
        "Hinweise",
    ]
    sheet = book["Sozialräume"]
    headers = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    total = rows[-1]
    assert total[0] == "Summe"
    actual = headers.index("Personalkosten (€, Ist)")
    forecast = headers.index("Personalkosten bis Jahresende (€, Prognose)")
    assert total[actual] == 0
    assert total[forecast] == pytest.approx(float(sum(line.annual_cost for line in approved)))
    assert sum(r[forecast] for r in rows[:-1]) == pytest.approx(total[forecast])
    assert list(book["Stellen"].iter_rows(min_row=2, values_only=True)) == []
    kinds = {r[0]: r[2] for r in book["Übersicht"].iter_rows(min_row=2, values_only=True)}
    assert kinds["Personalkosten"] == "Ist"
    assert kinds["Personalkosten bis Jahresende"] == "Prognose"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext fehlt (poppler-utils)")
def test_proof_of_use_pdf_is_provisional_with_page_numbers(client, city, tmp_path):
    from allocation.models import AllocationLine

    client.force_login(city.users["jugendamt"])
    response = client.get("/berichte/export/verwendungsnachweis/2027.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "Verwendungsnachweis Sozialraumbudget 2027" in text
    assert "Seite 1 von" in text
    flat = " ".join(_pdf_text(response.content, tmp_path, layout=False).split())
    assert "Vorläufig" in flat and "Noch nicht von der Jugendamt-Leitung bestätigt" in flat
    planned = sum(
        line.annual_cost
        for line in AllocationLine.objects.filter(
            plan__budget_year=city.budget_year, plan__state=PlanState.APPROVED
        )
    )
    shown = f"{planned:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    assert shown in flat
    assert AuditEvent.objects.filter(action="export.proof_of_use", new__format="pdf").exists()


# --- constant number of queries ---------------------------------------------------------------

# Pinned: the same number for 32 and for 500 Kitas (session, user and roles included).
# Pages that write an audit event (the downloads with per-Kita values): on SQLite the
# application reads the chain's last event first (audit.chain); on PostgreSQL the trigger does.
_AUDIT_WRITE = 1 if connection.vendor == "sqlite" else 0

QUERIES = {
    # 17: the lookup of the previous budget year (issue 14; the city has none)
    # 22: the Sozialraum-Teams (issue 15): approved plans and reviews (the review
    # schedule), meetings held per year, team sizes, active FS2 centres;
    # 23: the menu asks whether a non-staff user is in a team (teams:team_list)
    # 27 (issue 16): the budget execution: the year's positions, their months, their
    # actual costs (by subquery, so the same three with or without positions) and the
    # approved lines without a position (forecast at their planned cost)
    # 29 (issue 17): the evaluation section (one grouped query) and the menu asks whether a
    # non-staff user is in a team for the children's perspective
    # 30 (issue 18): the Sozialraum boundaries of the maps (the phased transition reads
    # nothing more while the rule is off)
    ("ausschuss", COMMITTEE): 30,
    # +1 on pages of non-staff users (issue 15): the menu asks whether they are in a team
    # +1 (issue 17): the menu asks whether the user is in a team (Kinderperspektive)
    ("ausschuss", "/berichte/entwicklung/"): 10,
    # 15 (issue 15): the review schedule (Sozialräume, approved plans, reviews; instead of
    # the plans due for review) and the FS2 centres with the Sozialräume
    ("jugendamt", "/berichte/start/"): 15,
    ("jugendamt", "/berichte/export/"): 6,
    ("jugendamt", "/berichte/export/indizes-kitas/{rid}.xlsx"): 10 + _AUDIT_WRITE,
    ("jugendamt", "/berichte/export/indizes-sozialraeume/{rid}.xlsx"): 6,
    ("jugendamt", "/berichte/export/verteilung/2027.xlsx"): 8 + _AUDIT_WRITE,
    # 19 (issue 16): the proof of use from the budget execution (Sozialräume, plans,
    # positions, their months and costs, approved lines with and without positions,
    # shares, reallocations), the positions' details, the year's reallocations, the
    # unconfirmed costs and the sign-offs
    ("jugendamt", "/berichte/export/verwendungsnachweis/2027.xlsx"): 19 + _AUDIT_WRITE,
    ("jugendamt", "/berichte/verwendungsnachweis/2027/"): 19,
    # 14 (issue 15): the menu asks whether the leader is in a team and may submit FS4
    # requests (their Kitas); the start page lists the plans in consultation with the
    # leader's Kitas (the led Kitas, the plans)
    ("kita", "/berichte/kita/"): 14,
}


@pytest.mark.parametrize("n_kitas", [32, 500])
def test_report_pages_use_a_constant_number_of_queries(client, django_assert_num_queries, n_kitas):
    city = build_city(n_kitas)
    assert len(city.kitas) == n_kitas
    for (role, url), expected in QUERIES.items():
        client.force_login(city.users[role])
        with django_assert_num_queries(expected):
            response = client.get(url.format(rid=city.survey_round.pk))
        assert response.status_code == 200, url


def test_kita_values_are_far_from_sozialraum_values():
    # The leak check above relies on this: Kita values 90..99, Sozialraum values 20..60.
    assert all(90 <= kita_value(i) < 100 for i in range(600))


def test_committee_pdf_follows_a_change_of_the_data_at_once(client, city):
    from allocation.models import Reallocation

    client.force_login(city.users["jugendamt"])
    before = client.get(COMMITTEE, {"format": "pdf"}).content
    assert client.get(COMMITTEE, {"format": "pdf"}).content == before  # cached
    Reallocation.objects.create(
        budget_year=city.budget_year,
        from_sozialraum=city.sozialraeume[2],
        to_sozialraum=city.sozialraeume[3],
        amount=Decimal("1234.00"),
        reason="Nachsteuerung",
        state=ReallocationState.APPROVED,
        created_by=city.users["jugendamt"],
    )
    after = client.get(COMMITTEE, {"format": "pdf"}).content
    assert after != before


def test_committee_report_on_the_demo_data_names_no_kita(client, demo, role_users):
    from sozialraeume.models import Kita, Sozialraum

    client.force_login(role_users["ausschuss"])
    response = client.get("/berichte/", follow=True)
    assert response.status_code == 200
    text = _text(response)
    for sr in Sozialraum.objects.filter(jugendamt=demo):
        assert sr.name in text
    for kita in Kita.objects.filter(sozialraum__jugendamt=demo):
        assert kita.name not in text
