"""The filters templates format with: money and dates in the customer's language (Babel's
CLDR data: currency symbols, grouping, ISO 4217 minor units, month names), line breaks."""

from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as babel_date
from babel.dates import get_date_format
from jinja2 import pass_context, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from kapittx.money import format_amount, format_money
from reminders.messages import limits
from reminders.messages.context import FALLBACK_LANGUAGE, Total


@lru_cache(maxsize=256)
def known_locale(language: str) -> str:
    """Return ``language`` as a Babel locale name, or English when Babel does not know it."""
    try:
        return str(Locale.parse((language or FALLBACK_LANGUAGE).replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        return FALLBACK_LANGUAGE


def _locale(context: Context) -> str:
    return known_locale(context.get("locale") or FALLBACK_LANGUAGE)


@pass_context
def money(context: Context, value: Any, currency: str = "") -> str:
    """Format an amount in the customer's language: ``€1,234.50`` (en), ``1.234,50 €`` (de).

    Takes a number and its currency, a total (``totals`` item, ``total_due``) or a list of
    totals, which come out joined by `` + ``.
    """
    if isinstance(value, list | tuple):
        if len(value) > limits.RANGE_MAX:
            raise limits.LimitExceeded(f"money() of more than {limits.RANGE_MAX:,} amounts")
        return " + ".join(money(context, item, currency) for item in value)
    if value is None:
        raise ValueError(
            "money got no amount (total_due is empty when invoices are in several "
            "currencies: loop over totals instead)"
        )
    if isinstance(value, Total):
        value, currency = value.amount, value.currency
    if not currency:
        # A bare number: two decimals, grouped as the customer writes numbers.
        return format_amount(Decimal(str(value)), "EUR", _locale(context))
    return format_money(Decimal(str(value)), currency, _locale(context))


@pass_context
def format_date(context: Context, value: date | None, style: str = "long") -> str:
    """Format a date in the customer's language: long ``2. März 2026``, short ``02.03.2026``."""
    if value is None:
        return ""
    # Only the style's meaning is cached, never whatever text a template passed.
    return _date_text(value, "short" if style == "short" else "long", _locale(context))


# The same dates recur across a message's parts and a batch's messages.
@lru_cache(maxsize=8192)
def _date_text(value: date, style: str, locale: str) -> str:
    if style != "short":
        return babel_date(value, "long", locale=locale)
    # A short date still carries the whole year.
    pattern = get_date_format("short", locale=locale).pattern
    if "yyyy" not in pattern:
        pattern = pattern.replace("yy", "yyyy")
    return babel_date(value, pattern, locale=locale)


@pass_eval_context
def nl2br(eval_context: EvalContext, value: str) -> str:
    """Turn line breaks into ``<br>`` in HTML parts; leave text parts as they are."""
    if not eval_context.autoescape:
        return value
    # One pass in C: lines escaped first, then joined (escaping adds no line breaks).
    return Markup("<br>\n".join(str.splitlines(escape(str(value)))))
