"""Bounded imports (issue 13, finding 7): hostile files get a German message, fast and small.

Each file is built here: an XLSX whose sheet claims ``A1:XFD20000`` with a few real cells,
a sheet of one million rows, "billion laughs" and XXE entities, numbers openpyxl cannot
convert, CSV files with a NUL byte, overlong fields, too many rows or columns, and uploads
above the size limit. Every case must answer in under 2 s with a peak of under 200 MB, say
what is wrong in German (with row and column where there is one) and save nothing.
"""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from sozialraeume import roles
from surveys import exchange
from surveys.models import Response
from tests.factories import KitaFactory, make_user
from tests.surveys.factories import SurveyRoundFactory

pytestmark = pytest.mark.django_db

MAX_SECONDS = 2.0
MAX_PEAK_BYTES = 200 * 1024 * 1024
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# --- building hostile files -----------------------------------------------------------


def _base_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["kita", "sozialraum", "A1"])
    sheet.append(["Kita A", "Nord", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_with(sheet_xml, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A real XLSX (openpyxl's own package) whose first sheet is ``sheet_xml`` (bytes or an
    iterable of byte chunks, streamed into the archive)."""
    source = zipfile.ZipFile(io.BytesIO(_base_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open(info.filename, "w", force_zip64=True) as member:
                    chunks = [sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml
                    for chunk in chunks:
                        member.write(chunk)
            elif info.filename == "[Content_Types].xml" and "xl/sharedStrings.xml" in (extra or {}):
                types = source.read(info.filename).replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
                target.writestr(info, types)
            else:
                target.writestr(info, source.read(info.filename))
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def sheet(rows_xml: str, *, dimension: str = "A1:C2", doctype: str = "") -> bytes:
    return (
        f'<?xml version="1.0"?>{doctype}<worksheet xmlns="{NS}"><dimension ref="{dimension}"/>'
        f"<sheetData>{rows_xml}</sheetData></worksheet>"
    ).encode()


HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>kita</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>sozialraum</t></is></c>'
    '<c r="C1" t="inlineStr"><is><t>A1</t></is></c></row>'
)


def data_row(line: int, value: str = "1", t: str = "n") -> str:
    return (
        f'<row r="{line}"><c r="A{line}" t="inlineStr"><is><t>Kita A</t></is></c>'
        f'<c r="B{line}" t="inlineStr"><is><t>Nord</t></is></c>'
        f'<c r="C{line}" t="{t}"><v>{value}</v></c></row>'
    )


@pytest.fixture(scope="session")
def million_rows_xlsx() -> bytes:
    """One million real rows (about 26 MB of sheet XML, a few hundred KB zipped); built once
    per session by streaming the XML, which takes a fraction of openpyxl's write time."""

    def chunks():
        yield f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'.encode()
        yield HEADER_ROW.encode()
        block = b"<row><c><v>1</v></c></row>" * 10_000
        for _ in range(100):
            yield block
        yield b"</sheetData></worksheet>"

    return xlsx_with(chunks())


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _entity_row(entity: str) -> str:
    return f'<row r="2"><c r="A2" t="inlineStr"><is><t>&{entity};</t></is></c></row>'


SHARED_STRINGS_BOMB = (
    '<?xml version="1.0"?>'
    + BILLION_LAUGHS
    + f'<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
).encode()


# --- measuring --------------------------------------------------------------------------


def bounded(call):
    """Run ``call`` twice: once timed, once under tracemalloc; return the exception text."""
    started = time.perf_counter()
    with pytest.raises(exchange.ImportProblem) as timed:
        call()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    try:
        with pytest.raises(exchange.ImportProblem):
            call()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS, f"{elapsed:.2f} s"
    assert peak < MAX_PEAK_BYTES, f"{peak / 1_048_576:.0f} MB"
    return " ".join(timed.value.messages)


@pytest.fixture
def world():
    survey_round = SurveyRoundFactory(code="2027")
    KitaFactory(
        name="Kita A", sozialraum__name="Nord", sozialraum__jugendamt=survey_round.jugendamt
    )
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    return survey_round, staff


def _import(survey_round, content: bytes, filename: str):
    return lambda: exchange.import_file(
        survey_round=survey_round, content=content, filename=filename, acting_user=None
    )


# --- XLSX ------------------------------------------------------------------------------

XLSX_CASES = [
    (
        "sparse-cell-at-XFD20000",
        lambda: xlsx_with(
            sheet(
                HEADER_ROW + '<row r="20000"><c r="XFD20000"><v>1</v></c></row>',
                dimension="A1:XFD20000",
            )
        ),
        "mehr als 5.000 Datenzeilen",
    ),
    (
        "cell-in-column-XFD",
        lambda: xlsx_with(
            sheet(HEADER_ROW + '<row r="2"><c r="XFD2"><v>1</v></c></row>', dimension="A1:XFD2")
        ),
        "Zeile 2: mehr als 200 Spalten",
    ),
    (
        "201-cells-in-a-row",
        lambda: xlsx_with(sheet(HEADER_ROW + "<row>" + "<c><v>1</v></c>" * 201 + "</row>")),
        "mehr als 200 Spalten",
    ),
    (
        "row-number-one-million",
        lambda: xlsx_with(sheet(HEADER_ROW + '<row r="1000000"><c><v>1</v></c></row>')),
        "mehr als 5.000 Datenzeilen (Zeile 1.000.000)",
    ),
    (
        "billion-laughs-in-the-sheet",
        lambda: xlsx_with(sheet(HEADER_ROW + _entity_row("lol9"), doctype=BILLION_LAUGHS)),
        "unzulässige XML-Anweisungen",
    ),
    (
        "xxe-in-the-sheet",
        lambda: xlsx_with(sheet(HEADER_ROW + _entity_row("xxe"), doctype=XXE)),
        "unzulässige XML-Anweisungen",
    ),
    (
        "billion-laughs-in-shared-strings",
        lambda: xlsx_with(sheet(HEADER_ROW), extra={"xl/sharedStrings.xml": SHARED_STRINGS_BOMB}),
        "unzulässige XML-Anweisungen",
    ),
    (
        "number-1e9999999",
        lambda: xlsx_with(sheet(HEADER_ROW + data_row(2, "1e9999999"))),
        "Zeile 2, Spalte C: „1e9999999“ ist keine lesbare Zahl",
    ),
    (
        "number-with-5000-digits",
        lambda: xlsx_with(sheet(HEADER_ROW + data_row(3, "9" * 5000))),
        "Zeile 3, Spalte C: „99999999999999999999…“ ist keine lesbare Zahl",
    ),
    (
        "number-nan",
        lambda: xlsx_with(sheet(HEADER_ROW + data_row(2, "nan"))),
        "Zeile 2, Spalte C: „nan“ ist keine lesbare Zahl",
    ),
    (
        "unpacks-to-40-MB",
        lambda: xlsx_with(sheet(HEADER_ROW), extra={"xl/padding.bin": b" " * 40_000_000}),
        "entpackt zu groß",
    ),
    (
        "nul-byte-in-an-inline-string",
        lambda: xlsx_with(sheet(HEADER_ROW + data_row(2).replace("Kita A", "Kita&#0;A"))),
        "kann nicht gelesen werden",
    ),
]


@pytest.mark.parametrize(
    ("build", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in XLSX_CASES]
)
def test_hostile_xlsx_is_refused_fast_small_and_in_german(world, build, fragment):
    survey_round, _staff = world
    content = build()
    message = bounded(_import(survey_round, content, "feindlich.xlsx"))
    assert fragment in message
    assert not Response.objects.exists()


def test_a_million_row_sheet_is_refused_at_the_row_cap(world, million_rows_xlsx):
    survey_round, _staff = world
    message = bounded(_import(survey_round, million_rows_xlsx, "million.xlsx"))
    assert "mehr als 5.000 Datenzeilen" in message
    assert not Response.objects.exists()


def test_a_million_row_sheet_uploaded_on_the_page_is_refused_in_german(
    client, world, million_rows_xlsx
):
    survey_round, staff = world
    client.force_login(staff)
    url = reverse("surveys:round_import", kwargs={"code": survey_round.code})
    started = time.perf_counter()
    response = client.post(url, {"file": SimpleUploadedFile("million.xlsx", million_rows_xlsx)})
    assert time.perf_counter() - started < MAX_SECONDS
    assert response.status_code == 400
    assert "mehr als 5.000 Datenzeilen" in response.content.decode()
    assert not Response.objects.exists()


def test_a_claimed_dimension_of_A1_XFD20000_is_ignored_and_the_real_cells_import(world):
    """The finding's 4,9 KB file: the dimension lies, the two real rows are read in time."""
    survey_round, _staff = world
    content = xlsx_with(sheet(HEADER_ROW + data_row(2, "80"), dimension="A1:XFD20000"))
    assert len(content) < 10_000
    started = time.perf_counter()
    tracemalloc.start()
    try:
        count = exchange.import_file(
            survey_round=survey_round, content=content, filename="klein.xlsx", acting_user=None
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < MAX_SECONDS
    assert peak < MAX_PEAK_BYTES
    assert count == 1
    assert Response.objects.get().answers == {"A1": 80}


def test_openpyxl_parses_with_defusedxml():
    """openpyxl hardens its XML parsing only when defusedxml is installed: it must be."""
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


# --- CSV -------------------------------------------------------------------------------

CSV_HEADER = "kita,sozialraum,A1,A4,F6"
CSV_CASES = [
    (
        "nul-byte-in-a-cell",
        f"{CSV_HEADER}\nKita A,Nord,80,1,Text\x00mit NUL\n".encode(),
        "Zeile 2, Spalte „F6“: Die Zelle enthält ein unzulässiges Steuerzeichen (NUL).",
    ),
    (
        "field-over-131072-characters",
        f"{CSV_HEADER}\nKita A,Nord,80,1,{'x' * 140_000}\n".encode(),
        "Zeile 2: Ein Feld ist länger als 10.000 Zeichen.",
    ),
    (
        "field-over-10000-characters",
        f"{CSV_HEADER}\nKita A,Nord,80,1,{'x' * 10_001}\n".encode(),
        "Zeile 2, Spalte „F6“: Die Zelle ist länger als 10.000 Zeichen.",
    ),
    (
        "A4-1e9999999",
        f"{CSV_HEADER}\nKita A,Nord,80,1e9999999,\n".encode(),
        "Zeile 2, Spalte „A4“: Die Zahl hat zu viele Stellen",
    ),
    (
        "A1-with-5000-digits",
        f"{CSV_HEADER}\nKita A,Nord,{'9' * 5000},1,\n".encode(),
        "Zeile 2, Spalte „A1“: Die Zahl hat zu viele Stellen",
    ),
    ("A4-nan", f"{CSV_HEADER}\nKita A,Nord,80,nan,\n".encode(), "Spalte „A4“: Bitte eine Zahl"),
    ("A4-inf", f"{CSV_HEADER}\nKita A,Nord,80,-inf,\n".encode(), "Spalte „A4“: Bitte eine Zahl"),
    ("A1-inf", f"{CSV_HEADER}\nKita A,Nord,inf,1,\n".encode(), "Spalte „A1“: Bitte eine ganze"),
    (
        "5001-data-rows",
        (CSV_HEADER + "\n" + "Kita A,Nord,80,1,\n" * 5001).encode(),
        "mehr als 5.000 Datenzeilen (Zeile 5.002)",
    ),
    (
        "two-million-empty-lines",
        (CSV_HEADER + "\n" + "\n" * 2_000_000).encode(),
        "mehr als 5.000 Datenzeilen",
    ),
    (
        "201-columns",
        (CSV_HEADER + "," * 200 + "\nKita A,Nord,80,1,\n").encode(),
        "Zeile 1: mehr als 200 Spalten",
    ),
    (
        "a-megabyte-long-header-line",
        ("kita;" + "x" * 1_000_000 + "\nKita A\n").encode(),
        "Zeile 1: Ein Feld ist länger als 10.000 Zeichen.",
    ),
]


@pytest.mark.parametrize(
    ("content", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in CSV_CASES]
)
def test_hostile_csv_is_refused_fast_small_and_in_german(world, content, fragment):
    survey_round, _staff = world
    message = bounded(_import(survey_round, content, "feindlich.csv"))
    assert fragment in message
    assert not Response.objects.exists()


# --- the size limit ---------------------------------------------------------------------


def test_an_upload_above_5_mb_is_refused_before_it_is_parsed(client, world, monkeypatch):
    survey_round, staff = world
    client.force_login(staff)

    def never(*args, **kwargs):
        raise AssertionError("parsed although too large")

    monkeypatch.setattr(exchange, "read_table", never)
    url = reverse("surveys:round_import", kwargs={"code": survey_round.code})
    content = (CSV_HEADER + "\n").encode() + b"Kita A,Nord,80,1,\n" * 350_000  # 6,3 MB
    started = time.perf_counter()
    response = client.post(url, {"file": SimpleUploadedFile("gross.csv", content)})
    assert time.perf_counter() - started < MAX_SECONDS
    assert response.status_code == 413
    assert "Die Datei ist zu groß (höchstens 5,0 MB)." in response.content.decode()
    assert not Response.objects.exists()


@override_settings(SRB_IMPORT_MAX_BYTES=1000)
def test_the_size_limit_is_a_setting_checked_by_the_form_and_the_import(client, world):
    survey_round, staff = world
    client.force_login(staff)
    url = reverse("surveys:round_import", kwargs={"code": survey_round.code})
    content = (CSV_HEADER + "\n").encode() + b"Kita A,Nord,80,1,\n" * 100  # 1,8 KB
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", content)})
    assert response.status_code == 400
    assert "Die Datei ist zu groß (höchstens 0,0 MB)." in response.content.decode()
    with pytest.raises(exchange.ImportProblem, match="zu groß"):
        _import(survey_round, content, "a.csv")()
    assert not Response.objects.exists()


def test_the_size_limit_comes_from_the_environment(monkeypatch):
    import environ

    monkeypatch.setenv("SRB_IMPORT_MAX_BYTES", "1234")
    assert environ.Env().int("SRB_IMPORT_MAX_BYTES", default=5 * 1024 * 1024) == 1234
    from django.conf import settings

    assert settings.SRB_IMPORT_MAX_BYTES == 5 * 1024 * 1024  # the default


# --- the command line -------------------------------------------------------------------

COMMAND_CASES = [
    ("nul-byte", "csv", f"{CSV_HEADER}\nKita A,Nord,80,1,a\x00b\n".encode(), "NUL"),
    ("overlong-field", "csv", f"{CSV_HEADER}\nKita A,Nord,80,1,{'x' * 140_000}\n".encode(), "Feld"),
    ("exponent", "csv", f"{CSV_HEADER}\nKita A,Nord,80,1e9999999,\n".encode(), "Stellen"),
    (
        "xxe",
        "xlsx",
        None,  # built below
        "unzulässige XML-Anweisungen",
    ),
]


@pytest.mark.parametrize(
    ("option", "content", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in COMMAND_CASES],
)
def test_import_command_refuses_hostile_files_with_exit_status_and_no_traceback(
    world, tmp_path, capsys, monkeypatch, option, content, fragment
):
    survey_round, _staff = world
    if content is None:
        content = xlsx_with(sheet(HEADER_ROW + _entity_row("xxe"), doctype=XXE))
    path = tmp_path / f"feindlich.{option}"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=fragment):
        call_command("import_responses", "--round", survey_round.code, f"--{option}", str(path))
    from django.db import connections

    from surveys.management.commands.import_responses import Command

    # run_from_argv closes the connections at the end; keep the test transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    argv = ["manage.py", "import_responses", "--round", survey_round.code, f"--{option}", str(path)]
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(argv)
    assert exited.value.code != 0
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err
    assert not Response.objects.exists()


def test_import_command_refuses_a_file_above_the_limit_before_reading_it(world, tmp_path):
    survey_round, _staff = world
    path = tmp_path / "gross.csv"
    path.write_bytes(b"x" * (5 * 1024 * 1024 + 1))
    with pytest.raises(CommandError, match="Die Datei ist zu groß"):
        call_command("import_responses", "--round", survey_round.code, "--csv", str(path))
