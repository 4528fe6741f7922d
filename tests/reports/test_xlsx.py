"""The XLSX writer: German headers, € and % formats, frozen header, no formula injection."""

from decimal import Decimal
from io import BytesIO

from openpyxl import load_workbook

from reports.documents import xlsx


def _book():
    data = xlsx.workbook_bytes(
        [
            xlsx.Sheet(
                "Sozialräume",
                [
                    xlsx.Column("Sozialraum"),
                    xlsx.Column("Anteil", xlsx.PERCENT),
                    xlsx.Column("Landesmittel (€)", xlsx.EURO),
                    xlsx.Column("VZÄ", xlsx.FTE),
                ],
                [
                    ["Pariser Viertel", Decimal("17.37"), Decimal("174089.09"), Decimal("1.50")],
                    ['=HYPERLINK("http://x")', Decimal("82.63"), Decimal("828150.91"), None],
                ],
            )
        ],
        notes=["Stand: 01.01.2027"],
    )
    return load_workbook(BytesIO(data))


def test_sheet_has_german_headers_and_frozen_header_row():
    ws = _book()["Sozialräume"]
    assert [c.value for c in ws[1]] == ["Sozialraum", "Anteil", "Landesmittel (€)", "VZÄ"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:D3"
    assert ws["A1"].font.bold


def test_money_and_percent_stay_numbers_with_german_display_formats():
    ws = _book()["Sozialräume"]
    assert ws["B2"].value == 0.1737
    assert ws["B2"].number_format == "0.00%"
    assert ws["C2"].value == 174089.09
    assert "€" in ws["C2"].number_format
    assert ws["D2"].value == 1.5
    assert ws["D3"].value is None


def test_text_that_looks_like_a_formula_stays_text():
    ws = _book()["Sozialräume"]
    assert ws["A3"].data_type == "s"
    # OWASP's prefix (issue 13): inert even when the sheet is saved as CSV later.
    assert ws["A3"].value == '\'=HYPERLINK("http://x")'


def test_columns_are_wide_enough_for_their_content():
    ws = _book()["Sozialräume"]
    assert ws.column_dimensions["A"].width >= len('=HYPERLINK("http://x")')
    assert ws.column_dimensions["C"].width >= len("Landesmittel (€)")


def test_notes_go_to_their_own_sheet():
    book = _book()
    assert book.sheetnames == ["Sozialräume", "Hinweise"]
    assert book["Hinweise"]["A2"].value == "Stand: 01.01.2027"
