"""The typed fields of API input: money as decimal strings, ISO codes, ISO dates.

They are declared as DRF fields, so the OpenAPI schema documents them; the item parsers
(``integrations.api.items``) read the same declarations to check values fast.
"""

import zoneinfo
from functools import cache

from babel.numbers import list_currencies
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

#: What a money string looks like: digits, an optional point and up to three decimals.
MONEY_PATTERN = r"^-?\d{1,12}(\.\d{1,3})?$"


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": MONEY_PATTERN, "example": "1234.50"}
)
class MoneyField(serializers.DecimalField):
    """An amount as a decimal string, ``"1234.50"``; a JSON number is refused, since a
    float cannot hold every amount exactly."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_digits", 15)
        kwargs.setdefault("decimal_places", 3)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)


class CurrencyField(serializers.RegexField):
    """An ISO 4217 code in capitals: ``EUR``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 3)
        kwargs.setdefault("min_length", 3)
        super().__init__(r"^[A-Z]{3}$", **kwargs)


class CountryField(serializers.RegexField):
    """An ISO 3166 alpha-2 code in capitals: ``DE``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 2)
        kwargs.setdefault("min_length", 2)
        super().__init__(r"^[A-Z]{2}$", **kwargs)


class TimeZoneField(serializers.CharField):
    """An IANA time zone name: ``Europe/Berlin``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)


class IsoDateField(serializers.DateField):
    """A date written ``YYYY-MM-DD``."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("input_formats", ["iso-8601"])
        super().__init__(**kwargs)


@cache
def currencies() -> frozenset[str]:
    """The ISO 4217 codes in use (from CLDR, through Babel)."""
    return frozenset(list_currencies())


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())
