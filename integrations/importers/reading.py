"""An uploaded file to a table of text: CSV in the usual encodings and delimiters, or the first
sheet of a workbook (XLSX, XLS, ODS) read with calamine.

Every cell stays text (``dtype=str``, no "NA" guessing), so a 19-digit id or an invoice number
with leading zeros arrives exactly as exported; typing happens per column later, once the
date order and decimal separator of the whole file are known.
"""

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import numpy as np
import pandas as pd
from python_calamine import CalamineWorkbook

from integrations.importers.decoding import decode
from integrations.importers.headers import unique_headers
from integrations.importers.layout import HEADER_SCAN_ROWS, header_index, keep_data_rows
from integrations.importers.report import FileRefused, RowError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
#: A workbook unpacking to more than this is refused before it is read (a zip bomb).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
DELIMITERS = (",", ";", "\t", "|")


@dataclass
class Sheet:
    """The data rows of a file, every cell stripped text, columns named by its header."""

    headers: list[str]
    frame: pd.DataFrame
    lines: np.ndarray  # each row's line number as a spreadsheet shows it
    header_line: int
    encoding: str  # "" for a workbook
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return len(self.frame)

    def take(self, keep: np.ndarray) -> "Sheet":
        """Return the sheet with only the rows where ``keep`` is true."""
        frame = self.frame.loc[keep].reset_index(drop=True)
        return Sheet(self.headers, frame, self.lines[keep], self.header_line, self.encoding)


def is_workbook(data: bytes) -> bool:
    return data.startswith((ZIP_MAGIC, OLE_MAGIC))


def read_file(
    data: bytes, known: frozenset[str], *, encoding: str | None = None, nrows: int | None = None
) -> Sheet:
    """Return the table in ``data``; ``known`` holds the header keys the presets use (to find
    the header below report titles); ``nrows`` reads only the first data rows (a preview)."""
    if not data.strip():
        raise FileRefused([RowError(0, "", "The file is empty.")])
    if is_workbook(data):
        rows, used = _workbook_rows(data, nrows), ""
        h = header_index(rows, known)
        body = rows[h + 1 :]
        width = max([len(rows[h]), *(len(r) for r in body[:1])])
        headers = unique_headers([*rows[h], *[""] * (width - len(rows[h]))])
        frame = pd.DataFrame([r[:width] for r in body], columns=headers, dtype=object)
    else:
        decoded = decode(data, encoding)
        text, used = decoded.text.lstrip("\ufeff"), decoded.encoding
        delimiter = _delimiter(text)
        rows, starts = _first_records(text, delimiter, HEADER_SCAN_ROWS + 1)
        h = header_index(rows, known)
        headers = unique_headers(rows[h])
        start = starts[h + 1] if len(starts) > h + 1 else len(text)
        frame = _read_csv(text[start:], delimiter, headers, h + 2, nrows)
    frame = frame.iloc[:nrows] if nrows is not None else frame
    for column in frame.columns:
        frame[column] = _stripped(frame[column])
    lines = np.arange(h + 2, h + 2 + len(frame))
    grouped = not str(rows[h][0] if rows[h] else "").strip()
    kept = keep_data_rows(frame, lines, grouped)
    return Sheet(list(kept.frame.columns), kept.frame, kept.lines, h + 1, used, kept.skipped)


def _stripped(column: pd.Series) -> pd.Series:
    """Return ``column`` as text with outer spaces removed (a plain loop: cheaper per value
    than pandas' string methods)."""
    texts = [value.strip() for value in column.fillna("").to_numpy(dtype=object)]
    return pd.Series(texts, index=column.index, dtype=str)


def _workbook_rows(data: bytes, nrows: int | None) -> list[list[str]]:
    if data.startswith(ZIP_MAGIC):
        try:
            unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
        except zipfile.BadZipFile:
            raise FileRefused([RowError(0, "", "The workbook is damaged.")]) from None
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileRefused([RowError(0, "", "The workbook unpacks to too much data.")])
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        limit = None if nrows is None else HEADER_SCAN_ROWS + nrows + 1
        for index in range(len(book.sheet_names)):
            rows = book.get_sheet_by_index(index).to_python(skip_empty_area=False, nrows=limit)
            if any(any(cell not in ("", None) for cell in row) for row in rows[:200]):
                break
        else:
            raise FileRefused([RowError(0, "", "The workbook has no data.")])
    except FileRefused:
        raise
    except Exception as exc:  # calamine raises its own and plain errors on damaged files
        raise FileRefused([RowError(0, "", f"The workbook cannot be read: {exc}")]) from None
    # Most cells are text already; only the others pay for a call.
    return [[c if type(c) is str else _cell_text(c) for c in row] for row in rows]


def _cell_text(value: object) -> str:
    """Return a workbook cell as the text a person sees: 1234 not 1234.0, dates ISO."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        text = f"{value:.15g}"
        return text if "e" not in text else format(value, "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _delimiter(text: str) -> str:
    """Return the delimiter that splits the most of the first lines into the same number of
    cells (more than one)."""
    sample = text[:65536].splitlines()[:50]
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter) if any(row)]
        if not widths:
            continue
        values, counts = np.unique(widths, return_counts=True)
        width = int(values[counts.argmax()])
        score = (int(counts.max()) if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_records(text: str, delimiter: str, limit: int) -> tuple[list[list[str]], list[int]]:
    """Return the first ``limit`` records and the offset where each starts (a quoted cell
    may span lines, so records are counted by the csv reader, not by line breaks)."""
    consumed = 0

    def counted():
        nonlocal consumed
        for line in io.StringIO(text, newline=""):
            consumed += len(line)
            yield line

    rows, starts, start = [], [], 0
    for row in csv.reader(counted(), delimiter=delimiter):
        rows.append(row)
        starts.append(start)
        start = consumed
        if len(rows) == limit:
            break
    if len(rows) < limit:
        starts.append(len(text))
    return rows or [[]], starts


def _read_csv(
    text: str, delimiter: str, headers: list[str], first_line: int, nrows: int | None
) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            # A first row longer than the header is only warned about (its cells dropped).
            warnings.simplefilter("error", pd.errors.ParserWarning)
            return _pandas_csv(text, delimiter, headers, nrows)
    except pd.errors.EmptyDataError:
        return pd.DataFrame({name: pd.Series([], dtype=str) for name in headers})
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        return _read_ragged(text, delimiter, headers, first_line)


def _pandas_csv(text: str, delimiter: str, headers: list[str], nrows: int | None) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=headers,
        index_col=False,
        dtype=str,
        keep_default_na=False,
        na_filter=False,  # no cell is missing: empty ones are "", and looking costs time
        skip_blank_lines=False,
        nrows=nrows,
    )


def _read_ragged(text: str, delimiter: str, headers: list[str], first_line: int) -> pd.DataFrame:
    """Read rows longer than the header: refuse those with something in the extra cells
    (naming every one), drop the extra cells where they are empty."""
    width, rows, errors = len(headers), [], []
    for offset, row in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)):
        if len(row) > width and any(cell.strip() for cell in row[width:]):
            errors.append(
                RowError(
                    first_line + offset,
                    "",
                    f"This row has {len(row)} cells but the header has {width}.",
                )
            )
        rows.append((row + [""] * width)[:width])
    if errors:
        raise FileRefused(errors)
    return pd.DataFrame(rows, columns=headers, dtype=str)
