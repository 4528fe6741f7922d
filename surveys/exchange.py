"""Export and import of a round's answers (CSV and XLSX).

CSV format (``methodology.md`` section 10, read by ``compute_indices --csv``): one
row per Kita, columns ``kita``, ``sozialraum``, ``status`` (``draft`` or
``submitted``), then every item code of the instrument; empty cell = no answer;
decimal point "."; F3 as ``FS1;FS3``, F4 as ``partner=level;...``, F8 as ``1``.
The XLSX export has the same columns with German headers ("Kita", "A1 – Wie viele
…") and is read back as well.

The import is all-or-nothing: every row is checked with the same rules as the web
form (``surveys.validation``) before anything is written; a problem raises
``ImportProblem`` with German messages naming row and column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from sozialraeume.models import Kita, User
from surveys.instrument import ITEMS_BY_CODE, Item
from surveys.models import Response, SurveyRound
from surveys.services import responses_import
from surveys.validation import is_empty, validate_answers

META_COLUMNS = ["kita", "sozialraum", "status"]
REQUIRED_COLUMNS = ["kita", "sozialraum"]
GERMAN_META = {"kita": "Kita", "sozialraum": "Sozialraum", "status": "Status"}
STATUS_WORDS = {
    "submitted": Response.Status.SUBMITTED,
    "eingereicht": Response.Status.SUBMITTED,
    "draft": Response.Status.DRAFT,
    "entwurf": Response.Status.DRAFT,
}
GERMAN_STATUS = {Response.Status.SUBMITTED: "eingereicht", Response.Status.DRAFT: "Entwurf"}
MAX_MESSAGES = 50


class ImportProblem(Exception):
    """The file cannot be imported; ``messages`` says where and why (German)."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass
class ImportRow:
    line: int
    kita: object
    status: str
    answers: dict


# --- export ------------------------------------------------------------------------


def _item_codes(survey_round: SurveyRound) -> list[str]:
    return [item.code for item in survey_round.instrument.items]


def cell_text(item: Item, value) -> str:
    """A stored answer as CSV text (see module docstring)."""
    if value is None:
        return ""
    if item.kind == "choice":
        return ";".join(value)
    if item.kind == "matrix":
        return ";".join(f"{key}={level}" for key, level in value.items())
    if item.kind == "confirm":
        return "1" if value else ""
    return str(value)


def _responses(survey_round: SurveyRound):
    return (
        Response.objects.filter(round=survey_round)
        .select_related("kita__sozialraum")
        .order_by("kita__sozialraum__position", "kita__sozialraum__name", "kita__name")
    )


def export_rows(survey_round: SurveyRound) -> tuple[list[str], list[list[str]]]:
    """The CSV header (item codes) and one row of cells per Kita with a questionnaire."""
    codes = _item_codes(survey_round)
    rows = []
    for response in _responses(survey_round):
        answers = response.answers or {}
        row = [response.kita.name, response.kita.sozialraum.name, response.status]
        row += [cell_text(ITEMS_BY_CODE[code], answers.get(code)) for code in codes]
        rows.append(row)
    return META_COLUMNS + codes, rows


def export_csv_text(survey_round: SurveyRound) -> str:
    """The round's answers as CSV text (format: module docstring)."""
    header, rows = export_rows(survey_round)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def german_header(code: str) -> str:
    """The XLSX column header: "Kita" or "A1 – Wie viele …"."""
    if code in GERMAN_META:
        return GERMAN_META[code]
    return f"{code} – {ITEMS_BY_CODE[code].label}"


def export_xlsx_bytes(survey_round: SurveyRound) -> bytes:
    """The round's answers as an XLSX workbook with German headers."""
    codes = _item_codes(survey_round)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Erhebung {survey_round.code}"[:31]
    sheet.append([german_header(c) for c in META_COLUMNS + codes])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for response in _responses(survey_round):
        answers = response.answers or {}
        values = [
            response.kita.name,
            response.kita.sozialraum.name,
            GERMAN_STATUS.get(response.status, response.status),
        ]
        for code in codes:
            item = ITEMS_BY_CODE[code]
            value = answers.get(code)
            if value is not None and item.kind in ("int", "likert"):
                values.append(int(value))
            elif value is not None and item.kind == "decimal":
                values.append(float(value))
            else:
                values.append(cell_text(item, value) or None)
        sheet.append(values)
        # Text cells are data, never formulas (e.g. a comment starting with "=").
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, Windows-1252 as Excel writes it."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="strict")


def read_csv(content: bytes) -> list[list]:
    """The cells of a CSV file (separator detected); ImportProblem if unreadable."""
    try:
        text = decode_text(content)
    except UnicodeDecodeError:
        raise ImportProblem(
            [_("Die Datei ist weder UTF-8 noch Windows-1252 (Excel) kodiert.")]
        ) from None
    first_line = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def read_xlsx(content: bytes) -> list[list]:
    """The cells of an XLSX file's first sheet; ImportProblem if unreadable."""
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any broken file gets the same German message
        raise ImportProblem([_("Die XLSX-Datei kann nicht gelesen werden.")]) from None
    sheet = workbook.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_table(content: bytes, filename: str = "") -> list[list]:
    """The cells of an uploaded CSV or XLSX file (by name or content)."""
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        return read_xlsx(content)
    return read_csv(content)


def _column_key(name, known_codes: set[str]) -> str | None:
    """'kita', 'Kita', 'A1', 'A1 – Wie viele …' -> canonical column key or None."""
    if name is None:
        return None
    text = str(name).strip()
    lowered = text.lower()
    if lowered in META_COLUMNS:
        return lowered
    token = text.split(" ", 1)[0]
    if token in known_codes:
        return token
    return None


def parse_table(survey_round: SurveyRound, table: list[list]) -> list[ImportRow]:
    """Check a whole table; return the rows to write or raise ImportProblem."""
    table = [row for row in table if any(not is_empty(v) for v in row)]
    if not table:
        raise ImportProblem([_("Die Datei ist leer.")])
    items = survey_round.instrument.items
    known_codes = {item.code for item in items}
    header = table[0]
    problems = []
    columns: list[str | None] = []
    for index, name in enumerate(header, start=1):
        if is_empty(name):
            problems.append(_("Spalte %(n)s hat keine Überschrift.") % {"n": index})
            columns.append(None)
            continue
        key = _column_key(name, known_codes)
        if key is None:
            problems.append(_("Unbekannte Spalte „%(name)s“.") % {"name": str(name).strip()})
        elif key in columns:
            problems.append(_("Die Spalte „%(name)s“ kommt doppelt vor.") % {"name": key})
        columns.append(key)
    for required in REQUIRED_COLUMNS:
        if required not in columns:
            problems.append(_("Die Pflichtspalte „%(name)s“ fehlt.") % {"name": required})
    if problems:
        raise ImportProblem(problems)
    if len(table) == 1:
        raise ImportProblem([_("Die Datei enthält keine Datenzeilen.")])

    kitas = {
        (k.name, k.sozialraum.name): k
        for k in Kita.objects.filter(
            sozialraum__jugendamt_id=survey_round.jugendamt_id
        ).select_related("sozialraum")
    }
    seen: dict[int, int] = {}
    result = []
    for line, cells in enumerate(table[1:], start=2):
        if len(cells) > len(columns) and any(not is_empty(c) for c in cells[len(columns) :]):
            problems.append(
                _("Zeile %(line)s: mehr Werte als Spalten in der Kopfzeile.") % {"line": line}
            )
            continue
        values = {key: cells[i] if i < len(cells) else None for i, key in enumerate(columns)}
        kita_name = str(values.get("kita") or "").strip()
        sozialraum_name = str(values.get("sozialraum") or "").strip()
        kita = kitas.get((kita_name, sozialraum_name))
        if not kita_name:
            problems.append(_("Zeile %(line)s, Spalte „kita“: Name fehlt.") % {"line": line})
        elif kita is None:
            problems.append(
                _(
                    "Zeile %(line)s, Spalte „kita“: Die Kita „%(kita)s“ im Sozialraum "
                    "„%(sozialraum)s“ ist unbekannt."
                )
                % {"line": line, "kita": kita_name, "sozialraum": sozialraum_name}
            )
        elif kita.pk in seen:
            problems.append(
                _(
                    "Zeile %(line)s, Spalte „kita“: Die Kita „%(kita)s“ steht doppelt in der "
                    "Datei (schon in Zeile %(first)s)."
                )
                % {"line": line, "kita": kita_name, "first": seen[kita.pk]}
            )
            kita = None
        else:
            seen[kita.pk] = line
        status_text = str(values.get("status") or "").strip().lower()
        status = STATUS_WORDS.get(status_text or "submitted")
        if status is None:
            problems.append(
                _(
                    "Zeile %(line)s, Spalte „status“: „%(value)s“ ist kein Status "
                    "(erlaubt: submitted, draft)."
                )
                % {"line": line, "value": values.get("status")}
            )
        raw = {code: values[code] for code in known_codes if code in values}
        answers, errors = validate_answers(
            raw, complete=False, items=items, partners=survey_round.partner_list
        )
        for code in [item.code for item in items if item.code in errors]:
            for message in errors[code]:
                problems.append(
                    _("Zeile %(line)s, Spalte „%(column)s“: %(message)s")
                    % {"line": line, "column": code, "message": message}
                )
        if kita is not None and status is not None:
            result.append(ImportRow(line=line, kita=kita, status=status, answers=answers))
        if len(problems) >= MAX_MESSAGES:
            problems.append(_("… weitere Fehler nicht aufgeführt."))
            break
    if problems:
        raise ImportProblem(problems)
    return result


def import_file(
    *, survey_round: SurveyRound, content: bytes, filename: str, acting_user: User | None
) -> int:
    """Check and write a file; returns the number of imported rows."""
    rows = parse_table(survey_round, read_table(content, filename))
    return responses_import(
        survey_round=survey_round, rows=rows, acting_user=acting_user, source=filename
    )
