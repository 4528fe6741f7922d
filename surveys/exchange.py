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

Both exports make text cells inert (``srb_project.spreadsheet``: a text beginning with
``=``, ``+``, ``-``, ``@``, tab or CR gets a ``'`` prefix); the import removes exactly that
prefix again, so our own export reads back unchanged. Numbers stay numbers.

The import is bounded (issue 13): at most ``settings.SRB_IMPORT_MAX_BYTES`` (5 MB), at most
``MAX_ROWS`` data rows and ``MAX_COLUMNS`` columns, counted from what is actually read (an
XLSX sheet's claimed dimension is ignored), cells of at most ``MAX_CELL_CHARS`` characters,
no NUL byte; an XLSX is unpacked to at most ``MAX_XLSX_UNPACKED`` bytes, and its XML is
parsed with defusedxml (no entities, no DTD tricks: "billion laughs", XXE). Each of these is a
German message, never a crash.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles import Font
from openpyxl.utils.cell import column_index_from_string, get_column_letter

from sozialraeume.models import Kita, User
from srb_project.numbers import localized_plain
from srb_project.spreadsheet import inert, inert_row, restore, sheet_title
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
NUMBER_KINDS = ("int", "likert", "decimal")
MAX_MESSAGES = 50
# Bounds of an import (issue 13): far above a Jugendamt's real files (a few hundred Kitas,
# about 60 columns), far below what costs seconds or hundreds of megabytes.
MAX_ROWS = 5000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000
MAX_XLSX_UNPACKED = 32 * 1024 * 1024
# A number cell in an XLSX sheet: what openpyxl can turn into int/float without error.
_XLSX_NUMBER = re.compile(r"^[+-]?(\d{1,30}(\.\d{0,30})?|\.\d{1,30})([eE][+-]?\d{1,4})?$")
_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


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
        row = inert_row([response.kita.name, response.kita.sozialraum.name, response.status])
        for code in codes:
            item = ITEMS_BY_CODE[code]
            text = cell_text(item, answers.get(code))
            # Numbers stay plain numbers; every text (names, F6, F7, ...) is made inert.
            row.append(text if item.kind in NUMBER_KINDS else inert(text))
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
    sheet.title = sheet_title(f"Erhebung {survey_round.code}")
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
        # Text cells are data, never formulas: prefixed like the CSV (a comment starting
        # with "=" stays text even when the sheet is saved as CSV later) and typed as text.
        sheet.append(inert_row(values))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.freeze_panes = "D2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- import ------------------------------------------------------------------------


def _de(number: int) -> str:
    """5000 -> "5.000" (German grouping in messages)."""
    return f"{number:,}".replace(",", ".")


def _too_many_rows(line: int) -> ImportProblem:
    return ImportProblem(
        [
            _(
                "Die Datei hat mehr als %(max)s Datenzeilen (Zeile %(line)s). Bitte teilen Sie "
                "sie in mehrere Dateien auf."
            )
            % {"max": _de(MAX_ROWS), "line": _de(line)}
        ]
    )


def _too_many_columns(line: int) -> ImportProblem:
    return ImportProblem(
        [
            _("Zeile %(line)s: mehr als %(max)s Spalten.")
            % {"line": _de(line), "max": _de(MAX_COLUMNS)}
        ]
    )


def check_size(size: int) -> None:
    """Refuse a file above ``settings.SRB_IMPORT_MAX_BYTES`` before it is read or parsed."""
    limit = settings.SRB_IMPORT_MAX_BYTES
    if size > limit:
        raise ImportProblem(
            [
                _(
                    "Die Datei ist zu groß (%(size)s MB, höchstens %(max)s MB). Bitte teilen "
                    "Sie sie in mehrere Dateien auf."
                )
                % {
                    "size": localized_plain(f"{size / 1_048_576:.1f}"),
                    "max": localized_plain(f"{limit / 1_048_576:.1f}"),
                }
            ]
        )


def decode_text(content: bytes) -> str:
    """UTF-8 (with or without BOM) or, failing that, Windows-1252 as Excel writes it."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="strict")


def read_csv(content: bytes) -> list[list]:
    """The cells of a CSV file (separator detected); ImportProblem if unreadable or too large."""
    try:
        text = decode_text(content)
    except UnicodeDecodeError:
        raise ImportProblem(
            [_("Die Datei ist weder UTF-8 noch Windows-1252 (Excel) kodiert.")]
        ) from None
    # The header decides the separator; a sniff over a megabyte-long first line is slow.
    first_line = text.split("\n", 1)[0][:MAX_CELL_CHARS]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            if len(rows) > MAX_ROWS:
                raise _too_many_rows(reader.line_num)
            if len(row) > MAX_COLUMNS:
                raise _too_many_columns(reader.line_num)
            rows.append(row)
    except csv.Error as exc:
        # The csv module's own limit (131.072 characters) or a broken quote.
        line = reader.line_num
        if "field limit" in str(exc):
            message = _("Zeile %(line)s: Ein Feld ist länger als %(max)s Zeichen.") % {
                "line": _de(line),
                "max": _de(MAX_CELL_CHARS),
            }
        else:
            message = _("Zeile %(line)s: Die CSV-Datei ist nicht lesbar.") % {"line": _de(line)}
        raise ImportProblem([message]) from None
    return rows


def _unpacked_size(content: bytes) -> int:
    """The bytes an XLSX (a zip archive) unpacks to, as its directory states them; zipfile
    never unpacks a member beyond its stated size (a lie ends in a CRC error)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(info.file_size for info in archive.infolist())


def _check_sheet_shape(source, *, numbers: bool = True) -> tuple[int, int]:
    """Walk the sheet's XML once, streaming, before openpyxl reads a value: stop at the row
    and column caps counted from the rows and cells actually there (the claimed dimension
    ``A1:XFD20000`` is ignored), and refuse number cells openpyxl could not convert
    (``1e9999999`` stays a float, a 5.000-digit integer would raise inside openpyxl).
    Returns the last row and the rightmost column actually present; ``numbers=False``
    skips the number check (sheets other than the first are never imported)."""
    rows = 0
    line = 0
    cells = 0
    last_line = 0
    last_column = 0
    numeric_ref = None
    for event, element in iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == f"{_MAIN_NS}row":
                rows += 1
                cells = 0
                number = element.get("r", "")
                line = (
                    int(number)
                    if number.isascii() and number.isdigit() and len(number) <= 7
                    else rows
                )
                if max(rows, line) > MAX_ROWS + 1:
                    raise _too_many_rows(max(rows, line))
                last_line = max(last_line, line)
            elif tag == f"{_MAIN_NS}c":
                cells += 1
                ref = element.get("r", "")
                letters = ref.rstrip("0123456789")
                try:
                    column = column_index_from_string(letters) if letters else cells
                except ValueError:
                    column = MAX_COLUMNS + 1
                if max(cells, column) > MAX_COLUMNS:
                    raise _too_many_columns(line)
                last_column = max(last_column, column)
                numeric_ref = ref or f"{get_column_letter(cells)}{line}"
                if not numbers or element.get("t", "n") != "n":
                    numeric_ref = None
        elif tag == f"{_MAIN_NS}v" and numeric_ref is not None:
            value = (element.text or "").strip()
            if value and not _XLSX_NUMBER.match(value):
                shown = value if len(value) <= 20 else value[:20] + "…"
                raise ImportProblem(
                    [
                        _("Zeile %(line)s, Spalte %(column)s: „%(value)s“ ist keine lesbare Zahl.")
                        % {
                            "line": _de(line),
                            "column": numeric_ref.rstrip("0123456789"),
                            "value": shown,
                        }
                    ]
                )
        elif tag == f"{_MAIN_NS}row":
            element.clear()
    return last_line, last_column


def read_xlsx(content: bytes) -> list[list]:
    """The cells of an XLSX file's first sheet; ImportProblem if unreadable or too large."""
    unreadable = ImportProblem([_("Die XLSX-Datei kann nicht gelesen werden.")])
    forbidden = ImportProblem(
        [
            _(
                "Die XLSX-Datei enthält unzulässige XML-Anweisungen (Entitäten oder externe "
                "Verweise) und wird nicht gelesen."
            )
        ]
    )
    try:
        unpacked = _unpacked_size(content)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise unreadable from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise ImportProblem(
            [
                _("Die XLSX-Datei ist entpackt zu groß (über %(max)s MB).")
                % {"max": MAX_XLSX_UNPACKED // 1_048_576}
            ]
        )
    workbook = None
    try:
        # Walk every worksheet before openpyxl opens the workbook: in read-only mode it
        # already scans each sheet for its dimension (the whole sheet when there is none).
        shapes = [
            _check_sheet_shape(source, numbers=index == 0)
            for index, source in enumerate(_worksheet_streams(content))
        ]
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        last_line, last_column = shapes[0]
        if not last_line or not last_column:
            return []
        # Never trust the stored dimension: read what the walk found, row by row.
        sheet.reset_dimensions()
        return [
            list(row)
            for row in sheet.iter_rows(max_row=last_line, max_col=last_column, values_only=True)
        ]
    except ImportProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any broken file gets a German message
        # openpyxl wraps the parser's refusal ("Unable to read workbook") in a ValueError.
        cause = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        raise (forbidden if cause is not None else unreadable) from None
    finally:
        if workbook is not None:
            workbook.close()


def _worksheet_streams(content: bytes):
    """The worksheets' XML streams in workbook order, found the way openpyxl finds them
    (content types, workbook part, its relationships; defusedxml parses all three)."""
    reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    targets = [
        rel.target
        for _sheet, rel in reader.parser.find_sheets()
        if "chartsheet" not in rel.Type and rel.target in reader.valid_files
    ]
    if not targets:
        raise ImportProblem([_("Die XLSX-Datei enthält kein Tabellenblatt.")])
    for target in targets:
        with reader.archive.open(target) as source:
            yield source


def read_table(content: bytes, filename: str = "") -> list[list]:
    """The cells of an uploaded CSV or XLSX file (by name or content)."""
    check_size(len(content))
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        return read_xlsx(content)
    return read_csv(content)


def _cell_problem(value) -> str | None:
    """What makes a single cell unusable whatever its column (German), or None."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return _("Die Zelle enthält ein unzulässiges Steuerzeichen (NUL).")
    if len(value) > MAX_CELL_CHARS:
        return _("Die Zelle ist länger als %(max)s Zeichen.") % {"max": _de(MAX_CELL_CHARS)}
    return None


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
    # Line numbers as in the file (blank lines count), cells with our export's "'" removed.
    numbered = [
        (line, [restore(value) for value in row])
        for line, row in enumerate(table, start=1)
        if any(not is_empty(v) for v in row)
    ]
    if not numbered:
        raise ImportProblem([_("Die Datei ist leer.")])
    items = survey_round.instrument.items
    known_codes = {item.code for item in items}
    header_line, header = numbered[0]
    problems = []
    for line, cells in numbered:
        for index, value in enumerate(cells, start=1):
            problem = _cell_problem(value)
            if problem is None:
                continue
            name = header[index - 1] if line != header_line and index <= len(header) else None
            column = _column_key(name, known_codes) or str(index)
            problems.append(
                _("Zeile %(line)s, Spalte „%(column)s“: %(message)s")
                % {"line": line, "column": column, "message": problem}
            )
            if len(problems) >= MAX_MESSAGES:
                problems.append(_("… weitere Fehler nicht aufgeführt."))
                raise ImportProblem(problems)
    if problems:
        raise ImportProblem(problems)
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
    if len(numbered) == 1:
        raise ImportProblem([_("Die Datei enthält keine Datenzeilen.")])

    kitas = {
        (k.name, k.sozialraum.name): k
        for k in Kita.objects.filter(
            sozialraum__jugendamt_id=survey_round.jugendamt_id
        ).select_related("sozialraum")
    }
    seen: dict[int, int] = {}
    result = []
    for line, cells in numbered[1:]:
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
