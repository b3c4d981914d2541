"""Cells of exported tables: text that a spreadsheet cannot run, numbers that stay numbers.

A spreadsheet treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or a
carriage return before one of them) as a formula, so a customer named
``=HYPERLINK("http://evil")`` would become a live link in the finance team's Excel. Text
cells are neutralised the way OWASP recommends, by a leading single quote; amounts and
dates are never text, so a negative balance stays a number.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kapittx.money import rounded

#: What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: object) -> str:
    """Return ``value`` as text that no spreadsheet evaluates."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


@dataclass(frozen=True)
class Money:
    """An amount in a currency: a number cell, shown with the currency's minor units."""

    amount: Decimal
    currency: str

    @property
    def value(self) -> Decimal:
        return rounded(self.amount, self.currency)


Cell = str | int | Decimal | date | Money | None


def csv_cell(value: Cell) -> str | Decimal | int:
    """Return what the CSV writer gets: numbers as numbers, dates in ISO 8601, text made safe."""
    if value is None:
        return ""
    if isinstance(value, Money):
        return value.value
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(value)


def xlsx_text(value: object) -> str:
    """Return text for a workbook cell: without the control characters the XLSX format cannot
    hold (a name pasted with one would otherwise stop the export), then made safe."""
    text = "" if value is None else str(value)
    return safe_text(ILLEGAL_CHARACTERS_RE.sub("", text))
