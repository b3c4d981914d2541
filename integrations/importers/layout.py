"""Where the table is in an export: the header row below report titles, and which rows below
it are data rather than report furniture.

A QuickBooks report starts with the company name, the report title, the date range and a
blank line; grouped reports put each customer's name on a row of its own in an unnamed first
column, close the group with ``Total for <name>``, end with ``TOTAL`` and a time-stamp line.
Only leaf rows are data: totals summed again would count every amount twice.
"""

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from integrations.importers.distinct import on_distinct
from integrations.importers.headers import key

#: Rows looked at for the header.
HEADER_SCAN_ROWS = 30
#: A total row's first filled cell: "TOTAL", "Total", "Grand total", "Total for Acme Corp".
TOTAL = re.compile(r"(?i)^(?:grand\s+)?totals?(?:\s+for\s.*)?$")
#: A report's time-stamp footer: "Accrual Basis Wednesday, September 30, 2026 01:49 PM
#: GMT-05:00" (unquoted, so its commas split it over three cells).
FOOTER = re.compile(
    r"(?i)^(?:(?:accrual|cash)\s+basis\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),\s*\w+\s+\d{1,2},\s*\d{4}\b"
)
FOOTER_START = re.compile(
    r"(?i)^(?:(?:accrual|cash)\s+basis\s+)?(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
)
#: What the unnamed first column of a grouped report is called once its labels are spread.
GROUP = "Group"


def header_index(rows: list[list[str]], known: frozenset[str]) -> int:
    """Return the index of the header among the first rows: the row with the most known
    column names (at least two), else the first row as wide as the widest."""
    scanned = rows[:HEADER_SCAN_ROWS]
    scores = [sum(1 for cell in row if key(cell) in known) for row in scanned]
    if scores and max(scores) >= 2:
        return scores.index(max(scores))
    widths = [sum(1 for cell in row if str(cell).strip()) for row in scanned]
    return widths.index(max(widths)) if widths and max(widths) else 0


@dataclass
class Kept:
    """The data rows of a table, and how many rows of each other sort were left out."""

    frame: pd.DataFrame
    lines: np.ndarray
    skipped: dict[str, int] = field(default_factory=dict)


def keep_data_rows(frame: pd.DataFrame, lines: np.ndarray, grouped: bool) -> Kept:
    """Drop blank, total and footer rows; when ``grouped`` (the first header is empty), turn
    group label rows into a ``Group`` column on the rows below them."""
    if frame.empty:
        return Kept(frame, lines)
    filled = pd.DataFrame({c: frame[c].ne("") for c in frame.columns})
    count = filled.sum(axis=1).to_numpy()
    first = pd.Series("", index=frame.index, dtype=object)
    for column in reversed(frame.columns):
        first = first.mask(filled[column], frame[column])
    first = first.astype(str)
    blank = count == 0
    total = on_distinct(first, lambda u: u.str.fullmatch(TOTAL)).astype(bool) & ~blank
    footer = _footer(frame, filled, first, count)
    drop = blank | total | footer
    skipped = {"blank rows": int(blank.sum()), "total rows": int(total.sum())}
    skipped["report footer rows"] = int(footer.sum())
    if grouped:
        head = frame.columns[0]
        label = (count == 1) & filled[head].to_numpy() & ~drop
        groups = frame[head].where(label).ffill().fillna("")
        frame = frame.rename(columns={head: GROUP}) if GROUP not in frame.columns else frame
        frame[frame.columns[0]] = groups
        skipped["group label rows"] = int(label.sum())
        drop = drop | label
    keep = ~drop
    kept = frame.loc[keep].reset_index(drop=True)
    return Kept(kept, lines[keep], {k: v for k, v in skipped.items() if v})


def _footer(
    frame: pd.DataFrame, filled: pd.DataFrame, first: pd.Series, count: np.ndarray
) -> np.ndarray:
    """Return which rows are a time-stamp footer: the few rows whose first cell is a weekday
    are checked whole."""
    footer = np.zeros(len(frame), dtype=bool)
    starts = on_distinct(first, lambda u: u.str.match(FOOTER_START)).astype(bool)
    maybe = np.flatnonzero((count <= 4) & starts)
    for position in maybe:
        cells = frame.iloc[position][filled.iloc[position].to_numpy()]
        footer[position] = bool(FOOTER.match(", ".join(cells)))
    return footer
