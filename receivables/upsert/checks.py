"""Checks of single values in an upsert item, each recording a clear error on failure.

Items arrive typed (a DRF serializer, an importer's column parser or a form turned text into
``str``, ``Decimal``, ``date``); these checks apply the rules of the stored rows: lengths,
ISO codes, time zones, money exact to the currency's minor units.
"""

import zoneinfo
from datetime import date
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import list_currencies

from receivables.balances import LedgerError
from receivables.ledger import checked_amount
from receivables.upsert.results import Errors

#: Marks a value that failed its check (None is a legitimate value for some keys).
BAD = object()


@lru_cache(maxsize=1)
def currencies() -> frozenset[str]:
    return frozenset(list_currencies())


@lru_cache(maxsize=1)
def countries() -> frozenset[str]:
    return frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def text(errors: Errors, index: int, item: dict, key: str, limit: int, *, required=False):
    """Return the stripped text at ``key`` (None when absent), or BAD."""
    value = item.get(key)
    if value is None:
        if required:
            errors.add(index, key, "required", f"{key} is required.")
            return BAD
        return None
    if not isinstance(value, str):
        errors.add(index, key, "invalid", f"{key} must be text.")
        return BAD
    value = value.strip()
    if required and not value:
        errors.add(index, key, "required", f"{key} is required.")
        return BAD
    if len(value) > limit:
        errors.add(index, key, "too_long", f"{key} is longer than {limit} characters.")
        return BAD
    if "\x00" in value:
        errors.add(index, key, "invalid", f"{key} contains a NUL character.")
        return BAD
    return value


def currency(errors: Errors, index: int, item: dict, key: str = "currency"):
    """Return the upper-case ISO 4217 code at ``key`` (None when absent), or BAD."""
    return _coded(
        errors,
        index,
        item,
        key,
        3,
        currencies(),
        "invalid_currency",
        "{value!r} is not an ISO 4217 currency code.",
    )


def country(errors: Errors, index: int, item: dict, key: str = "country"):
    """Return the upper-case ISO 3166 code at ``key`` ("" when blank), or BAD."""
    return _coded(
        errors,
        index,
        item,
        key,
        2,
        countries(),
        "invalid_country",
        "{value!r} is not an ISO 3166 country code.",
        blank=True,
    )


def time_zone(errors: Errors, index: int, item: dict, key: str = "time_zone"):
    """Return the IANA time zone at ``key`` ("" when blank), or BAD."""
    return _coded(
        errors,
        index,
        item,
        key,
        64,
        time_zones(),
        "invalid_time_zone",
        "Unknown time zone {value!r}.",
        blank=True,
        upper=False,
    )


def _coded(errors, index, item, key, limit, known, code, message, *, blank=False, upper=True):
    """Return the code at ``key`` if ``known`` holds it; absent (and blank, where allowed)
    passes through."""
    value = text(errors, index, item, key, limit)
    if value is None or value is BAD or (blank and not value):
        return value
    value = value.upper() if upper else value
    if value not in known:
        errors.add(index, key, code, message.format(value=value))
        return BAD
    return value


def day(errors: Errors, index: int, item: dict, key: str, *, required=False):
    """Return the date at ``key`` (None when absent), or BAD."""
    value = item.get(key)
    if value is None:
        if required:
            errors.add(index, key, "required", f"{key} is required.")
            return BAD
        return None
    if not isinstance(value, date) or hasattr(value, "hour"):
        errors.add(index, key, "invalid_date", f"{key} must be a date.")
        return BAD
    return value


def amount(
    errors: Errors,
    index: int,
    item: dict,
    key: str,
    currency_code: str,
    *,
    required=False,
    where: str = "",
):
    """Return the amount at ``key`` exact to ``currency_code`` (None when absent), or BAD;
    an error names the field ``where`` (default ``key``)."""
    where = where or key
    value = item.get(key)
    if value is None:
        if required:
            errors.add(index, where, "required", f"{key} is required.")
            return BAD
        return None
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        errors.add(index, where, "invalid_amount", f"{key} must be a decimal amount.")
        return BAD
    try:
        return checked_amount(value, key, currency_code)
    except LedgerError as exc:
        errors.add(index, where, exc.code, exc.message)
        return BAD


def whole_number(errors: Errors, index: int, item: dict, key: str, low: int, high: int):
    value = item.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors.add(index, key, "invalid", f"{key} must be a whole number from {low} to {high}.")
        return BAD
    return value


def choice(errors: Errors, index: int, item: dict, key: str, allowed: tuple[str, ...]):
    value = text(errors, index, item, key, 40)
    if value is None or value is BAD:
        return value
    value = value.lower()
    if value not in allowed:
        errors.add(index, key, "invalid_choice", f"{key} must be one of {', '.join(allowed)}.")
        return BAD
    return value


def lookup_key(value) -> str | None:
    """Return ``value`` stripped if it can name a stored row (text of at most 100 characters
    without NUL), else None: a key that cannot match is never sent to the database, and the
    item's own checks say what is wrong with it."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if value and len(value) <= 100 and "\x00" not in value else None


def chunks(values: list, size: int = 10000):
    """Yield ``values`` in slices that fit one IN (…) list on every database."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
