"""One table, written as CSV or as an XLSX workbook, and sent as a download.

The CSV is UTF-8 with a byte-order mark (without it Excel reads "Müller" as "MÃ¼ller"),
text quoted, numbers bare and unquoted. The workbook is written in openpyxl's write-only
mode, row by row, so a large export does not hold a cell object per value in memory.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from integrations.exports.cells import Cell, Money, csv_cell, xlsx_text
from kapittx.money import decimals

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
BOLD = Font(bold=True)
#: Excel's limit on a sheet's name.
SHEET_NAME_LENGTH = 31


@dataclass
class Row:
    cells: list[Cell]
    strong: bool = False  # a heading or a total, bold in the workbook


@dataclass
class Table:
    name: str
    header: list[str]
    rows: Iterable[Row] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)


def csv_bytes(table: Table) -> bytes:
    """Return ``table`` as CSV."""
    out = io.StringIO()
    # Text is quoted, numbers are not: a reader cannot mistake an amount for text.
    writer = csv.writer(out, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([csv_cell(title) for title in table.header])
    for row in table.rows:
        writer.writerow([csv_cell(value) for value in row.cells])
    return out.getvalue().encode("utf-8-sig")


def _number_format(currency: str) -> str:
    places = decimals(currency)
    return "#,##0" + ("." + "0" * places if places else "")


def _xlsx_cell(sheet, value: Cell, strong: bool) -> WriteOnlyCell:
    if isinstance(value, Money):
        cell = WriteOnlyCell(sheet, value=value.value)
        cell.number_format = _number_format(value.currency)
    elif isinstance(value, int | Decimal):
        cell = WriteOnlyCell(sheet, value=value)
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
    else:
        cell = WriteOnlyCell(sheet, value=xlsx_text(value) if value is not None else None)
        if value is not None:
            cell.data_type = "s"  # never a formula, whatever the text
    if strong:
        cell.font = BOLD
    return cell


def xlsx_bytes(table: Table) -> bytes:
    """Return ``table`` as a one-sheet XLSX workbook."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(xlsx_text(table.name)[:SHEET_NAME_LENGTH] or "Sheet")
    for index, width in enumerate(table.widths):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, title, True) for title in table.header])
    for row in table.rows:
        sheet.append([_xlsx_cell(sheet, value, row.strong) for value in row.cells])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """Return ``content`` as an attachment named ``filename`` (ASCII, made by the caller)."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
