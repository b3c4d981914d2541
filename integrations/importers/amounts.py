"""Amounts as exports write them (``1,234.50``, ``1.234,50``, ``1 234,50``, ``$1,000.00``,
``(250.00)``), read column-wise into ``Decimal``.

The decimal separator is decided from every amount in the file: ``12,50`` or ``1.234,50``
says comma, ``12.50`` or ``1,234.50`` says point, ``1,234`` says nothing. Without evidence
the preset's separator applies; an explicit separator overrides. Grouping is checked, not
just deleted: ``1,23.4`` is refused rather than read as 123.4.
"""

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

SEPARATORS = {".": "point", ",": "comma"}
_SYMBOLS = "$€£¥₹₩₽₺₪₫฿₱₦₴₡₲₵₸"
_CURRENCY = rf"(?:[A-Z]{{3}}|R\$|[{_SYMBOLS}]|kr\.?|zł|Fr\.)"
_PREFIX = rf"^{_CURRENCY}\s*"
_SUFFIX = rf"\s*{_CURRENCY}$"
_SPACES = "   '’"  # space, no-break space, narrow no-break space, apostrophes
_GROUPED_SPACES = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+"
POINT_AMOUNT = rf"(?:\d+|\d{{1,3}}(?:,\d{{3}})+|{_GROUPED_SPACES})(?:\.\d+)?|\.\d+"
PLAIN = r"-?\d+(?:\.\d+)?"
COMMA_AMOUNT = rf"(?:\d+|\d{{1,3}}(?:\.\d{{3}})+|{_GROUPED_SPACES})(?:,\d+)?|,\d+"


@dataclass(frozen=True)
class DecimalSeparator:
    mark: str  # "." | ","
    source: str  # "override" | "detected" | "default"

    def describe(self) -> str:
        how = {
            "override": "as chosen",
            "detected": "detected from the amounts in the file",
            "default": "no amount in the file decides it, so the preset's is used",
        }[self.source]
        return f"decimal {SEPARATORS[self.mark]} ({how})"


def _bare(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return the numbers without currency marks and signs, and which were negative."""
    body = values.str.replace("\u2212", "-", regex=False)
    paren = body.str.fullmatch(r"\(.*\)")
    body = body.mask(paren, body.str[1:-1]).str.strip()
    body = body.str.replace(_PREFIX, "", regex=True).str.replace(_SUFFIX, "", regex=True)
    minus = body.str.startswith("-") | body.str.endswith("-")
    body = body.str.strip("-").str.strip().str.replace(_PREFIX, "", regex=True)
    return body, paren | minus


def detect_separator(
    columns: list[pd.Series], default: str, override: str | None
) -> DecimalSeparator:
    """Return the decimal separator of the amounts in ``columns`` taken together."""
    if override:
        return DecimalSeparator(override, "override")
    values = pd.concat(columns, ignore_index=True) if columns else pd.Series([], dtype=str)
    values = pd.Series(values.unique(), dtype=str)
    # Most exports write plain numbers: they are counted with one pattern, the rest looked at.
    plain = values.str.fullmatch(PLAIN)
    plain_points = int(values[plain].str.fullmatch(r"-?\d*\.(?:\d{1,2}|\d{4,})").sum())
    body, _ = _bare(values[~plain & values.ne("")])
    dot, comma = body.str.contains(".", regex=False), body.str.contains(",", regex=False)
    both = dot & comma
    comma_last = both & (body.str.rfind(",") > body.str.rfind("."))
    only_comma, only_dot = comma & ~dot, dot & ~comma
    comma_groups = body.str.fullmatch(r"\d{1,3}(?:,\d{3})+")
    dot_groups = body.str.fullmatch(r"\d{1,3}(?:\.\d{3})+")
    says_comma = (
        comma_last
        | (only_comma & ~comma_groups)
        | (only_dot & body.str.fullmatch(r"\d{1,3}(?:\.\d{3}){2,}"))
    )
    says_point = (
        (both & ~comma_last)
        | (only_dot & ~dot_groups)
        | (only_comma & body.str.fullmatch(r"\d{1,3}(?:,\d{3}){2,}"))
    )
    commas, points = int(says_comma.sum()), int(says_point.sum()) + plain_points
    if not commas and not points:
        return DecimalSeparator(default, "default")
    return DecimalSeparator("," if commas > points else ".", "detected")


def parse_amounts(values: pd.Series, mark: str) -> tuple[np.ndarray, np.ndarray]:
    """Return each value as a ``Decimal`` (None when empty or unreadable) and which values
    are filled but not an amount with decimal ``mark``."""
    codes, uniques = pd.factorize(values)
    amounts, bad = _parse_distinct(pd.Series(uniques, dtype=str), mark)
    return amounts[codes], bad[codes]


def _parse_distinct(values: pd.Series, mark: str) -> tuple[np.ndarray, np.ndarray]:
    amounts = np.full(len(values), None, dtype=object)
    plain = values.str.fullmatch(PLAIN if mark == "." else r"-?\d+").to_numpy()
    amounts[plain] = list(map(Decimal, values.to_numpy(dtype=object)[plain].tolist()))
    rest = ~plain
    amounts[rest], bad = _parse_written(values[rest], mark)
    return amounts, _spread(bad, rest)


def _spread(values: np.ndarray, where: np.ndarray) -> np.ndarray:
    out = np.zeros(len(where), dtype=bool)
    out[where] = values
    return out


def _parse_written(values: pd.Series, mark: str) -> tuple[np.ndarray, np.ndarray]:
    """Read amounts written with grouping, signs or currency marks."""
    body, negative = _bare(values)
    grammar = POINT_AMOUNT if mark == "." else COMMA_AMOUNT
    ok = (body.str.fullmatch(grammar) & values.ne("")).to_numpy()
    groups = f"[{_SPACES},]" if mark == "." else f"[{_SPACES}.]"
    plain = body.str.replace(groups, "", regex=True).str.replace(",", ".", regex=False)
    text = plain.where(~negative, "-" + plain)
    amounts = np.full(len(values), None, dtype=object)
    amounts[ok] = [Decimal(t) for t in text[ok]]
    return amounts, values.ne("").to_numpy() & ~ok


def bad_amount_reason(value: str, mark: str) -> str:
    return f'"{value}" is not an amount (decimal {SEPARATORS[mark]} in this file).'
