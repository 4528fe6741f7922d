"""The bad input catalogue (issue 7): every form field and every import/command.

Each table row names the input, the entry point (a form through the Django test
client, a service, a management command) and the German message fragment the user
must see. Every refused input must leave the data unchanged: a snapshot of all
relevant rows (answers, plans, lines, budget years, comments, users, audit events)
is compared before and after. The positive rows at the end show what must work
(Excel encodings, HTML in text fields stored as text and shown escaped).
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from allocation.models import (
    AllocationLine,
    AllocationPlan,
    BudgetYear,
    PlanComment,
    Reallocation,
)
from allocation.services import budget_years, lines, plans, workflow
from audit.models import AuditEvent
from sozialraeume import roles
from sozialraeume.models import Jugendamt, User
from surveys import exchange
from surveys import services as survey_services
from surveys.models import Response, SurveyRound
from tests.allocation.factories import make_world
from tests.factories import KitaFactory, SozialraumFactory, make_user
from tests.surveys.factories import ResponseFactory, SurveyRoundFactory, valid_answers

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
UMLAUT_KITA = "Kita Sonnenblümchen"
UMLAUT_SR = "Süd"


# --- the world every case runs in -------------------------------------------------------


@dataclass
class Catalogue:
    world: object
    leader: object
    kita: object  # led by ``leader``, has a draft
    submitted_kita: object
    umlaut_kita: object
    draft: Response
    plan: AllocationPlan
    line: AllocationLine
    open_round: SurveyRound  # where the Kitas answer now (the world's round is closed)

    @property
    def round(self) -> SurveyRound:
        return self.open_round


@pytest.fixture
def cat():
    world = make_world()
    kita = world.kitas["A"]
    leader = make_user(roles.KITA_LEITUNG, kitas=[kita], username="leitung-a", password=None)
    umlaut_kita = KitaFactory(sozialraum=world.south, traeger=world.traeger, name=UMLAUT_KITA)
    open_round = SurveyRoundFactory(jugendamt=world.jugendamt, code="2027")
    draft = ResponseFactory(
        round=open_round,
        kita=kita,
        status=Response.Status.DRAFT,
        answers={"A1": 80, "A2": 70, "F1": "Bibliothek"},
    )
    ResponseFactory(round=open_round, kita=world.kitas["B"])
    plan = plans.plan_create(
        budget_year=world.budget_year, sozialraum=world.north, acting_user=world.staff
    )
    line = lines.line_add(
        plan=plan,
        kita=kita,
        strand="FS1",
        fte=Decimal("0.50"),
        annual_cost=Decimal("35000"),
        justification="Gesamtindex hoch",
        acting_user=world.staff,
    )
    return Catalogue(
        world, leader, kita, world.kitas["B"], umlaut_kita, draft, plan, line, open_round
    )


def snapshot() -> dict:
    """Everything a bad input could change."""
    return {
        "responses": list(
            Response.objects.order_by("pk").values_list(
                "pk", "kita_id", "status", "answers", "version", "review_state", "review_comment"
            )
        ),
        "rounds": list(SurveyRound.objects.order_by("pk").values_list("pk", "code", "state")),
        "plans": list(AllocationPlan.objects.order_by("pk").values_list("pk", "state", "version")),
        "lines": list(
            AllocationLine.objects.order_by("pk").values_list(
                "pk", "kita_id", "strand", "fte", "annual_cost", "justification", "version"
            )
        ),
        "budget_years": list(
            BudgetYear.objects.order_by("pk").values_list(
                "pk", "year", "state_budget", "fte_costs", "fte_step"
            )
        ),
        "comments": PlanComment.objects.count(),
        "reallocations": Reallocation.objects.count(),
        "users": list(
            User.objects.order_by("pk").values_list("pk", "username", "first_name", "last_name")
        ),
        "audit": AuditEvent.objects.count(),
    }


def html_of(response) -> str:
    return response.content.decode()


def field_is_marked(html: str, name: str) -> bool:
    """The error sits next to the field: the input with this name is marked invalid."""
    import re

    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>", html):
        if f'name="{name}"' in tag and "is-invalid" in tag:
            return True
    return False


# --- 1. the questionnaire (Kita leader, web form) ---------------------------------------

LONG_2001 = "x" * 2001
# (id, posted fields, action, field the error must sit at, German fragment, kind)
# Kinds (issue 14, drafts always save): "unstorable" - the value cannot be stored (400, the
# field keeps its error, the stored value stays); "problem" - a draft keeps the value and
# lists it under "Noch zu klären" at its field; "submit" - the confirmation step refuses.
UNSTORABLE, PROBLEM, SUBMIT = "unstorable", "problem", "submit"
QUESTIONNAIRE_CASES = [
    ("A1-text", {"A1": "achtzig"}, "save", "A1", "ganze Zahl", UNSTORABLE),
    ("A1-negative", {"A1": "-5"}, "save", "A1", "nicht kleiner als 1", PROBLEM),
    ("A1-fractional-count", {"A1": "12,5"}, "save", "A1", "ganze Zahl", UNSTORABLE),
    ("A1-exponent", {"A1": "1e3"}, "save", "A1", "ganze Zahl", UNSTORABLE),
    ("A1-absurd", {"A1": "99999999"}, "save", "A1", "nicht größer als", PROBLEM),
    (
        "B1-above-denominator-A2",
        {"A1": "80", "A2": "10", "B1": "15"},
        "save",
        "B1",
        "darf nicht größer sein als die Angabe bei A2",
        PROBLEM,
    ),
    ("C1a-likert-0", {"C1a": "0"}, "save", "C1a", "Auswahl", UNSTORABLE),
    ("C1a-likert-5", {"C1a": "5"}, "save", "C1a", "Auswahl", UNSTORABLE),
    ("A4-point-and-comma", {"A4": "1.234,5"}, "save", "A4", "Bitte eine Zahl eingeben", UNSTORABLE),
    ("A4-text", {"A4": "zwölf"}, "save", "A4", "Bitte eine Zahl eingeben", UNSTORABLE),
    ("A4-infinity", {"A4": "Infinity"}, "save", "A4", "Bitte eine Zahl eingeben", UNSTORABLE),
    ("A4-too-many-places", {"A4": "12,555"}, "save", "A4", "Nachkommastellen", PROBLEM),
    ("A4-negative", {"A4": "-1"}, "save", "A4", "nicht kleiner als", PROBLEM),
    ("F1-2001-chars", {"F1": LONG_2001}, "save", "F1", "höchstens 2000 Zeichen", PROBLEM),
    ("F6-2001-chars", {"F6": LONG_2001}, "save", "F6", "höchstens 2000 Zeichen", PROBLEM),
    ("F7-201-chars", {"F7": "y" * 201}, "save", "F7", "höchstens 200 Zeichen", PROBLEM),
    ("F3-unknown-choice", {"F3": ["FS9"]}, "save", "F3", "Auswahl", UNSTORABLE),
    (
        "F4-unknown-level",
        {"F4_grundschule": "immer"},
        "save",
        "F4_grundschule",
        "Auswahl",
        UNSTORABLE,
    ),
    (
        "submit-incomplete",
        {"A1": "80"},
        "submit",
        "A2",
        "Bitte beantworten Sie diese Frage",
        SUBMIT,
    ),
    (
        "submit-without-F8",
        {"A1": "80"},
        "submit",
        "F8",
        "Bitte bestätigen Sie Ihre Angaben",
        SUBMIT,
    ),
]


@pytest.mark.parametrize(
    ("fields", "action", "field", "fragment", "kind"),
    [pytest.param(*case[1:], id=case[0]) for case in QUESTIONNAIRE_CASES],
)
def test_questionnaire_form_refuses_bad_answer_next_to_the_field(
    client, cat, fields, action, field, fragment, kind
):
    client.force_login(cat.leader)
    url = reverse("surveys:form", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk})
    code = field.split("_")[0]
    stored_before = Response.objects.get(pk=cat.draft.pk).answers.get(code)
    response = client.post(url, {"version": str(cat.draft.version), "action": action, **fields})
    stored = Response.objects.get(pk=cat.draft.pk)
    assert stored.status == Response.Status.DRAFT, "nothing is submitted"
    if kind == UNSTORABLE:
        html = html_of(response)
        assert response.status_code == 400
        assert "(so nicht gespeichert)" in html
        assert stored.answers.get(code) == stored_before, "the stored value stays"
    elif kind == PROBLEM:
        assert response.status_code == 302
        html = html_of(client.get(url))
        assert "Noch zu klären" in html
        assert stored.answers.get(code) is not None, "a draft keeps the value"
    else:
        check = reverse("surveys:check", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk})
        assert response.status_code == 302 and response["Location"] == check
        response = client.post(check, {"version": str(stored.version)})
        html = html_of(response)
        assert response.status_code == 400
        assert "Es wurde nichts eingereicht" in html
        assert f"{url}?vollstaendig=1#id_{field}" in html, f"not linked to {field}"
        assert fragment in html
        return
    assert fragment in html
    assert field_is_marked(html, field), f"error not at {field}"


# (id, posted version, German fragment, status)
VERSION_CASES = [
    ("version-stale", "7", "inzwischen an anderer Stelle gespeichert", 409),
    ("version-not-a-number", "abc", "ganze Zahl", 400),
    ("version-negative", "-1", "größer oder gleich 0", 400),
    ("version-missing", None, "Dieses Feld ist zwingend erforderlich", 400),
]


@pytest.mark.parametrize(
    ("version", "fragment", "status"),
    [pytest.param(*case[1:], id=case[0]) for case in VERSION_CASES],
)
def test_questionnaire_tampered_or_stale_version_is_refused(client, cat, version, fragment, status):
    client.force_login(cat.leader)
    url = reverse("surveys:form", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk})
    data = {"action": "save", "A1": "81"}
    if version is not None:
        data["version"] = version
    before = snapshot()
    response = client.post(url, data)
    assert response.status_code == status
    assert fragment in html_of(response)
    assert snapshot() == before


def test_questionnaire_post_to_a_submitted_one_is_refused(client, cat):
    leader = make_user(roles.KITA_LEITUNG, kitas=[cat.submitted_kita], password=None)
    client.force_login(leader)
    url = reverse("surveys:form", kwargs={"code": cat.round.code, "kita_id": cat.submitted_kita.pk})
    before = snapshot()
    response = client.post(url, {"version": "1", "action": "save", "A1": "1"}, follow=True)
    assert "bereits eingereicht" in html_of(response)
    assert snapshot() == before


# --- 2. the import of answers (CSV/XLSX): web upload and command -----------------------

GOOD_ROW = "Kita A,Nord,draft,80,70"
HEADER = "kita,sozialraum,status,A1,A2"


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _good_xlsx() -> bytes:
    return _xlsx([["Kita", "Sozialraum", "Status", "A1"], ["Kita A", "Nord", "Entwurf", 80]])


# (id, content, filename, German fragment)
IMPORT_CASES = [
    ("empty-file", b"", "leer.csv", "Datei ist leer"),
    ("only-blank-lines", b"\n\n \n", "leer.csv", "Die Datei ist leer"),
    ("header-only", HEADER.encode(), "kopf.csv", "keine Datenzeilen"),
    (
        "binary-garbage",
        bytes(range(256)) * 4,
        "muell.csv",
        "weder UTF-8 noch Windows-1252",
    ),
    ("binary-with-nul", b"kita,sozialraum\x00\x00\n\x00\x01\x02,\x03\n", "nul.csv", "Spalte"),
    ("truncated-xlsx", _good_xlsx()[:300], "abgeschnitten.xlsx", "XLSX-Datei kann nicht"),
    ("csv-named-xlsx", b"kita,sozialraum\nKita A,Nord\n", "falsch.xlsx", "XLSX-Datei kann nicht"),
    (
        "too-many-fields",
        f"{HEADER}\nKita A,Nord,draft,80,70,99\n".encode(),
        "felder.csv",
        "mehr Werte als Spalten",
    ),
    ("missing-kita-column", b"sozialraum,A1\nNord,80\n", "x.csv", "Pflichtspalte „kita“ fehlt"),
    (
        "missing-sozialraum-column",
        b"kita,A1\nKita A,80\n",
        "x.csv",
        "Pflichtspalte „sozialraum“ fehlt",
    ),
    ("unknown-column", b"kita,sozialraum,Z9\nKita A,Nord,1\n", "x.csv", "Unbekannte Spalte „Z9“"),
    ("duplicate-column", b"kita,sozialraum,A1,A1\nKita A,Nord,1,2\n", "x.csv", "doppelt vor"),
    ("empty-header-cell", b"kita,sozialraum,,A1\nKita A,Nord,,1\n", "x.csv", "keine Überschrift"),
    (
        "duplicate-row",
        f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n".encode(),
        "x.csv",
        "steht doppelt in der Datei",
    ),
    ("unknown-kita", f"{HEADER}\nKita Z,Nord,draft,1,1\n".encode(), "x.csv", "ist unbekannt"),
    ("kita-name-missing", f"{HEADER}\n,Nord,draft,1,1\n".encode(), "x.csv", "Name fehlt"),
    ("unknown-status", f"{HEADER}\nKita A,Nord,fertig,1,1\n".encode(), "x.csv", "kein Status"),
    ("negative-count", f"{HEADER}\nKita A,Nord,draft,-3,\n".encode(), "x.csv", "nicht kleiner"),
    ("fractional-count", f"{HEADER}\nKita A,Nord,draft,2.5,\n".encode(), "x.csv", "ganze Zahl"),
    (
        "count-above-denominator",
        f"{HEADER}\nKita A,Nord,draft,10,20\n".encode(),
        "x.csv",
        "darf nicht größer sein als die Angabe bei A1",
    ),
    ("likert-0", b"kita,sozialraum,C1a\nKita A,Nord,0\n", "x.csv", "Skala von 1 bis 4"),
    ("likert-5", b"kita,sozialraum,C1a\nKita A,Nord,5\n", "x.csv", "Skala von 1 bis 4"),
    ("text-in-number", b"kita,sozialraum,A1\nKita A,Nord,viele\n", "x.csv", "ganze Zahl"),
    (
        "F6-too-long",
        f"kita,sozialraum,F6\nKita A,Nord,{LONG_2001}\n".encode(),
        "x.csv",
        "höchstens 2000 Zeichen",
    ),
    ("F7-too-long", f"kita,sozialraum,F7\nKita A,Nord,{'y' * 201}\n".encode(), "x.csv", "200"),
    (
        "half-good-file",
        f"{HEADER}\n{GOOD_ROW}\nKita B,Nord,draft,1,5\n".encode(),
        "x.csv",
        "Zeile 3",
    ),
    (
        "xlsx-likert-0",
        _xlsx([["Kita", "Sozialraum", "C1a"], ["Kita A", "Nord", 0]]),
        "x.xlsx",
        "Skala von 1 bis 4",
    ),
    (
        "xlsx-text-in-number",
        _xlsx([["Kita", "Sozialraum", "A1"], ["Kita A", "Nord", "achtzig"]]),
        "x.xlsx",
        "ganze Zahl",
    ),
    (
        "xlsx-missing-column",
        _xlsx([["Kita", "A1"], ["Kita A", 80]]),
        "x.xlsx",
        "Pflichtspalte „sozialraum“ fehlt",
    ),
    ("xlsx-empty-sheet", _xlsx([]), "x.xlsx", "Die Datei ist leer"),
]


@pytest.mark.parametrize(
    ("content", "filename", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in IMPORT_CASES],
)
def test_import_upload_refuses_bad_file_and_writes_nothing(
    client, cat, content, filename, fragment
):
    client.force_login(cat.world.staff)
    url = reverse("surveys:round_import", kwargs={"code": cat.round.code})
    before = snapshot()
    upload = io.BytesIO(content)
    upload.name = filename
    response = client.post(url, {"file": upload})
    html = html_of(response)
    assert fragment in html
    if content:
        assert response.status_code == 400
        assert "es wurde nichts gespeichert" in html
    else:  # an empty upload is refused by the form field itself
        assert field_is_marked(html, "file")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "filename", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in IMPORT_CASES],
)
def test_import_command_refuses_bad_file_and_writes_nothing(
    cat, tmp_path, content, filename, fragment
):
    path = tmp_path / filename
    path.write_bytes(content)
    option = "--xlsx" if filename.endswith(".xlsx") else "--csv"
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_responses", "--round", cat.round.code, option, str(path), stdout=io.StringIO()
        )
    assert "nichts gespeichert" in str(excinfo.value)
    assert fragment in str(excinfo.value)
    assert snapshot() == before


def test_import_command_missing_file_is_a_german_message(cat, tmp_path):
    before = snapshot()
    with pytest.raises(CommandError, match="kann nicht gelesen werden"):
        call_command("import_responses", "--round", cat.round.code, "--csv", str(tmp_path / "x"))
    assert snapshot() == before


def test_import_command_unknown_round_is_a_german_message(cat, tmp_path):
    with pytest.raises(CommandError, match="Die Runde „1999“ gibt es nicht"):
        call_command("import_responses", "--round", "1999", "--csv", str(tmp_path / "x"))


def test_import_without_a_file_is_refused_at_the_field(client, cat):
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(reverse("surveys:round_import", kwargs={"code": cat.round.code}), {})
    assert "Dieses Feld ist zwingend erforderlich" in html_of(response)
    assert field_is_marked(html_of(response), "file")
    assert snapshot() == before


# Positive: files from Excel (UTF-8 with BOM, Windows-1252, semicolons) import correctly.
EXCEL_CASES = [
    ("utf8-bom", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), "bom.csv"),
    ("windows-1252", lambda t: t.encode("cp1252"), "excel.csv"),
    ("windows-1252-semicolons", lambda t: t.replace(",", ";").encode("cp1252"), "excel.csv"),
    ("utf8-crlf", lambda t: t.replace("\n", "\r\n").encode("utf-8"), "crlf.csv"),
]


@pytest.mark.parametrize(
    ("encode", "filename"), [pytest.param(*case[1:], id=case[0]) for case in EXCEL_CASES]
)
def test_import_reads_excel_encodings_with_umlauts(cat, encode, filename):
    text = f"kita,sozialraum,status,A1,A2\n{UMLAUT_KITA},{UMLAUT_SR},Entwurf,50,40\n"
    count = exchange.import_file(
        survey_round=cat.round, content=encode(text), filename=filename, acting_user=cat.world.staff
    )
    assert count == 1
    stored = Response.objects.get(round=cat.round, kita=cat.umlaut_kita)
    assert stored.answers == {"A1": 50, "A2": 40}
    assert stored.kita.name == "Kita Sonnenblümchen"


def test_import_reads_xlsx_with_umlauts_and_german_headers(cat):
    content = _xlsx(
        [["Kita", "Sozialraum", "Status", "A1 – Kinder"], [UMLAUT_KITA, UMLAUT_SR, "Entwurf", 50]]
    )
    exchange.import_file(
        survey_round=cat.round, content=content, filename="x.xlsx", acting_user=cat.world.staff
    )
    assert Response.objects.get(kita=cat.umlaut_kita).answers == {"A1": 50}


# --- 3. compute_indices --csv and sozialraum_shares (no database) -----------------------

IDX_HEADER = "kita,sozialraum,A1,A2,B1,C1a,A4"
# (id, content, extra arguments, German fragment)
COMPUTE_CASES = [
    ("empty-file", b"", [], "Die Datei ist leer"),
    ("header-only", IDX_HEADER.encode() + b"\n", [], "nur die Kopfzeile"),
    ("missing-kita-column", b"sozialraum,A1\nNord,1\n", [], "Spalte „kita“ fehlt"),
    ("unknown-column", b"kita,sozialraum,Z9\nK,S,1\n", [], "unbekannte Spalte"),
    ("duplicate-column", b"kita,sozialraum,A1,A1\nK,S,1,1\n", [], "Spalte kommt doppelt vor"),
    ("too-many-fields", f"{IDX_HEADER}\nK,S,1,1,1,1,1,1,1\n".encode(), [], "Felder"),
    ("decimal-comma", f'{IDX_HEADER}\nK,S,80,70,10,2,"12,5"\n'.encode(), [], "Dezimalpunkt"),
    ("text-in-number", f"{IDX_HEADER}\nK,S,viele,70,10,2,1\n".encode(), [], "keine Zahl"),
    ("negative-count", f"{IDX_HEADER}\nK,S,-80,70,10,2,1\n".encode(), [], "negativ"),
    ("fractional-count", f"{IDX_HEADER}\nK,S,80.5,70,10,2,1\n".encode(), [], "keine ganze Zahl"),
    ("likert-0", f"{IDX_HEADER}\nK,S,80,70,10,0,1\n".encode(), [], "Skala 1 bis 4"),
    ("likert-5", f"{IDX_HEADER}\nK,S,80,70,10,5,1\n".encode(), [], "Skala 1 bis 4"),
    ("above-denominator", f"{IDX_HEADER}\nK,S,80,70,75,2,1\n".encode(), [], "größer als A2"),
    (
        "duplicate-kita",
        f"{IDX_HEADER}\nK,S,80,70,10,2,1\nK,S,80,70,10,2,1\n".encode(),
        [],
        "kommt doppelt vor",
    ),
    ("kita-name-missing", f"{IDX_HEADER}\n,S,80,70,10,2,1\n".encode(), [], "Name der Kita fehlt"),
    ("binary-garbage", bytes(range(128, 256)) * 3, [], "Zeichenkodierung unbekannt"),
    (
        "budget-negative",
        f"{IDX_HEADER}\nK,S,80,70,10,2,1\n".encode(),
        ["--budget", "-5"],
        "kein Euro-Betrag",
    ),
    (
        "budget-german-thousands",
        f"{IDX_HEADER}\nK,S,80,70,10,2,1\n".encode(),
        ["--budget", "1.000,50"],
        "kein Euro-Betrag",
    ),
    (
        "budget-text",
        f"{IDX_HEADER}\nK,S,80,70,10,2,1\n".encode(),
        ["--budget", "viel"],
        "kein Euro-Betrag",
    ),
]


@pytest.mark.parametrize(
    ("content", "extra", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in COMPUTE_CASES],
)
def test_compute_indices_command_refuses_bad_csv(cat, tmp_path, content, extra, fragment):
    path = tmp_path / "antworten.csv"
    path.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command("compute_indices", "--csv", str(path), *extra, stdout=io.StringIO())
    assert fragment in str(excinfo.value)
    assert snapshot() == before


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf8-bom"),
        pytest.param(lambda t: t.encode("cp1252"), id="windows-1252"),
        pytest.param(lambda t: t.replace(",", ";").encode("cp1252"), id="cp1252-semicolons"),
    ],
)
def test_compute_indices_reads_excel_encodings_with_umlauts(tmp_path, encode):
    codes = ["A1", "A2", "B1", "C1a", "A4"]
    answers = valid_answers()
    rows = [",".join(["kita", "sozialraum", *codes])]
    for name in (UMLAUT_KITA, "Kita Möwe", "Kita Straße"):
        rows.append(",".join([name, UMLAUT_SR, *[str(answers[c]) for c in codes]]))
    path = tmp_path / "excel.csv"
    path.write_bytes(encode("\n".join(rows) + "\n"))
    out = io.StringIO()
    call_command("compute_indices", "--csv", str(path), stdout=out)
    result = json.dumps(json.loads(out.getvalue()), ensure_ascii=False)
    for name in (UMLAUT_KITA, "Kita Möwe", "Kita Straße", UMLAUT_SR):
        assert name in result


# (id, JSON text, budget, German fragment)
SHARES_CASES = [
    ("empty", "", "1000", "Die Datei ist leer"),
    ("not-json", "{Nord: 1", "1000", "kein gültiges JSON"),
    ("list-not-object", "[1, 2]", "1000", "JSON-Objekt"),
    ("points-text", '{"Nord": "viel"}', "1000", "keine Zahl"),
    ("points-negative", '{"Nord": -1, "Süd": 2}', "1000", "negativ"),
    ("points-sum-zero", '{"Nord": 0, "Süd": 0}', "1000", "Summe der Punkte ist 0"),
    ("duplicate-name", '{"Nord": 1, "Nord": 2}', "1000", "kommt doppelt vor"),
    ("budget-negative", '{"Nord": 1}', "-1", "kein Euro-Betrag"),
    ("budget-three-places", '{"Nord": 1}', "10.005", "kein Euro-Betrag"),
]


@pytest.mark.parametrize(
    ("text", "budget", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in SHARES_CASES],
)
def test_sozialraum_shares_command_refuses_bad_points(tmp_path, text, budget, fragment):
    path = tmp_path / "punkte.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "sozialraum_shares", "--points", str(path), "--budget", budget, stdout=io.StringIO()
        )
    assert fragment in str(excinfo.value)


# --- 4. allocation pages (Jugendamt staff) -------------------------------------------


def _line_post(cat, **overrides):
    data = {
        "kita": cat.kita.pk,
        "strand": "FS1",
        "fte": "0.50",
        "annual_cost": "35000.00",
        "justification": "",
        "qualification": "",
        "reason": "",
    }
    data.update(overrides)
    return data


# The cost set by hand instead of FTE × rate (issue 12)
OVERRIDE = {"cost_override": "on", "cost_override_reason": "Tarifstufe 5"}

# (id, field overrides, field the error sits at or None for the form, German fragment)
LINE_ADD_CASES = [
    ("fte-negative", {"fte": "-1"}, "fte", "-1,00 VZÄ ist zu niedrig, mindestens 0,05 VZÄ"),
    ("fte-zero", {"fte": "0,00"}, "fte", "0,00 VZÄ ist zu niedrig, mindestens 0,05 VZÄ"),
    ("fte-text", {"fte": "halbe"}, "fte", "„halbe“ ist keine Zahl. Bitte so eingeben: 0,80"),
    ("fte-three-places", {"fte": "0.333"}, "fte", "zu viele Nachkommastellen (höchstens 2)"),
    ("fte-absurd", {"fte": "123456"}, "fte", "ist zu hoch, höchstens 5,00 VZÄ"),
    ("fte-nan", {"fte": "NaN"}, "fte", "„NaN“ ist keine Zahl"),
    ("fte-off-step", {"fte": "0,83"}, "fte", "in Schritten von 0,05"),
    ("fte-ambiguous", {"fte": "1,000"}, "fte", "ist nicht eindeutig"),
    ("cost-negative", {**OVERRIDE, "annual_cost": "-100"}, "annual_cost", "ist zu niedrig"),
    ("cost-absurd", {**OVERRIDE, "annual_cost": "1e15"}, "annual_cost", "ist keine Zahl"),
    ("cost-text", {**OVERRIDE, "annual_cost": "teuer"}, "annual_cost", "ist keine Zahl"),
    (
        "cost-override-empty",
        {**OVERRIDE, "annual_cost": ""},
        "annual_cost",
        "abweichenden Personalkosten pro Jahr an",
    ),
    (
        "cost-override-no-reason",
        {**OVERRIDE, "annual_cost": "40.000", "cost_override_reason": " "},
        "cost_override_reason",
        "brauchen einen Grund",
    ),
    (
        "cost-override-above-budget",
        {**OVERRIDE, "annual_cost": "99.000.000"},
        "annual_cost",
        "ist zu hoch, höchstens",
    ),
    ("strand-unknown", {"strand": "FS9"}, "strand", "gültige Auswahl"),
    ("kita-other-sozialraum", {"kita": "KITA_D"}, "kita", "gültige Auswahl"),
    ("kita-not-a-number", {"kita": "abc"}, "kita", "gültige Auswahl"),
    ("kita-missing", {"kita": ""}, "kita", "zwingend erforderlich"),
    ("qualification-201", {"qualification": "q" * 201}, "qualification", "200 Zeichen"),
    ("ineligible-strand", {"kita": "KITA_C"}, None, "nicht förderfähig"),
    ("fs4-without-request", {"strand": "FS4"}, None, "angenommenen Antrag"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in LINE_ADD_CASES],
)
def test_line_add_form_refuses_bad_values(client, cat, overrides, field, fragment):
    kitas = {"KITA_C": cat.world.kitas["C"].pk, "KITA_D": cat.world.kitas["D"].pk}
    overrides = {k: kitas.get(v, v) for k, v in overrides.items()}
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:line_add", args=[cat.plan.pk]), _line_post(cat, **overrides)
    )
    html = html_of(response)
    assert response.status_code == 200
    assert fragment in html
    if field:
        assert field_is_marked(html, field), f"error not at {field}"
    assert snapshot() == before


LINE_EDIT_CASES = [
    ("fte-negative", {"fte": "-0.5"}, "ist zu niedrig, mindestens 0,05 VZÄ"),
    ("cost-negative", {**OVERRIDE, "annual_cost": "-1"}, "ist zu niedrig"),
    ("stale-version", {"version": "99"}, "inzwischen von"),
    ("version-text", {"version": "abc"}, "Die Seite ist veraltet"),
]


@pytest.mark.parametrize(
    ("overrides", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in LINE_EDIT_CASES]
)
def test_line_edit_form_refuses_bad_values(client, cat, overrides, fragment):
    client.force_login(cat.world.staff)
    data = _line_post(cat, version=str(cat.line.version), fte="0.60", **{})
    data.update(overrides)
    before = snapshot()
    response = client.post(reverse("allocation:line_edit", args=[cat.line.pk]), data)
    assert fragment in html_of(response)
    assert snapshot() == before


# (id, posted data builder, German fragment)
def _realloc(cat, **overrides):
    data = {
        "from_sozialraum": cat.world.north.pk,
        "to_sozialraum": cat.world.south.pk,
        "amount": "100.00",
        "reason": "Restmittel",
        "public_reason": "Restmittel für den Sozialraum Süd",
    }
    data.update(overrides)
    return data


REALLOCATION_CASES = [
    ("amount-negative", {"amount": "-5"}, "-5,00 € ist zu niedrig, mindestens 0,01 €"),
    ("amount-text", {"amount": "viel"}, "„viel“ ist keine Zahl"),
    ("amount-absurd", {"amount": "99999999999"}, "unrealistisch hoch"),
    ("amount-ambiguous", {"amount": "10,000"}, "ist nicht eindeutig"),
    ("amount-above-unspent", {"amount": "9999999.00"}, "nicht verplante Landesmittel"),
    ("same-sozialraum", {"to_sozialraum": "NORTH"}, "verschiedene Sozialräume"),
    ("reason-missing", {"reason": ""}, "zwingend erforderlich"),
    ("reason-blank", {"reason": "   "}, "zwingend erforderlich"),
    ("public-reason-missing", {"public_reason": ""}, "zwingend erforderlich"),
    ("public-reason-names-a-kita", {"public_reason": "für kita a"}, "darf keine Kita nennen"),
]


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in REALLOCATION_CASES],
)
def test_reallocation_form_refuses_bad_values(client, cat, overrides, fragment):
    overrides = {k: cat.world.north.pk if v == "NORTH" else v for k, v in overrides.items()}
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:reallocation_create", args=[cat.world.budget_year.pk]),
        _realloc(cat, **overrides),
        follow=True,
    )
    assert fragment in html_of(response)
    assert snapshot() == before


def test_line_add_accepts_the_german_decimal_comma(client, cat):
    client.force_login(cat.world.staff)
    response = client.post(
        reverse("allocation:line_add", args=[cat.plan.pk]),
        _line_post(cat, kita=cat.world.kitas["B"].pk, fte="0,75", annual_cost="52500,50"),
    )
    assert response.status_code == 302
    line = AllocationLine.objects.get(kita=cat.world.kitas["B"])
    # Without "abweichend" the cost is FTE × rate (70.000 €), whatever the cost field held.
    assert (line.fte, line.annual_cost) == (Decimal("0.75"), Decimal("52500.00"))


def test_line_add_takes_a_german_cost_override_with_its_reason(client, cat):
    client.force_login(cat.world.staff)
    response = client.post(
        reverse("allocation:line_add", args=[cat.plan.pk]),
        _line_post(
            cat, kita=cat.world.kitas["B"].pk, fte="0,75", annual_cost="52.500,50", **OVERRIDE
        ),
    )
    assert response.status_code == 302
    line = AllocationLine.objects.get(kita=cat.world.kitas["B"])
    assert (line.annual_cost, line.cost_override) == (Decimal("52500.50"), True)
    assert line.cost_override_reason == "Tarifstufe 5"


def test_empty_comment_is_refused(client, cat):
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:plan_comment", args=[cat.plan.pk]), {"text": "  "}, follow=True
    )
    assert "Bitte geben Sie einen Kommentar ein" in html_of(response)
    assert snapshot() == before


def test_rework_without_reason_is_refused(client, cat):
    workflow.plan_start_consultation(plan=cat.plan, acting_user=cat.world.staff)
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:plan_transition", args=[cat.plan.pk, "rework"]),
        {"reason": ""},
        follow=True,
    )
    assert "Für die Überarbeitung ist eine Begründung nötig" in html_of(response)
    assert snapshot() == before


def _line_update(**changes):
    """A service call changing the catalogue's line as its current version."""
    return lambda c: lines.line_update(
        line_id=c.line.pk, expected_version=c.line.version, acting_user=c.world.staff, **changes
    )


# --- 5. allocation services (the same rules for admin, commands and pages) ------------

SERVICE_CASES = [
    (
        "budget-year-negative-amount",
        lambda c: budget_years.budget_year_save(
            jugendamt_id=c.world.jugendamt.pk,
            year=2027,
            state_budget=Decimal("-1"),
            acting_user=c.world.staff,
        ),
        "darf nicht negativ sein",
    ),
    (
        "budget-year-amount-text",
        lambda c: budget_years.budget_year_save(
            jugendamt_id=c.world.jugendamt.pk,
            year=2027,
            state_budget="viel",
            acting_user=c.world.staff,
        ),
        "keine gültige Zahl",
    ),
    (
        "budget-year-negative-fte-cost",
        lambda c: budget_years.budget_year_save(
            jugendamt_id=c.world.jugendamt.pk,
            year=2026,
            fte_costs={"FS1": "-70000"},
            acting_user=c.world.staff,
        ),
        "darf nicht negativ sein",
    ),
    (
        "budget-year-fte-step-text",
        lambda c: budget_years.budget_year_save(
            jugendamt_id=c.world.jugendamt.pk,
            year=2026,
            fte_step="ein Viertel",
            acting_user=c.world.staff,
        ),
        "Stellenschritt",
    ),
    (
        "budget-year-fte-step-negative",
        lambda c: budget_years.budget_year_save(
            jugendamt_id=c.world.jugendamt.pk,
            year=2026,
            fte_step="-0.25",
            acting_user=c.world.staff,
        ),
        "Stellenschritt",
    ),
    (
        "budget-year-negative-year",
        lambda c: budget_years.budget_year_save(
            jugendamt_id=c.world.jugendamt.pk,
            year=-5,
            state_budget=Decimal("1000"),
            acting_user=c.world.staff,
        ),
        "Haushaltsjahr",
    ),
    (
        "line-update-fte-negative",
        _line_update(fte="-0.5"),
        "größer als 0",
    ),
    (
        "line-update-fte-nan",
        _line_update(fte="NaN"),
        "keine gültige Zahl",
    ),
    (
        "line-update-fte-absurd",
        _line_update(fte="100000"),
        "keine gültige Zahl",
    ),
    (
        "line-update-fte-text",
        _line_update(fte="x"),
        "keine gültige Zahl",
    ),
    (
        "line-update-cost-absurd",
        _line_update(annual_cost="1e20"),
        "Personalkosten",
    ),
    (
        "line-update-unknown-strand",
        _line_update(strand="FS9"),
        "Unbekannter Förderstrang",
    ),
    (
        "line-add-ineligible",
        lambda c: lines.line_add(
            plan=c.plan,
            kita=c.world.kitas["C"],
            strand="FS1",
            fte="0.5",
            annual_cost="1000",
            acting_user=c.world.staff,
        ),
        "nicht förderfähig",
    ),
    (
        "comment-empty",
        lambda c: plans.plan_comment_add(plan=c.plan, text=" \n ", acting_user=c.world.staff),
        "Der Kommentar ist leer",
    ),
    (
        "response-review-unknown-state",
        lambda c: survey_services.response_review(
            response=Response.objects.get(kita=c.submitted_kita),
            review_state="egal",
            comment="",
            acting_user=c.world.staff,
        ),
        "Unbekannter Prüfstatus",
    ),
    (
        "response-draft-bad-value",
        lambda c: survey_services.response_save_draft(
            survey_round=c.round,
            kita=c.kita,
            # A draft keeps values that break a rule (issue 14); text in a number field
            # cannot be stored at all.
            answers={"A1": "viele"},
            version=c.draft.version,
            acting_user=c.leader,
        ),
        "Bitte eine ganze Zahl eingeben",
    ),
]


@pytest.mark.parametrize(
    ("call", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in SERVICE_CASES]
)
def test_service_refuses_bad_value_with_german_message(cat, call, fragment):
    before = snapshot()
    with pytest.raises(ValidationError) as excinfo:
        call(cat)
    assert fragment in " ".join(excinfo.value.messages)
    assert snapshot() == before


# --- 6. the Jugendamt's survey forms ------------------------------------------------------

ROUND_CREATE_CASES = [
    ("code-with-slash", {"code": "../2028"}, "code", "gültigen Wert"),
    ("code-too-long", {"code": "x" * 21}, "code", "gültigen Wert"),
    ("code-reserved", {"code": "runden"}, "code", "nicht erlaubt"),
    ("code-duplicate", {"code": "ROUND"}, "code", "gibt es schon"),
    ("stichtag-impossible", {"stichtag": "2027-02-31"}, "stichtag", "gültiges Datum"),
    ("stichtag-text", {"stichtag": "morgen"}, "stichtag", "gültiges Datum"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in ROUND_CREATE_CASES],
)
def test_round_create_form_refuses_bad_values(client, cat, overrides, field, fragment):
    data = {"code": "2028", "stichtag": "2028-10-01", "closes_on": ""}
    data.update({k: cat.round.code if v == "ROUND" else v for k, v in overrides.items()})
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(reverse("surveys:round_list"), data)
    html = html_of(response)
    assert fragment in html
    assert field_is_marked(html, field)
    assert snapshot() == before


REVIEW_CASES = [
    ("state-unknown", {"review_state": "egal"}, "review_state", "gültige Auswahl"),
    ("comment-2001", {"review_comment": LONG_2001}, "review_comment", "2000 Zeichen"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in REVIEW_CASES],
)
def test_review_form_refuses_bad_values(client, cat, overrides, field, fragment):
    data = {"review_state": "geprueft", "review_comment": ""}
    data.update(overrides)
    client.force_login(cat.world.staff)
    url = reverse(
        "surveys:response_detail", kwargs={"code": cat.round.code, "kita_id": cat.submitted_kita.pk}
    )
    before = snapshot()
    html = html_of(client.post(url, data))
    assert fragment in html
    assert field_is_marked(html, field)
    assert snapshot() == before


def test_reopen_without_reason_is_refused(client, cat):
    client.force_login(cat.world.staff)
    url = reverse(
        "surveys:response_reopen", kwargs={"code": cat.round.code, "kita_id": cat.submitted_kita.pk}
    )
    before = snapshot()
    response = client.post(url, {"reason": "   "}, follow=True)
    assert "Bitte geben Sie einen Grund" in html_of(response)
    assert snapshot() == before


# --- 7. invitations -----------------------------------------------------------------------


def _invite(cat, **overrides):
    data = {
        "email": "neu@example.org",
        "first_name": "Erika",
        "last_name": "Muster",
        "role": roles.KITA_LEITUNG,
        "kitas": [cat.kita.pk],
        "traeger": "",
    }
    data.update(overrides)
    return data


INVITE_CASES = [
    ("email-invalid", {"email": "kein-at-zeichen"}, "email", "gültige E-Mail-Adresse"),
    ("email-missing", {"email": ""}, "email", "zwingend erforderlich"),
    ("email-script", {"email": f"{SCRIPT}@x.de"}, "email", "gültige E-Mail-Adresse"),
    ("first-name-151", {"first_name": "E" * 151}, "first_name", "150 Zeichen"),
    ("last-name-151", {"last_name": "M" * 151}, "last_name", "150 Zeichen"),
    ("role-admin", {"role": "Administration"}, "role", "gültige Auswahl"),
    ("kita-leader-without-kita", {"kitas": []}, None, "mindestens eine Kita"),
    ("traeger-role-without-traeger", {"role": roles.TRAEGER, "kitas": []}, None, "Träger aus"),
    ("kita-not-a-number", {"kitas": ["abc"]}, "kitas", "kein gültiger Wert"),
    ("kita-of-other-jugendamt", {"kitas": ["FOREIGN"]}, "kitas", "gültige Auswahl"),
    ("email-exists", {"email": "EXISTING"}, None, "bereits ein Konto"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in INVITE_CASES],
)
def test_invite_form_refuses_bad_values(client, cat, overrides, field, fragment):
    foreign = KitaFactory(sozialraum=SozialraumFactory())
    existing = make_user(roles.JUGENDAMT, jugendamt=cat.world.jugendamt, username="da@example.org")
    swap = {"FOREIGN": foreign.pk, "EXISTING": existing.username}
    overrides = {
        k: [swap.get(x, x) for x in v] if isinstance(v, list) else swap.get(v, v)
        for k, v in overrides.items()
    }
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(reverse("invite_user"), _invite(cat, **overrides))
    html = html_of(response)
    assert response.status_code == 200
    assert fragment in html
    if field:
        assert field_is_marked(html, field), f"error not at {field}"
    assert snapshot() == before
    assert Jugendamt.objects.count() >= 1


# --- 8. HTML/script in text fields: stored as text, shown escaped ---------------------


def _assert_escaped(html: str) -> None:
    assert SCRIPT not in html
    assert ESCAPED in html


def test_script_in_F6_is_stored_as_text_and_shown_escaped(client, cat):
    client.force_login(cat.leader)
    url = reverse("surveys:form", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk})
    response = client.post(url, {"version": str(cat.draft.version), "action": "save", "F6": SCRIPT})
    assert response.status_code == 302
    cat.draft.refresh_from_db()
    assert cat.draft.answers["F6"] == SCRIPT
    _assert_escaped(html_of(client.get(url)))
    client.force_login(cat.world.staff)
    Response.objects.filter(pk=cat.draft.pk).update(status=Response.Status.SUBMITTED)
    detail = reverse(
        "surveys:response_detail", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk}
    )
    _assert_escaped(html_of(client.get(detail)))


def test_script_in_review_comment_is_shown_escaped(client, cat):
    client.force_login(cat.world.staff)
    url = reverse(
        "surveys:response_detail", kwargs={"code": cat.round.code, "kita_id": cat.submitted_kita.pk}
    )
    client.post(url, {"review_state": "rueckfrage", "review_comment": SCRIPT})
    assert Response.objects.get(kita=cat.submitted_kita).review_comment == SCRIPT
    _assert_escaped(html_of(client.get(url)))


def test_script_in_plan_justification_and_comment_is_shown_escaped(client, cat):
    client.force_login(cat.world.staff)
    response = client.post(
        reverse("allocation:line_add", args=[cat.plan.pk]),
        _line_post(cat, kita=cat.world.kitas["B"].pk, justification=SCRIPT, qualification=SCRIPT),
    )
    assert response.status_code == 302
    client.post(reverse("allocation:plan_comment", args=[cat.plan.pk]), {"text": SCRIPT})
    assert PlanComment.objects.get().text == SCRIPT
    assert AllocationLine.objects.get(kita=cat.world.kitas["B"]).justification == SCRIPT
    _assert_escaped(html_of(client.get(reverse("allocation:plan_detail", args=[cat.plan.pk]))))
    _assert_escaped(html_of(client.get(reverse("allocation:plan_history", args=[cat.plan.pk]))))


def test_script_in_invited_name_is_shown_escaped(client, cat):
    client.force_login(cat.world.staff)
    response = client.post(
        reverse("invite_user"), _invite(cat, first_name=SCRIPT, last_name="Muster")
    )
    assert response.status_code == 302
    invited = User.objects.get(username="neu@example.org")
    assert invited.first_name == SCRIPT
    client.force_login(invited)
    _assert_escaped(html_of(client.get(reverse("surveys:kita_overview"))))


def test_script_in_imported_text_is_shown_escaped(client, cat):
    content = f"kita,sozialraum,status,F6\n{UMLAUT_KITA},{UMLAUT_SR},submitted,{SCRIPT}\n"
    exchange.import_file(
        survey_round=cat.round,
        content=content.encode(),
        filename="x.csv",
        acting_user=cat.world.staff,
    )
    client.force_login(cat.world.staff)
    url = reverse(
        "surveys:response_detail", kwargs={"code": cat.round.code, "kita_id": cat.umlaut_kita.pk}
    )
    _assert_escaped(html_of(client.get(url)))


# =========================================================================================
# --- 9. issue 13 (findings 6 and 7): absurd numbers, tampered hidden fields, round codes,
#        hostile import files. Every case: no 500, a German message, nothing changed.
# =========================================================================================

DIGITS_5000 = "9" * 5000

# (id, posted fields, field the error must sit at, German fragment)
QUESTIONNAIRE_NUMBER_CASES = [
    ("A4-1e9999999", {"A4": "1e9999999"}, "A4", "Die Zahl hat zu viele Stellen"),
    ("A4-5000-digits", {"A4": DIGITS_5000}, "A4", "Die Zahl hat zu viele Stellen"),
    ("A4-1e-9999999", {"A4": "1e-9999999"}, "A4", "Die Zahl hat zu viele Stellen"),
    ("A4-nan", {"A4": "nan"}, "A4", "Bitte eine Zahl eingeben"),
    ("A4-minus-inf", {"A4": "-inf"}, "A4", "Bitte eine Zahl eingeben"),
    ("A1-5000-digits", {"A1": DIGITS_5000}, "A1", "Die Zahl hat zu viele Stellen"),
    ("A1-30-digits", {"A1": "9" * 30}, "A1", "Die Zahl hat zu viele Stellen"),
    ("A1-nan", {"A1": "nan"}, "A1", "ganze Zahl"),
    ("A1-inf", {"A1": "inf"}, "A1", "ganze Zahl"),
    ("A1-1e9999999", {"A1": "1e9999999"}, "A1", "ganze Zahl"),
    # Not a number, but the same PostgreSQL 500 (DataError) if it ever reached the database.
    ("F6-nul-byte", {"F6": "Text\x00mit NUL"}, "F6", "Nullzeichen sind nicht erlaubt"),
]


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in QUESTIONNAIRE_NUMBER_CASES],
)
def test_questionnaire_refuses_absurd_numbers_next_to_the_field(
    client, cat, fields, field, fragment
):
    client.force_login(cat.leader)
    url = reverse("surveys:form", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk})
    stored_before = Response.objects.get(pk=cat.draft.pk).answers.get(field)
    response = client.post(url, {"version": str(cat.draft.version), "action": "save", **fields})
    html = html_of(response)
    assert response.status_code == 400
    assert fragment in html
    assert field_is_marked(html, field), f"error not at {field}"
    # A draft saves everything else (issue 14); this value is not stored, the stored one stays.
    stored = Response.objects.get(pk=cat.draft.pk)
    assert stored.status == Response.Status.DRAFT
    assert stored.answers.get(field) == stored_before


@pytest.mark.parametrize(
    ("version", "fragment"),
    [
        pytest.param("9" * 30, "kleiner oder gleich 2147483647", id="version-30-digits"),
        pytest.param(DIGITS_5000, "ganze Zahl", id="version-5000-digits"),
        pytest.param("²", "ganze Zahl", id="version-superscript-two"),
    ],
)
def test_questionnaire_huge_hidden_version_is_a_400(client, cat, version, fragment):
    client.force_login(cat.leader)
    url = reverse("surveys:form", kwargs={"code": cat.round.code, "kita_id": cat.kita.pk})
    before = snapshot()
    response = client.post(url, {"action": "save", "A1": "81", "version": version})
    assert response.status_code == 400
    assert fragment in html_of(response)
    assert snapshot() == before


# (id, field overrides, field the error sits at, German fragment)
LINE_NUMBER_CASES = [
    ("fte-5000-digits", {"fte": DIGITS_5000}, "fte", "hat zu viele Stellen (höchstens 20 Ziffern)"),
    ("fte-1e9999999", {"fte": "1e9999999"}, "fte", "„1e9999999“ ist keine Zahl"),
    ("fte-infinity", {"fte": "Infinity"}, "fte", "„Infinity“ ist keine Zahl"),
    ("fte-minus-inf", {"fte": "-inf"}, "fte", "„-inf“ ist keine Zahl"),
    (
        "cost-5000-digits",
        {**OVERRIDE, "annual_cost": DIGITS_5000},
        "annual_cost",
        "hat zu viele Stellen",
    ),
    (
        "cost-25-digits-grouped",
        {**OVERRIDE, "annual_cost": "1.000.000.000.000.000.000.000.000"},
        "annual_cost",
        "hat zu viele Stellen",
    ),
    ("cost-nan", {**OVERRIDE, "annual_cost": "nan"}, "annual_cost", "„nan“ ist keine Zahl"),
]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in LINE_NUMBER_CASES],
)
def test_line_form_refuses_absurd_numbers_at_the_field(client, cat, overrides, field, fragment):
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:line_add", args=[cat.plan.pk]), _line_post(cat, **overrides)
    )
    html = html_of(response)
    assert response.status_code == 200
    assert fragment in html
    assert field_is_marked(html, field), f"error not at {field}"
    assert snapshot() == before


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        pytest.param(DIGITS_5000, "hat zu viele Stellen", id="amount-5000-digits"),
        pytest.param("1e9999999", "ist keine Zahl", id="amount-1e9999999"),
        pytest.param("Infinity", "„Infinity“ ist keine Zahl", id="amount-infinity"),
        pytest.param("NaN", "„NaN“ ist keine Zahl", id="amount-nan"),
    ],
)
def test_reallocation_form_refuses_absurd_amounts(client, cat, amount, fragment):
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:reallocation_create", args=[cat.world.budget_year.pk]),
        _realloc(cat, amount=amount),
    )
    assert response.status_code == 400
    assert fragment in html_of(response)
    assert snapshot() == before


TAMPERED = "Die Seite ist veraltet oder unvollständig"
TAMPERED_VERSIONS = [
    pytest.param("abc", id="abc"),
    pytest.param(DIGITS_5000, id="5000-digits"),
    pytest.param("99999999999", id="above-a-database-integer"),
    pytest.param("²", id="superscript-two"),
    pytest.param("-1", id="negative"),
]


@pytest.mark.parametrize("version", TAMPERED_VERSIONS)
def test_line_delete_with_a_tampered_version_is_a_400(client, cat, version):
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:line_delete", args=[cat.line.pk]), {"version": version}
    )
    assert response.status_code == 400
    assert TAMPERED in html_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("version", TAMPERED_VERSIONS)
def test_line_edit_with_a_tampered_version_is_a_400(client, cat, version):
    client.force_login(cat.world.staff)
    data = _line_post(cat, fte="0.60")
    data["version"] = version
    before = snapshot()
    response = client.post(reverse("allocation:line_edit", args=[cat.line.pk]), data)
    assert response.status_code == 400
    assert TAMPERED in html_of(response)
    assert snapshot() == before


def test_line_edit_with_a_stale_version_shows_the_conflict(client, cat):
    client.force_login(cat.world.staff)
    data = _line_post(cat, fte="0.60")
    data["version"] = str(cat.line.version + 5)
    before = snapshot()
    response = client.post(reverse("allocation:line_edit", args=[cat.line.pk]), data)
    assert response.status_code == 200
    assert "inzwischen von" in html_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("version", TAMPERED_VERSIONS)
def test_plan_transition_with_a_tampered_version_is_a_400(client, cat, version):
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(
        reverse("allocation:plan_transition", args=[cat.plan.pk, "start_consultation"]),
        {"version": version, "reason": ""},
    )
    assert response.status_code == 400
    assert TAMPERED in html_of(response)
    assert snapshot() == before


@pytest.mark.parametrize("version", TAMPERED_VERSIONS)
def test_reallocation_decision_with_a_tampered_version_is_a_400(client, cat, version):
    from allocation.services import reallocations

    proposal = reallocations.reallocation_create(
        budget_year=cat.world.budget_year,
        from_sozialraum=cat.world.north,
        to_sozialraum=cat.world.south,
        amount=Decimal("100.00"),
        reason="Restmittel",
        public_reason="Restmittel für den Sozialraum Süd",
        acting_user=cat.world.staff,
    )
    client.force_login(cat.world.leitung)
    before = snapshot()
    response = client.post(
        reverse("allocation:reallocation_approve", args=[proposal.pk]),
        {f"r{proposal.pk}-version": version, f"r{proposal.pk}-reason": ""},
    )
    assert response.status_code == 400
    assert TAMPERED in html_of(response)
    assert snapshot() == before
    assert Reallocation.objects.get(pk=proposal.pk).state == proposal.state


ROUND_CODE_CASES = [
    ("code-with-cr-lf-inside", {"code": "20\r\n27"}, "gültigen Wert"),
    ("code-with-space", {"code": "20 27"}, "gültigen Wert"),
    ("code-with-tab", {"code": "20\t27"}, "gültigen Wert"),
    ("code-with-quote", {"code": '20"27'}, "gültigen Wert"),
]


@pytest.mark.parametrize(
    "overrides", [pytest.param(case[1], id=case[0]) for case in ROUND_CODE_CASES]
)
def test_round_create_form_refuses_codes_with_white_space_or_quotes(client, cat, overrides):
    data = {"code": "2028", "stichtag": "2028-10-01", "closes_on": "", **overrides}
    client.force_login(cat.world.staff)
    before = snapshot()
    response = client.post(reverse("surveys:round_list"), data)
    html = html_of(response)
    assert response.status_code == 200
    assert "gültigen Wert" in html
    assert field_is_marked(html, "code")
    assert snapshot() == before


@pytest.mark.parametrize(
    "code",
    [
        pytest.param("20\r\n27", id="cr-lf-inside"),
        pytest.param("20 27", id="space"),
        pytest.param("../2028", id="slash"),
        pytest.param("runden", id="reserved"),
        pytest.param("x" * 21, id="too-long"),
    ],
)
def test_round_created_in_the_admin_needs_a_valid_code(client, cat, code):
    from surveys.models import Instrument

    admin = User.objects.create_superuser(
        username="su-13", email="su@example.invalid", password="x", jugendamt=cat.world.jugendamt
    )
    client.force_login(admin)
    before = snapshot()
    response = client.post(
        reverse("admin:surveys_surveyround_add"),
        {
            "jugendamt": cat.world.jugendamt.pk,
            "code": code,
            "instrument": Instrument.objects.get(code="SRB-2021").pk,
            "stichtag": "2028-10-01",
            "opens_on": "",
            "closes_on": "",
        },
    )
    html = html_of(response)
    assert response.status_code == 200
    assert "Kennung" in html and "errorlist" in html
    assert snapshot() == before


def test_round_code_model_validator_names_the_rule(cat):
    from surveys.models import validate_round_code

    with pytest.raises(ValidationError, match="nur Buchstaben, Ziffern, - und _"):
        validate_round_code("2027\n")
    with pytest.raises(ValidationError, match="nicht erlaubt"):
        validate_round_code("Runden")
    validate_round_code("2027_a-1")


def test_export_of_a_round_with_a_stored_cr_lf_code_is_a_safe_download(client, cat):
    SurveyRound.objects.filter(pk=cat.round.pk).update(code="20\r\n27")
    client.force_login(cat.world.staff)
    for fmt in ("csv", "xlsx"):
        response = client.get(
            reverse("surveys:round_export", kwargs={"code": "20\r\n27", "fmt": fmt})
        )
        assert response.status_code == 200
        assert "\n" not in response["Content-Disposition"]


def _hostile_import_cases():
    from tests.surveys import test_exchange_bounds as hostile

    xxe = hostile.xlsx_with(
        hostile.sheet(hostile.HEADER_ROW + hostile._entity_row("xxe"), doctype=hostile.XXE)
    )
    laughs = hostile.xlsx_with(
        hostile.sheet(
            hostile.HEADER_ROW + hostile._entity_row("lol9"), doctype=hostile.BILLION_LAUGHS
        )
    )
    claimed = hostile.xlsx_with(
        hostile.sheet(
            hostile.HEADER_ROW + '<row r="20000"><c r="XFD20000"><v>1</v></c></row>',
            dimension="A1:XFD20000",
        )
    )
    big_number = hostile.xlsx_with(
        hostile.sheet(hostile.HEADER_ROW + hostile.data_row(2, "9" * 5000))
    )
    return [
        ("csv-nul-in-a-cell", f"{HEADER}\nKita A,Nord,draft,8\x000,\n".encode(), "x.csv", "NUL"),
        (
            "csv-field-over-131072",
            f"{HEADER}\nKita A,Nord,draft,{'8' * 140_000},\n".encode(),
            "x.csv",
            "Ein Feld ist länger als 10.000 Zeichen",
        ),
        (
            "csv-1e9999999",
            b"kita,sozialraum,A4\nKita A,Nord,1e9999999\n",
            "x.csv",
            "Zeile 2, Spalte „A4“: Die Zahl hat zu viele Stellen",
        ),
        (
            "csv-5000-digits",
            f"{HEADER}\nKita A,Nord,draft,{DIGITS_5000},\n".encode(),
            "x.csv",
            "Zeile 2, Spalte „A1“: Die Zahl hat zu viele Stellen",
        ),
        ("xlsx-xxe", xxe, "x.xlsx", "unzulässige XML-Anweisungen"),
        ("xlsx-billion-laughs", laughs, "x.xlsx", "unzulässige XML-Anweisungen"),
        ("xlsx-claims-XFD20000", claimed, "x.xlsx", "mehr als 5.000 Datenzeilen"),
        ("xlsx-5000-digits", big_number, "x.xlsx", "Spalte C: „99999999999999999999…“"),
    ]


@pytest.mark.parametrize(
    ("content", "filename", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in _hostile_import_cases()],
)
def test_hostile_import_upload_is_a_german_message_not_a_500(
    client, cat, content, filename, fragment
):
    client.force_login(cat.world.staff)
    url = reverse("surveys:round_import", kwargs={"code": cat.round.code})
    before = snapshot()
    upload = io.BytesIO(content)
    upload.name = filename
    response = client.post(url, {"file": upload})
    html = html_of(response)
    assert response.status_code == 400
    assert fragment in html
    assert "es wurde nichts gespeichert" in html
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "filename", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in _hostile_import_cases()],
)
def test_hostile_import_command_is_a_german_message_not_a_traceback(
    cat, tmp_path, content, filename, fragment
):
    path = tmp_path / filename
    path.write_bytes(content)
    option = "--xlsx" if filename.endswith(".xlsx") else "--csv"
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "import_responses", "--round", cat.round.code, option, str(path), stdout=io.StringIO()
        )
    assert "nichts gespeichert" in str(excinfo.value)
    assert fragment in str(excinfo.value)
    assert snapshot() == before


def test_import_upload_above_the_limit_is_refused_before_parsing(client, cat):
    client.force_login(cat.world.staff)
    url = reverse("surveys:round_import", kwargs={"code": cat.round.code})
    before = snapshot()
    upload = io.BytesIO(f"{HEADER}\n".encode() + b"Kita A,Nord,draft,80,70\n" * 260_000)
    upload.name = "gross.csv"
    response = client.post(url, {"file": upload})
    assert response.status_code == 413
    assert "Die Datei ist zu groß (höchstens 5,0 MB)." in html_of(response)
    assert snapshot() == before


COMPUTE_HOSTILE_CASES = [
    ("nul-in-a-name", f"{IDX_HEADER}\nK\x00,S,80,70,10,2,1\n".encode(), "Spalte „kita“"),
    ("name-over-10000", f"{IDX_HEADER}\n{'K' * 10_001},S,80,70,10,2,1\n".encode(), "länger als"),
    ("exponent", f"{IDX_HEADER}\nK,S,1e9999999,70,10,2,1\n".encode(), "zu groß oder unendlich"),
    ("5000-digits", f"{IDX_HEADER}\nK,S,{DIGITS_5000},70,10,2,1\n".encode(), "zu groß"),
]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [pytest.param(*case[1:], id=case[0]) for case in COMPUTE_HOSTILE_CASES],
)
def test_compute_indices_refuses_hostile_csv_in_german(cat, tmp_path, content, fragment):
    path = tmp_path / "antworten.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as excinfo:
        call_command("compute_indices", "--csv", str(path), stdout=io.StringIO())
    assert fragment in str(excinfo.value)


def test_compute_indices_reads_names_our_export_made_inert(tmp_path):
    answers = valid_answers()
    codes = ["A1", "A2", "B1", "C1a", "A4"]
    rows = [",".join(["kita", "sozialraum", *codes])]
    rows.append(",".join(["'=Kita", "'@Süd", *[str(answers[c]) for c in codes]]))
    rows.append(",".join(["Kita B", "'@Süd", *[str(answers[c]) for c in codes]]))
    path = tmp_path / "export.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = io.StringIO()
    call_command("compute_indices", "--csv", str(path), stdout=out)
    result = out.getvalue()
    assert '"=Kita"' in result and '"@Süd"' in result
    assert "'=Kita" not in result
