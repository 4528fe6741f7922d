"""CSV/XLSX export and import: round trip, encodings, and all-or-nothing imports."""

import io

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from surveys import exchange
from surveys.instrument import ITEM_CODES
from surveys.models import Response
from surveys.selectors import answers_frame
from tests.factories import KitaFactory
from tests.surveys.factories import (
    ResponseFactory,
    SurveyRoundFactory,
    stored_answers,
    valid_answers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled_round():
    survey_round = SurveyRoundFactory(code="2024")
    ResponseFactory(
        round=survey_round,
        kita__name='Kita Möwe, "Süd"',
        answers=stored_answers(F6="Zeile 1\nZeile 2; mit Komma, und „Zitat“"),
    )
    ResponseFactory(round=survey_round, answers=stored_answers(B3a=None, A4="7"))
    ResponseFactory(round=survey_round, status=Response.Status.DRAFT, answers={"A1": 12})
    return survey_round


def snapshot(survey_round):
    return {
        r.kita_id: (r.status, r.answers)
        for r in Response.objects.filter(round=survey_round).order_by("kita_id")
    }


def export_csv(survey_round) -> str:
    out = io.StringIO()
    call_command("export_responses", "--round", survey_round.code, "--csv", "-", stdout=out)
    return out.getvalue()


def import_csv(survey_round, text: str | bytes, tmp_path, name="import.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    out = io.StringIO()
    call_command("import_responses", "--round", survey_round.code, "--csv", str(path), stdout=out)
    return out.getvalue()


def test_export_csv_has_kita_sozialraum_status_and_every_item_code(filled_round):
    text = export_csv(filled_round)
    lines = text.splitlines()
    assert lines[0].split(",") == ["kita", "sozialraum", "status", *ITEM_CODES]
    assert "submitted" in text and "draft" in text
    assert ",12.5," in text  # decimal point, not comma


def test_csv_export_then_import_round_trips(filled_round, tmp_path):
    before = snapshot(filled_round)
    text = export_csv(filled_round)
    Response.objects.filter(round=filled_round).update(answers={}, status="draft")
    assert "3 Fragebögen" in import_csv(filled_round, text, tmp_path)
    assert snapshot(filled_round) == before
    assert export_csv(filled_round) == text


def test_xlsx_export_then_import_round_trips(filled_round, tmp_path):
    before = snapshot(filled_round)
    path = tmp_path / "runde.xlsx"
    call_command("export_responses", "--round", filled_round.code, "--xlsx", str(path))
    Response.objects.filter(round=filled_round).delete()
    call_command("import_responses", "--round", filled_round.code, "--xlsx", str(path))
    assert snapshot(filled_round).values() and list(snapshot(filled_round).values()) == list(
        before.values()
    )


def test_import_into_an_empty_round_creates_submitted_responses_and_signals(
    filled_round, tmp_path, signal_log, django_capture_on_commit_callbacks
):
    text = export_csv(filled_round)
    target = SurveyRoundFactory(jugendamt=filled_round.jugendamt, code="2019", state="geschlossen")
    with django_capture_on_commit_callbacks(execute=True):
        import_csv(target, text, tmp_path)
    assert target.responses.count() == 3
    assert len(answers_frame(round_id=target.pk)) == 2
    assert signal_log == [target.pk]
    assert AuditEvent.objects.filter(action="responses_imported").count() == 1


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_import_reads_utf8_utf8_bom_and_windows_1252(encoding, tmp_path):
    survey_round = SurveyRoundFactory(code="2025")
    kita = KitaFactory(name="Kita Spatzennest Süd", sozialraum__jugendamt=survey_round.jugendamt)
    answers = valid_answers(F6="Grüße aus der Küche")
    header = ["kita", "sozialraum", "status", *answers]
    row = [kita.name, kita.sozialraum.name, "submitted"] + [
        exchange.cell_text(exchange.ITEMS_BY_CODE[c], v) for c, v in answers.items()
    ]
    buffer = io.StringIO()
    import csv

    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([header, row])
    import_csv(survey_round, buffer.getvalue().encode(encoding), tmp_path)
    stored = Response.objects.get(round=survey_round, kita=kita)
    assert stored.answers["F6"] == "Grüße aus der Küche"
    assert stored.answers["A4"] == "12.5"


def _valid_csv(survey_round, *extra_rows, header=None):
    kita = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    header = header or ["kita", "sozialraum", "status", "A1", "A2", "B1", "B3a"]
    lines = [",".join(header), f"{kita.name},{kita.sozialraum.name},submitted,80,70,10,3"]
    lines += list(extra_rows)
    return "\n".join(lines) + "\n", kita


@pytest.mark.parametrize(
    ("make_rows", "expected"),
    [
        (lambda k: [f"{k.name},{k.sozialraum.name},submitted,80,70,10,3"], "doppelt"),
        (lambda k: [f"Kita Niemand,{k.sozialraum.name},submitted,80,70,10,3"], "unbekannt"),
        (lambda k: [f"{k.name},Falscher Sozialraum,submitted,80,70,10,3"], "unbekannt"),
        (lambda k: ["{other},{sr},submitted,80,siebzig,10,3"], "Spalte „A2“: Bitte eine ganze"),
        (lambda k: ["{other},{sr},submitted,80,70,71,3"], "Spalte „B1“: Der Wert 71"),
        (lambda k: ["{other},{sr},submitted,80,70,10,5"], "Spalte „B3a“: Bitte einen Wert"),
        (lambda k: ["{other},{sr},submitted,80,70,-1,3"], "Spalte „B1“"),
        (lambda k: ["{other},{sr},fertig,80,70,10,3"], "Spalte „status“"),
    ],
)
def test_a_bad_row_aborts_the_whole_import_and_names_row_and_column(make_rows, expected, tmp_path):
    survey_round = SurveyRoundFactory(code="2026")
    existing = ResponseFactory(round=survey_round)
    before = snapshot(survey_round)
    other = KitaFactory(sozialraum__jugendamt=survey_round.jugendamt)
    text, kita = _valid_csv(survey_round)
    rows = [r.format(other=other.name, sr=other.sozialraum.name) for r in make_rows(kita)]
    text += "\n".join(rows) + "\n"
    with pytest.raises(CommandError) as excinfo:
        import_csv(survey_round, text, tmp_path)
    message = str(excinfo.value)
    assert "Zeile 3" in message and expected in message
    assert "nichts gespeichert" in message
    assert snapshot(survey_round) == before
    assert existing.kita_id in before
    assert not AuditEvent.objects.filter(action="responses_imported").exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["kita", "sozialraum", "status", "A1", "A2", "B1", "Z9"], "Unbekannte Spalte „Z9“"),
        (["kita", "status", "A1", "A2", "B1", "B3a"], "Pflichtspalte „sozialraum“ fehlt"),
        (["kita", "sozialraum", "status", "A1", "A1", "B1", "B3a"], "„A1“ kommt doppelt"),
    ],
)
def test_bad_header_aborts_and_writes_nothing(header, expected, tmp_path):
    survey_round = SurveyRoundFactory(code="2026")
    text, _kita = _valid_csv(survey_round, header=header)
    with pytest.raises(CommandError, match=expected):
        import_csv(survey_round, text, tmp_path)
    assert not survey_round.responses.exists()


def test_empty_file_is_refused(tmp_path):
    survey_round = SurveyRoundFactory(code="2026")
    with pytest.raises(CommandError, match="Die Datei ist leer"):
        import_csv(survey_round, "", tmp_path)


def test_import_command_exits_non_zero_with_a_german_message_on_stderr(
    tmp_path, capsys, monkeypatch
):
    from django.db import connections

    from surveys.management.commands.import_responses import Command

    survey_round = SurveyRoundFactory(code="2026")
    text, _kita = _valid_csv(survey_round, "Kita Niemand,X,submitted,1,1,1,1")
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    # run_from_argv closes the connections at the end; keep the test transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    argv = ["manage.py", "import_responses", "--round", "2026", "--csv", str(path)]
    with pytest.raises(SystemExit) as excinfo:
        Command().run_from_argv(argv)
    assert excinfo.value.code != 0
    err = capsys.readouterr().err
    assert "Zeile 3, Spalte „kita“" in err and "Traceback" not in err
    assert not survey_round.responses.exists()


def test_upload_page_imports_for_staff_and_shows_problems(client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from sozialraeume import roles
    from tests.factories import make_user

    survey_round = SurveyRoundFactory(code="2026")
    staff = make_user(roles.JUGENDAMT, jugendamt=survey_round.jugendamt)
    client.force_login(staff)
    url = reverse("surveys:round_import", kwargs={"code": "2026"})
    text, kita = _valid_csv(survey_round, "Kita Niemand,X,submitted,1,1,1,1")
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", text.encode())})
    assert response.status_code == 400
    assert "Zeile 3, Spalte „kita“" in response.content.decode()
    assert not survey_round.responses.exists()
    good, kita = _valid_csv(survey_round)
    response = client.post(url, {"file": SimpleUploadedFile("b.csv", good.encode("cp1252"))})
    assert response.status_code == 302
    assert survey_round.responses.get().kita == kita
