"""Exported cells: text never runs as a formula, numbers and dates stay what they are."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from integrations.exports.cells import Money, csv_cell, safe_text, xlsx_text
from integrations.exports.tables import Row, Table, csv_bytes, xlsx_bytes

D = Decimal


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+4930123456", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", '=HYPERLINK("http://x")'],
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_quote(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["Acme", "Łódź Müller 株式会社", "a=b", " =x", "", "'quoted"])
def test_other_text_is_left_alone(text):
    assert safe_text(text) == text


def test_a_control_character_cannot_hide_a_formula_in_a_workbook():
    assert xlsx_text("\x01=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert xlsx_text("Acme\x0b Ltd") == "Acme Ltd"


def test_csv_cells_keep_numbers_and_dates_and_neutralise_text():
    assert csv_cell(Money(D("-1234.5"), "EUR")) == D("-1234.50")
    assert csv_cell(Money(D("1234.567"), "JPY")) == D("1235")
    assert csv_cell(Money(D("1.5"), "KWD")) == D("1.500")
    assert csv_cell(date(2024, 6, 30)) == "2024-06-30"
    assert csv_cell(None) == ""
    assert csv_cell(7) == 7
    assert csv_cell("-5") == "'-5"


TABLE = Table(
    name="=Sheet",
    header=["Name", "Reference", "Amount", "On"],
    rows=[
        Row(["=2+2", "-5", Money(D("-12.50"), "EUR"), date(2024, 1, 31)]),
        Row(["Total", None, Money(D("100"), "JPY"), None], strong=True),
    ],
)


def test_the_csv_quotes_text_and_leaves_negative_amounts_bare():
    text = csv_bytes(TABLE).decode("utf-8")
    assert text.startswith("\ufeff")
    assert text.splitlines()[1] == '"\'=2+2","\'-5",-12.50,"2024-01-31"'
    assert text.splitlines()[2] == '"Total","",100,""'


def test_the_workbook_has_number_cells_for_amounts_and_text_cells_for_text():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(TABLE))).active
    assert sheet.title == "'=Sheet"
    name, reference, amount, on = next(sheet.iter_rows(min_row=2, max_row=2))
    assert (name.value, name.data_type) == ("'=2+2", "s")
    assert (reference.value, reference.data_type) == ("'-5", "s")
    assert (amount.value, amount.data_type, amount.number_format) == (-12.5, "n", "#,##0.00")
    assert on.value.date() == date(2024, 1, 31)
    assert on.number_format == "yyyy-mm-dd"
    total, empty, yen, _ = next(sheet.iter_rows(min_row=3, max_row=3))
    assert total.font.b and empty.value is None
    assert (yen.value, yen.number_format) == (100, "#,##0")
    assert sheet.freeze_panes == "A2"
