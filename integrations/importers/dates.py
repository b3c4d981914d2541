"""Dates as exports write them, read column-wise.

``03/04/2026`` is the 3rd of April in a UK Xero file and the 4th of March in a US QuickBooks
one, and no single value says which. The order is decided from every date in the file: a
first number above 12 means day first, a second number above 12 means month first; when no
value decides, the preset's order applies (and the report says so); an explicit order
overrides all of it. ISO dates (``2026-04-03``) and month names are never ambiguous.
"""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

ORDERS = {"dmy": "DD/MM/YYYY", "mdy": "MM/DD/YYYY", "ymd": "YYYY-MM-DD"}

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
ISO = rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){_TIME}$"
NUMERIC = rf"^(\d{{1,2}})[-/.](\d{{1,2}})[-/.](\d{{4}}|\d{{2}}){_TIME}$"
DAY_MONTH_NAME = r"^(\d{1,2})[-\s]([A-Za-z]{3,9})\.?[-\s,]\s*(\d{4}|\d{2})$"
MONTH_NAME_DAY = r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$"

_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, 1)}
MONTHS.update({name[:3]: n for name, n in list(MONTHS.items())})
MONTHS["sept"] = 9


@dataclass(frozen=True)
class DateOrder:
    order: str  # "dmy" | "mdy"
    source: str  # "override" | "detected" | "default" (no value decided) | "unambiguous"

    def describe(self) -> str:
        how = {
            "override": "as chosen",
            "detected": "detected from the dates in the file",
            "default": "no date in the file decides it, so the preset's order is used",
            "unambiguous": "the file's dates name the year first or the month by name",
        }[self.source]
        return f"{ORDERS[self.order]} ({how})"


def detect_order(columns: list[pd.Series], default: str, override: str | None) -> DateOrder:
    """Return the day/month order of the numeric dates in ``columns`` taken together."""
    if override:
        return DateOrder(override, "override")
    values = pd.concat(columns, ignore_index=True) if columns else pd.Series([], dtype=str)
    values = pd.Series(values.unique(), dtype=str)  # distinct dates decide, once each
    parts = values[values.ne("")].str.extract(NUMERIC).dropna()
    if parts.empty:
        return DateOrder(default, "unambiguous")
    first, second = parts[0].astype(int), parts[1].astype(int)
    day_first, month_first = int((first > 12).sum()), int((second > 12).sum())
    if not day_first and not month_first:
        return DateOrder(default, "default")
    return DateOrder("dmy" if day_first >= month_first else "mdy", "detected")


def parse_dates(values: pd.Series, order: str) -> tuple[np.ndarray, np.ndarray]:
    """Return each value as a ``date`` (None when empty or unreadable) and which values are
    filled but not a date in ``order``."""
    # A file has far fewer distinct dates than rows: read each distinct one once.
    codes, uniques = pd.factorize(values)
    dates, bad = _parse_distinct(pd.Series(uniques, dtype=str), order)
    return dates[codes], bad[codes]


def _parse_distinct(values: pd.Series, order: str) -> tuple[np.ndarray, np.ndarray]:
    year = pd.Series(np.nan, index=values.index)
    month, day = year.copy(), year.copy()

    def take(pattern: str, y: int, m: int, d: int, names: bool = False) -> None:
        parts = values.str.extract(pattern)
        found = parts[0].notna() & year.isna()
        if not found.any():
            return
        months = parts[m][found]
        months = months.str.lower().map(MONTHS) if names else months.astype(float)
        year[found] = parts[y][found].astype(float)
        month[found] = months.astype(float)
        day[found] = parts[d][found].astype(float)

    take(ISO, 0, 1, 2)
    take(NUMERIC, 2, 1, 0) if order == "dmy" else take(NUMERIC, 2, 0, 1)
    take(DAY_MONTH_NAME, 2, 1, 0, names=True)
    take(MONTH_NAME_DAY, 2, 0, 1, names=True)
    year = year.where(year >= 100, year + np.where(year < 70, 2000, 1900))
    stamps = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    )
    ok = stamps.notna().to_numpy()
    dates = np.full(len(values), None, dtype=object)
    if ok.any():
        dates[ok] = np.array(stamps[ok].dt.date, dtype=object)
    bad = values.ne("").to_numpy() & ~ok
    return dates, bad


def bad_date_reason(value: str, order: str) -> str:
    if re.match(NUMERIC, value):
        return f'"{value}" is not a date (dates in this file read as {ORDERS[order]}).'
    return f'"{value}" is not a date.'
