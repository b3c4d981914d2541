"""The mapped columns of a sheet as typed values, column by column, and every cell that could
not be read (its line, its column and why)."""

import re
from functools import cache

import numpy as np
import pandas as pd
from babel import Locale
from babel.numbers import list_currencies

from integrations.importers.amounts import bad_amount_reason, parse_amounts
from integrations.importers.dates import bad_date_reason, parse_dates
from integrations.importers.presets import field_named
from integrations.importers.reading import Sheet
from integrations.importers.report import RowError

#: A phone number inside text such as "Phone: (555) 010-2030 Mobile: …".
PHONE = r"(\+?\d[\d\s().\-/]{4,}\d)"
_JOIN = {"contact_name": " ", "address": ", "}
_COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "usa": "US",
    "united states of america": "US",
    "u.s.a.": "US",
    "u.s.": "US",
}


@cache
def currencies() -> frozenset[str]:
    """ISO 4217 codes (CLDR's list, through Babel)."""
    return frozenset(list_currencies())


@cache
def country_codes() -> dict[str, str]:
    """Lower-case country names and alpha-2 codes to the alpha-2 code."""
    names = {
        name.lower(): code
        for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha()
    }
    names.update({code.lower(): code for code in names.values()})
    names.update(_COUNTRY_ALIASES)
    return names


class Values:
    """Typed access to ``sheet``'s columns through ``mapping`` (field → columns); cells that
    cannot be read are collected in ``errors``."""

    def __init__(
        self, sheet: Sheet, kind: str, mapping: dict[str, list[str]], date_order: str, mark: str
    ) -> None:
        self.sheet, self.kind, self.mapping = sheet, kind, mapping
        self.date_order, self.mark = date_order, mark
        self.errors: list[RowError] = []
        self._cache: dict[tuple[str, str], object] = {}

    def has(self, name: str) -> bool:
        return bool(self.mapping.get(name))

    def column(self, name: str) -> str:
        """Return the (first) column ``name`` is read from, as the file names it."""
        return (self.mapping.get(name) or [""])[0]

    def _memo(self, how: str, name: str, make):
        if (how, name) not in self._cache:
            self._cache[how, name] = make()
        return self._cache[how, name]

    def _bad(self, column: str, bad: np.ndarray, reason) -> None:
        values = self.sheet.frame[column].to_numpy()
        for position in np.flatnonzero(bad):
            self.errors.append(
                RowError(int(self.sheet.lines[position]), column, reason(values[position]))
            )

    def text(self, name: str) -> pd.Series:
        """Return the field's text ("" where empty or unmapped); several columns joined."""

        def make() -> pd.Series:
            columns = self.mapping.get(name) or []
            if not columns:
                return pd.Series("", index=self.sheet.frame.index, dtype=str)
            joined = self.sheet.frame[columns[0]]
            for column in columns[1:]:
                part = self.sheet.frame[column]
                glue = np.where(joined.ne("") & part.ne(""), _JOIN.get(name, " "), "")
                joined = joined + glue + part
            return joined

        return self._memo("text", name, make)

    def dates(self, name: str) -> np.ndarray:
        def make() -> np.ndarray:
            if not self.has(name):
                return np.full(self.sheet.rows, None, dtype=object)
            column = self.column(name)
            dates, bad = parse_dates(self.sheet.frame[column], self.date_order)
            self._bad(column, bad, lambda value: bad_date_reason(value, self.date_order))
            return dates

        return self._memo("dates", name, make)

    def amounts(self, name: str) -> np.ndarray:
        """Return the field's amounts (None where empty); several columns added up."""

        def make() -> np.ndarray:
            total = np.full(self.sheet.rows, None, dtype=object)
            for n, column in enumerate(self.mapping.get(name) or []):
                amounts, bad = parse_amounts(self.sheet.frame[column], self.mark)
                self._bad(column, bad, lambda value: bad_amount_reason(value, self.mark))
                if n == 0:
                    total = amounts
                else:  # rare: a field over several columns (FreshBooks' two taxes)
                    total = np.array(
                        [
                            a if t is None else t if a is None else t + a
                            for t, a in zip(total, amounts, strict=True)
                        ],
                        dtype=object,
                    )
            return total

        return self._memo("amounts", name, make)

    def currencies(self, name: str) -> pd.Series:
        def make() -> pd.Series:
            codes = self.text(name).str.upper()
            if self.has(name):
                bad = (codes.ne("") & ~codes.isin(currencies())).to_numpy()
                self._bad(
                    self.column(name),
                    bad,
                    lambda value: f'"{value}" is not an ISO 4217 currency code (e.g. EUR, GBP).',
                )
                codes = codes.where(~bad, "")
            return codes

        return self._memo("currencies", name, make)

    def integers(self, name: str) -> np.ndarray:
        """Return whole numbers ("Net 30" is 30, "Due on receipt" 0); None where empty."""

        def make() -> np.ndarray:
            text = self.text(name)
            found = text.str.extract(r"^(?:net\s*)?(\d{1,5})(?:\s*days?)?$", flags=re.I)[0]
            found = found.mask(text.str.fullmatch(r"(?i)due on receipt"), "0")
            out = np.array([None if pd.isna(x) else int(x) for x in found], dtype=object)
            bad = (text.ne("") & found.isna()).to_numpy()
            if self.has(name):
                self._bad(self.column(name), bad, lambda v: f'"{v}" is not a number of days.')
            return out

        return self._memo("integers", name, make)

    def countries(self, name: str) -> pd.Series:
        """Return alpha-2 codes for country names and codes; "" where not recognised."""

        def make() -> pd.Series:
            return self.text(name).str.lower().str.strip(" .").map(country_codes()).fillna("")

        return self._memo("countries", name, make)

    def phones(self, name: str) -> pd.Series:
        """Return the first phone number in each cell ("" where none)."""
        return self._memo(
            "phones", name, lambda: self.text(name).str.extract(PHONE)[0].fillna("").str.strip()
        )

    def label(self, name: str) -> str:
        return field_named(self.kind, name).label
