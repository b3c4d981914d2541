"""Money: how many minor units each currency has, and amounts written out for people.

The minor units are ISO 4217's, from Babel's CLDR data: two for the euro, none for the yen,
three for the Kuwaiti dinar. Amounts are stored with three decimals, so every currency is
exact; each amount is rounded (half up) to its currency's units and no further.
"""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency, format_decimal, get_currency_precision

#: Decimal places amounts are stored with: enough for every ISO 4217 currency.
STORED_DECIMALS = 3


@lru_cache(maxsize=512)
def decimals(currency: str) -> int:
    """Return how many decimal places ``currency`` is quoted in (2 for an unknown code)."""
    return get_currency_precision(currency.upper())


@lru_cache(maxsize=512)
def quantum(currency: str) -> Decimal:
    """Return the smallest amount of ``currency``: 0.01 EUR, 1 JPY, 0.001 KWD."""
    return Decimal(1).scaleb(-decimals(currency))


def rounded(amount: Decimal, currency: str) -> Decimal:
    """Return ``amount`` rounded half up to the minor units of ``currency``."""
    return Decimal(amount).quantize(quantum(currency), ROUND_HALF_UP)


@lru_cache(maxsize=8192)
def format_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    """Return ``amount`` in ``currency`` as people of ``locale`` write it: ``€1,234.50``
    (en), ``1.234,50 €`` (de), ``KWD 1,234.500``."""
    return format_currency(
        rounded(amount, currency),
        currency.upper(),
        locale=_locale(locale),
        decimal_quantization=False,
    )


@lru_cache(maxsize=8192)
def format_amount(amount: Decimal, currency: str, locale: str = "en") -> str:
    """Return the number alone, grouped, with the currency's minor units: ``1,234.50``."""
    places = decimals(currency)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(rounded(amount, currency), format=pattern, locale=_locale(locale))


def _locale(language: str) -> str:
    return (language or "en").replace("-", "_")
