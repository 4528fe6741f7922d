"""XLSX writers for the exports (openpyxl): German headers, € and % formats,
a frozen header row, an autofilter and column widths that fit the content.

A sheet is described by ``Column`` definitions and rows of plain values; the
formats are the spreadsheet's own (``#,##0.00 €``), so the figures stay numbers
that can be summed, and a German spreadsheet program shows them as
``1.234,56 €``. Percent values are passed as percent (17.37) and stored as the
fraction (0.1737) with a percent format, as spreadsheets expect.

Text never becomes a formula: every text cell goes through
``srb_project.spreadsheet.inert`` (a text beginning with ``=``, ``+``, ``-``, ``@``, tab or
CR gets the ``'`` prefix, OWASP's guidance against formula injection through user-entered
names and justifications) and is typed as text; numbers stay numeric cells.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO

from django.utils.functional import Promise

from srb_project.spreadsheet import inert, sheet_title

TEXT = "text"
INT = "int"
EURO = "euro"
PERCENT = "percent"
FTE = "fte"
INDEX = "index"
DATE = "date"
DATETIME = "datetime"

NUMBER_FORMATS = {
    INT: "#,##0",
    EURO: '#,##0.00 "€"',
    PERCENT: "0.00%",
    FTE: "0.00",
    INDEX: "0.0",
    DATE: "DD.MM.YYYY",
    DATETIME: "DD.MM.YYYY HH:MM",
}
MAX_WIDTH = 60
MIN_WIDTH = 8


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float | None = None


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    notes: list[str] = field(default_factory=list)  # lines for an "Hinweise" sheet


def _cell_value(value, kind: str):
    if value is None:
        return None
    if isinstance(value, Promise):  # lazy translations (choice labels)
        value = str(value)
    if isinstance(value, str):
        return inert(value)
    if kind == PERCENT:
        return Decimal(str(value)) / 100
    if kind in (EURO, FTE) and not isinstance(value, Decimal):
        return Decimal(str(value))
    if kind == DATETIME and isinstance(value, datetime.datetime) and value.tzinfo:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _display_len(value, kind: str) -> int:
    if value is None:
        return 0
    if kind == EURO:
        return len(f"{value:,.2f}") + 2
    if kind in (DATE,):
        return 10
    if kind == DATETIME:
        return 16
    return max((len(part) for part in str(value).splitlines()), default=0)


def sanitize_sheet_title(title: str) -> str:
    return sheet_title(title)


def add_sheet(workbook, sheet: Sheet, *, first: bool = False):
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws = workbook.active if first else workbook.create_sheet()
    ws.title = sanitize_sheet_title(sheet.title)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDDDDD")
    widths = [len(c.header) for c in sheet.columns]
    for col, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(row=1, column=col, value=inert(str(column.header)))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row_index = 1
    for row_index, row in enumerate(sheet.rows, start=2):  # noqa: B007 - used after the loop
        for col, (column, value) in enumerate(zip(sheet.columns, row, strict=True), start=1):
            cell = ws.cell(row=row_index, column=col, value=_cell_value(value, column.kind))
            if isinstance(cell.value, str):
                cell.data_type = "s"
            fmt = NUMBER_FORMATS.get(column.kind)
            if fmt and value is not None:
                cell.number_format = fmt
            if row_index < 500:  # widths from a sample: enough and fast for 60.000 rows
                widths[col - 1] = max(widths[col - 1], _display_len(value, column.kind))
    for col, column in enumerate(sheet.columns, start=1):
        width = column.width or min(max(widths[col - 1] + 2, MIN_WIDTH), MAX_WIDTH)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"
    if row_index > 1:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{row_index}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def workbook_bytes(sheets: Sequence[Sheet], *, notes: Sequence[str] = ()) -> bytes:
    """An XLSX file with one worksheet per ``Sheet`` and an optional "Hinweise" sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    for i, sheet in enumerate(sheets):
        add_sheet(wb, sheet, first=i == 0)
    all_notes = list(notes) + [n for s in sheets for n in s.notes]
    if all_notes:
        ws = wb.create_sheet("Hinweise")
        ws.cell(row=1, column=1, value="Hinweise").font = Font(bold=True)
        for i, line in enumerate(all_notes, start=2):
            cell = ws.cell(row=i, column=1, value=inert(str(line)))
            cell.data_type = "s"
        ws.column_dimensions["A"].width = 110
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
