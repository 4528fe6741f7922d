"""Import of actual personnel costs from XLSX or CSV (issue 16, part P2), and the template.

Columns (German headers, in any order; "(Monat)" and "(€)" may follow the name):

- ``Stellennummer``: the position's number in the budget year;
- ``von``: the first month, "01.2026", "1.2026" or "2026-01" (or a date cell);
- ``bis``: the last month (empty: the same month as ``von``); a quarter is three months
  beginning in January, April, July or October;
- ``Ist-Kosten``: euros, German "1.234,56" or "1234.56" (or a number cell); a row
  without an amount is skipped (the template lists every month).

``Kita`` and ``Status`` columns (the template has them) are read over. The file is read
with the bounds and the defused XML parsing of the questionnaire import
(``surveys.exchange``: size, rows, columns, cells) and checked as a whole: if any row
fails, nothing is written and the messages name each line. A Träger imports only the
positions it employs; any other number is "unbekannt oder nicht Ihre", whether it exists
elsewhere or not.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from positions.models import CostState
from positions.permissions_costs import actual_cost_policy
from positions.selectors_costs import cost_rows_for_positions
from positions.services.costs import (
    CostRow,
    actual_cost_import,
    amount_problems,
    month_end,
    period_problems,
    position_months_in_year,
)
from srb_project.numbers import NumberEntryError, parse_number
from srb_project.spreadsheet import inert, restore, sheet_title
from surveys.exchange import MAX_CELL_CHARS, MAX_MESSAGES, ImportProblem, read_table

COLUMNS = {
    "stellennummer": "number",
    "stelle": "number",
    "von": "from",
    "bis": "to",
    "ist-kosten": "amount",
    "istkosten": "amount",
    "kita": None,  # informative (template)
    "status": None,
}
REQUIRED = (("number", "Stellennummer"), ("from", "von"), ("amount", "Ist-Kosten"))
HEADERS = ["Stellennummer", "Kita", "von (Monat)", "bis (Monat)", "Ist-Kosten (€)", "Status"]
_GERMAN_MONTH = re.compile(r"^(\d{1,2})\.(\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column(name) -> str | None | bool:
    """The key of a header ("number", ...), None for a column read over, False if unknown."""
    text = str(name).strip().lower()
    text = text.split("(", 1)[0].strip()
    return COLUMNS.get(text, False)


def parse_month(value) -> datetime.date | None:
    """A month cell as the month's first day, or None if unreadable."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value).strip()
    match = _GERMAN_MONTH.match(text)
    if match:
        month, year = int(match[1]), int(match[2])
    elif match := _ISO_MONTH.match(text):
        year, month = int(match[1]), int(match[2])
    elif match := _GERMAN_DATE.match(text):
        month, year = int(match[2]), int(match[3])
    else:
        return None
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return None
    return datetime.date(year, month, 1)


def parse_amount(value) -> Decimal:
    """An amount cell as euros; NumberEntryError (German) if unreadable."""
    if isinstance(value, bool):
        raise NumberEntryError(_("„%(text)s“ ist keine Zahl.") % {"text": value})
    if isinstance(value, int | float | Decimal):
        amount = Decimal(str(value))
        if amount != amount.quantize(Decimal("0.01")):
            raise NumberEntryError(
                _("„%(text)s“ hat zu viele Nachkommastellen (höchstens %(places)s).")
                % {"text": value, "places": 2}
            )
        return amount
    return parse_number(str(value), places=2, example="1.234,56", units=("€", "EUR"))


def parse_rows(*, budget_year, table: list[list], user) -> list[CostRow]:
    """Check a whole table for ``user``; the rows to write, or ImportProblem."""
    numbered = [
        (line, [restore(v) for v in row])
        for line, row in enumerate(table, start=1)
        if any(not _empty(v) for v in row)
    ]
    if not numbered:
        raise ImportProblem([_("Die Datei ist leer.")])
    header_line, header = numbered[0]
    problems: list[str] = []
    columns: list = []
    for name in header:
        if _empty(name):
            columns.append(None)
            continue
        key = _column(name)
        if key is False:
            problems.append(_("Unbekannte Spalte „%(name)s“.") % {"name": str(name).strip()})
            key = None
        elif key is not None and key in columns:
            problems.append(
                _("Die Spalte „%(name)s“ kommt doppelt vor.") % {"name": str(name).strip()}
            )
        columns.append(key)
    for key, label in REQUIRED:
        if key not in columns:
            problems.append(_("Die Pflichtspalte „%(name)s“ fehlt.") % {"name": label})
    if problems:
        raise ImportProblem(problems)
    if len(numbered) == 1:
        raise ImportProblem([_("Die Datei enthält keine Datenzeilen.")])

    positions = {
        p.number: p
        for p in actual_cost_policy.positions_to_report(user)
        .filter(budget_year=budget_year)
        .select_related("budget_year")
    }
    rows: list[CostRow] = []
    seen: list[tuple[int, datetime.date, datetime.date, int]] = []
    for line, cells in numbered[1:]:
        values = {}
        for index, key in enumerate(columns):
            if key is not None and index < len(cells):
                values[key] = cells[index]
        row_problems = []
        for value in values.values():
            if isinstance(value, str) and ("\x00" in value or len(value) > MAX_CELL_CHARS):
                row_problems.append(_("Die Zelle ist unzulässig (Steuerzeichen oder zu lang)."))
                break
        number = "" if _empty(values.get("number")) else str(values["number"]).strip()
        if isinstance(values.get("number"), float) and values["number"].is_integer():
            number = str(int(values["number"]))
        if _empty(values.get("amount")):
            continue  # a month of the template not reported (yet)
        position = positions.get(number)
        if not number:
            row_problems.append(_("Die Stellennummer fehlt."))
        elif position is None:
            row_problems.append(
                _("Stelle %(number)s ist unbekannt oder nicht Ihre.") % {"number": number[:40]}
            )
        start = parse_month(values.get("from")) if not _empty(values.get("from")) else None
        if start is None:
            row_problems.append(
                _("„von“: „%(value)s“ ist kein Monat (bitte so: 01.%(year)s).")
                % {"value": str(values.get("from") or "")[:20], "year": budget_year.year}
            )
        to_value = values.get("to")
        end_month = start if _empty(to_value) else parse_month(to_value)
        if end_month is None:
            row_problems.append(
                _("„bis“: „%(value)s“ ist kein Monat (bitte so: 03.%(year)s).")
                % {"value": str(to_value)[:20], "year": budget_year.year}
            )
        try:
            amount = parse_amount(values["amount"])
        except NumberEntryError as exc:
            row_problems.append(_("„Ist-Kosten“: %(message)s") % {"message": exc})
            amount = None
        if position is not None and start and end_month and amount is not None:
            end = month_end(end_month)
            # overlaps with rows already stored are the service's to judge (a reported row
            # for the same period is changed); here only the period's shape and the amount
            found = period_problems(position, start, end, overlap=False) if end >= start else []
            if end < start:
                found.append(_("Das Ende des Zeitraums liegt vor seinem Beginn."))
            found += amount_problems(position, start, end, amount)
            for other_pk, other_start, other_end, other_line in seen:
                if other_pk == position.pk and other_start <= end and other_end >= start:
                    found.append(
                        _("Der Zeitraum steht für diese Stelle schon in Zeile %(line)s.")
                        % {"line": other_line}
                    )
                    break
            row_problems += found
            if not found and not row_problems:
                seen.append((position.pk, start, end, line))
                rows.append(CostRow(position, start, end, amount, line))
        problems += [
            _("Zeile %(line)s: %(message)s") % {"line": line, "message": message}
            for message in row_problems
        ]
        if len(problems) >= MAX_MESSAGES:
            problems.append(_("… weitere Fehler nicht aufgeführt."))
            break
    if problems:
        raise ImportProblem(problems)
    if not rows:
        raise ImportProblem([_("Die Datei enthält keine Zeile mit Ist-Kosten.")])
    return rows


def import_file(*, budget_year, content: bytes, filename: str, acting_user) -> dict:
    """Check and write a file, all or nothing; returns the service's counts."""
    table = read_table(content, filename)
    rows = parse_rows(budget_year=budget_year, table=table, user=acting_user)
    try:
        return actual_cost_import(
            budget_year=budget_year, rows=rows, acting_user=acting_user, source=filename
        )
    except ValidationError as exc:
        raise ImportProblem(exc.messages) from None


def template_xlsx_bytes(*, budget_year, user) -> bytes:
    """An XLSX to fill in: one row per month of each position ``user`` may report for,
    with the amounts already reported or confirmed."""
    positions = (
        actual_cost_policy.positions_to_report(user)
        .filter(budget_year=budget_year)
        .select_related("kita", "budget_year")
        .order_by("number")
    )
    costs = cost_rows_for_positions(positions)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(f"Ist-Kosten {budget_year.year}")
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for position in positions:
        by_month = {
            c.period_start: c
            for c in costs.get(position.pk, [])
            if c.state != CostState.SUPERSEDED and not c.supersedes_id
        }
        for month in position_months_in_year(position):
            cost = by_month.get(month)
            sheet.append(
                [
                    inert(position.number),
                    inert(position.kita.name),
                    f"{month:%m.%Y}",
                    f"{(cost.period_end if cost else month):%m.%Y}",
                    float(cost.amount) if cost else None,
                    str(cost.get_state_display()) if cost else None,
                ]
            )
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    for letter, width in zip("ABCDEF", (16, 30, 12, 12, 16, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
