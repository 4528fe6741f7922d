"""``compute_indices`` and ``sozialraum_shares``: the command-line contract (methodology §10)."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.indices.test_compute import assert_same

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
EXAMPLE = DATA / "example-12-kitas.csv"


def run_compute(*args, stdin=None):
    out = io.StringIO()
    call_command("compute_indices", *args, stdout=out, stdin=stdin)
    return json.loads(out.getvalue())


def run_shares(*args):
    out = io.StringIO()
    call_command("sozialraum_shares", *args, stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path, text, name="answers.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def test_compute_indices_reproduces_the_worked_example():
    expected = json.loads((DATA / "example-12-kitas.expected.json").read_text(encoding="utf-8"))
    assert_same(run_compute("--csv", str(EXAMPLE), "--budget", "1002240"), expected)


def test_compute_indices_reads_standard_input():
    with EXAMPLE.open("rb") as handle:
        got = run_compute("--csv", "-", stdin=io.TextIOWrapper(handle))
    assert set(got["kitas"]) == {f"Kita {i:05d}" for i in range(1, 13)}
    assert "amount" not in got["sozialraeume"]["Sozialraum A"]
    assert got["sozialraeume"]["Sozialraum A"]["percent"] == 38.3


def test_compute_indices_can_indent_its_output():
    out = io.StringIO()
    call_command("compute_indices", "--csv", str(EXAMPLE), "--indent", "1", stdout=out)
    assert out.getvalue().startswith('{\n "kitas": {\n')


def test_compute_indices_accepts_excel_files_with_bom_and_windows_1252(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace("Sozialraum A", "Süd")
    bom = run_compute("--csv", write(tmp_path, "\ufeff" + text, "bom.csv"))
    cp1252 = run_compute("--csv", write(tmp_path, text, "cp.csv", encoding="cp1252"))
    assert "Süd" in bom["sozialraeume"] and "Süd" in cp1252["sozialraeume"]
    assert bom == cp1252


def test_compute_indices_ignores_status_and_text_columns_and_reads_semicolons(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    with_extra = [lines[0] + ",status,F1,F3"] + [
        line + ',submitted,"Bücherei, Spielplatz",FS1' for line in lines[1:]
    ]
    semicolons = [line.replace(",", ";") for line in lines]
    plain = run_compute("--csv", str(EXAMPLE))
    assert run_compute("--csv", write(tmp_path, "\n".join(with_extra), "extra.csv")) == plain
    assert run_compute("--csv", write(tmp_path, "\r\n".join(semicolons), "semi.csv")) == plain


def test_compute_indices_strips_blanks_around_names_and_skips_empty_lines(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    padded = [lines[0]] + [" " + line.replace(",", " ,", 1) for line in lines[1:]] + [",,,", ""]
    got = run_compute("--csv", write(tmp_path, "\n".join(padded)))
    assert got == run_compute("--csv", str(EXAMPLE))


def test_compute_indices_reports_a_sozialraum_without_complete_kita(tmp_path):
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    empty = ["Kita 99999", "Sozialraum D", "50", "40"] + [""] * (len(header) - 4)
    got = run_compute("--csv", write(tmp_path, "\n".join([*lines, ",".join(empty)])))
    assert got["sozialraeume"]["Sozialraum D"]["percent"] is None
    assert got["sozialraeume"]["Sozialraum D"]["GESAMT"] is None
    assert got["kitas"]["Kita 99999"]["complete"] is False
    assert got["warnings"] == [
        "Sozialraum Sozialraum D ohne vollständige Kita: kein Index und kein Anteil"
    ]
    assert round(sum(s["percent"] or 0 for s in got["sozialraeume"].values()), 2) == 100.0


HEADER = "kita,sozialraum,A1,A2,B1,B2,E1,B3a,F1"
GOOD = "Kita 1,Nord,40,30,5,6,2,3,"


def csv_with(second_row, header=HEADER):
    return f"{header}\n{GOOD}\n{second_row}\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Die Datei ist leer."),
        ("\ufeff\n\n", "Die Datei ist leer."),
        (HEADER + "\n", "Die Datei enthält keine Kita (nur die Kopfzeile)."),
        (
            csv_with("Kita 2,Nord,40,30,5,6,2,3,", HEADER + ",X9"),
            "Zeile 1, Spalte „X9“: unbekannte Spalte",
        ),
        (
            csv_with("Kita 2,Nord,40,30,5,6,2,3,", HEADER + ",A1"),
            "Zeile 1, Spalte „A1“: Spalte kommt doppelt vor",
        ),
        ("sozialraum,A1\nNord,4\n", "Zeile 1: Spalte „kita“ fehlt"),
        ("kita,A1\nKita 1,4\n", "Zeile 1: Spalte „sozialraum“ fehlt"),
        (
            csv_with("Kita 2,Nord,40,30,5,sechs,2,3,"),
            "Zeile 3, Spalte „B2“: „sechs“ ist keine Zahl",
        ),
        (
            csv_with("Kita 2,Nord,40,30,5,6,2,2.5,"),
            "Zeile 3, Spalte „B3a“: 2.5 liegt nicht auf der Skala 1 bis 4",
        ),
        (csv_with("Kita 2,Nord,40,30,5,6,2,1,5"), None),  # F1 is free text: ignored
        (csv_with("Kita 2,Nord,40,30,-1,6,2,3,"), "Zeile 3, Spalte „B1“: -1 ist negativ"),
        (
            csv_with("Kita 2,Nord,40,30,5,6.5,2,3,"),
            "Zeile 3, Spalte „B2“: 6.5 ist keine ganze Zahl",
        ),
        (
            csv_with("Kita 2,Nord,40,30,31,6,2,3,"),
            "Zeile 3, Spalte „B1“: 31 ist größer als A2 (30)",
        ),
        (
            csv_with("Kita 2,Nord,40,30,5,41,2,3,"),
            "Zeile 3, Spalte „B2“: 41 ist größer als A1 (40)",
        ),
        (csv_with("Kita 2,Nord,40,41,5,6,2,3,"), "Zeile 3, Spalte „A2“: 41 ist größer als A1 (40)"),
        (csv_with("Kita 2,Nord,0,,,,2,3,"), "Zeile 3, Spalte „A1“: 0 ist kleiner als 1"),
        (csv_with("Kita 2,Nord,1000,30,5,6,2,3,"), "Zeile 3, Spalte „A1“: 1000 ist größer als 999"),
        (
            csv_with("Kita 2,Nord,40,30,5,6,5,3,"),
            "Zeile 3, Spalte „E1“: 5 liegt nicht auf der Skala 1 bis 4",
        ),
        (
            csv_with("Kita 2,Nord,40,30,5,6,0,3,"),
            "Zeile 3, Spalte „E1“: 0 liegt nicht auf der Skala 1 bis 4",
        ),
        (
            csv_with("Kita 2,Nord,40,30,5,6,inf,3,"),
            "Zeile 3, Spalte „E1“: „inf“ ist keine gültige Zahl",
        ),
        (csv_with("Kita 2,Nord,40,30,5,6,NaN,3,"), "Zeile 3, Spalte „E1“: „NaN“ ist keine Zahl"),
        (
            csv_with('Kita 2,Nord,40,30,5,6,"2,5",3,'),
            "Zeile 3, Spalte „E1“: „2,5“ ist keine Zahl (Dezimalpunkt „.“ verwenden)",
        ),
        (
            csv_with("Kita 1,Süd,40,30,5,6,2,3,"),
            "Zeile 3, Spalte „kita“: Kita „Kita 1“ kommt doppelt vor (zuerst in Zeile 2)",
        ),
        (csv_with(",Nord,40,30,5,6,2,3,"), "Zeile 3, Spalte „kita“: Name der Kita fehlt"),
        (csv_with("Kita 2, ,40,30,5,6,2,3,"), "Zeile 3, Spalte „sozialraum“: Sozialraum fehlt"),
        (csv_with("Kita 2,Nord,40,30,5,6,2,3,,9"), "Zeile 3: 10 Felder, die Kopfzeile hat 9"),
        (
            "kita,sozialraum,A4\nKita 1,Nord,2.555\n",
            "Zeile 2, Spalte „A4“: 2.555 hat mehr als 2 Nachkommastellen",
        ),
        # the first problem in file order is reported
        (
            csv_with("Kita 2,Nord,40,30,31,6,9,3,"),
            "Zeile 3, Spalte „B1“: 31 ist größer als A2 (30)",
        ),
    ],
)
def test_compute_indices_rejects_bad_input_with_one_german_line(tmp_path, content, message):
    path = write(tmp_path, content)
    if message is None:
        assert "Kita 2" in run_compute("--csv", path)["kitas"]
        return
    with pytest.raises(CommandError) as raised:
        run_compute("--csv", path)
    text = str(raised.value)
    assert text.startswith(message), text
    assert "\n" not in text


def test_compute_indices_rejects_a_file_in_an_unknown_encoding(tmp_path):
    path = write(tmp_path, b"kita,sozialraum,A1\nKita \x81,Nord,4\n")
    with pytest.raises(CommandError, match="Zeile 2: Zeichenkodierung unbekannt"):
        run_compute("--csv", path)


@pytest.mark.parametrize("budget", ["abc", "-5", "12.345", "NaN"])
def test_compute_indices_rejects_a_bad_budget(budget):
    with pytest.raises(CommandError, match="ist kein Euro-Betrag"):
        run_compute("--csv", str(EXAMPLE), "--budget", budget)


def test_compute_indices_touches_no_database():
    # pytest-django blocks database access in tests without the db fixture: this would fail.
    assert run_compute("--csv", str(EXAMPLE))["warnings"] == []


def manage(*args, stdin=None):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "srb_project.settings.test"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        capture_output=True,
        input=stdin,
        env=env,
        check=False,
    )


def test_manage_py_prints_json_and_for_bad_input_exits_non_zero_with_one_line(tmp_path):
    ok = manage("compute_indices", "--csv", "-", "--budget", "1002240", stdin=EXAMPLE.read_bytes())
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["sozialraeume"]["Sozialraum B"]["amount"] == 370991.85

    bad = manage(
        "compute_indices", "--csv", write(tmp_path, csv_with("Kita 2,Nord,40,30,31,6,2,3,"))
    )
    assert bad.returncode != 0
    assert bad.stdout == b""
    lines = bad.stderr.decode("utf-8").splitlines()
    assert lines == ["CommandError: Zeile 3, Spalte „B1“: 31 ist größer als A2 (30)"]


def test_manage_py_sozialraum_shares_bad_input_gives_one_line(tmp_path):
    bad = manage(
        "sozialraum_shares",
        "--points",
        write(tmp_path, '{"Nord": "viel"}', "p.json"),
        "--budget",
        "100",
    )
    assert bad.returncode != 0
    assert len(bad.stderr.decode("utf-8").splitlines()) == 1


def test_sozialraum_shares_reproduces_the_concept_paper_table():
    expected = json.loads((DATA / "seed-table-shares.expected.json").read_text(encoding="utf-8"))
    got = run_shares("--points", str(DATA / "seed-table-points.json"), "--budget", "1002240")
    assert got == expected
    assert list(got) == list(expected)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Die Datei ist leer."),
        ("{}", "Erwartet wird ein JSON-Objekt"),
        ("[1, 2]", "Erwartet wird ein JSON-Objekt"),
        ('{"Nord": 1,\n "Süd": }', "Zeile 2, Spalte 9: kein gültiges JSON"),
        ('{"Nord": "viel"}', 'Sozialraum „Nord“: Punkte „"viel"“ sind keine Zahl'),
        ('{"Nord": true}', "Sozialraum „Nord“: Punkte „true“ sind keine Zahl"),
        ('{"Nord": -1, "Süd": 3}', "Sozialraum „Nord“: Punkte -1 sind negativ"),
        ('{"Nord": 0, "Süd": 0}', "Die Summe der Punkte ist 0"),
        ('{"Nord": 1, "Nord": 2}', "Sozialraum „Nord“ kommt doppelt vor"),
        ('{"Nord": NaN}', "Sozialraum „Nord“: Punkte"),
    ],
)
def test_sozialraum_shares_rejects_bad_input(tmp_path, content, message):
    path = write(tmp_path, content, "points.json")
    with pytest.raises(CommandError) as raised:
        run_shares("--points", path, "--budget", "1000")
    assert str(raised.value).startswith(message), str(raised.value)
    assert "\n" not in str(raised.value)


def test_sozialraum_shares_accepts_windows_1252(tmp_path):
    path = write(tmp_path, '{"Süd": 2, "Nord": 1}', "points.json", encoding="cp1252")
    assert run_shares("--points", path, "--budget", "0.03") == {
        "Süd": {"percent": 66.67, "amount": 0.02},
        "Nord": {"percent": 33.33, "amount": 0.01},
    }
