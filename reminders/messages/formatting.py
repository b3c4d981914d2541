"""The filters templates format with: money and dates in the customer's language, line breaks."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

from django.utils import dateformat, formats, translation
from django.utils.numberformat import format as format_number
from django.utils.translation import check_for_language
from jinja2 import pass_context, pass_eval_context
from jinja2.nodes import EvalContext
from jinja2.runtime import Context
from markupsafe import Markup, escape

from reminders.messages.context import FALLBACK_LANGUAGE, Total

#: Currencies quoted without minor units.
ZERO_DECIMAL_CURRENCIES = frozenset({"CLP", "ISK", "JPY", "KRW", "PYG", "UGX", "VND", "XAF", "XOF"})


def _locale(context: Context) -> str:
    language = context.get("locale") or FALLBACK_LANGUAGE
    return language if check_for_language(language) else FALLBACK_LANGUAGE


@pass_context
def money(context: Context, value: Any, currency: str = "") -> str:
    """Format an amount in the customer's language: ``1,234.50 EUR`` (en), ``1.234,50 EUR`` (de).

    Takes a number and its currency, a total (``totals`` item, ``total_due``) or a list of
    totals, which come out joined by `` + ``.
    """
    if isinstance(value, list | tuple):
        return " + ".join(money(context, item, currency) for item in value)
    if value is None:
        raise ValueError(
            "money got no amount (total_due is empty when invoices are in several "
            "currencies: loop over totals instead)"
        )
    if isinstance(value, Total):
        value, currency = value.amount, value.currency
    return _money_text(Decimal(str(value)), currency, _locale(context))


# Formatting a number or a date in a language is a pure function of its inputs, and the same
# amounts and dates recur across a message's parts and a batch's messages.
@lru_cache(maxsize=8192)
def _money_text(value: Decimal, currency: str, language: str) -> str:
    places = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    # Django's number formatting cuts extra decimals off; money is rounded instead.
    amount = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = format_number(
        amount,
        formats.get_format("DECIMAL_SEPARATOR", language, use_l10n=True),
        decimal_pos=places,
        grouping=formats.get_format("NUMBER_GROUPING", language, use_l10n=True),
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR", language, use_l10n=True),
        force_grouping=True,
    )
    return f"{text} {currency}".strip()


@pass_context
def format_date(context: Context, value: date | None, style: str = "long") -> str:
    """Format a date in the customer's language: long ``3. März 2026`` or short ``03.03.2026``."""
    if value is None:
        return ""
    return _date_text(value, style, _locale(context))


@lru_cache(maxsize=8192)
def _date_text(value: date, style: str, language: str) -> str:
    name = "SHORT_DATE_FORMAT" if style == "short" else "DATE_FORMAT"
    with translation.override(language):
        return dateformat.format(value, formats.get_format(name, language, use_l10n=True))


@pass_eval_context
def nl2br(eval_context: EvalContext, value: str) -> str:
    """Turn line breaks into ``<br>`` in HTML parts; leave text parts as they are."""
    if not eval_context.autoescape:
        return value
    return Markup("<br>\n").join(escape(line) for line in str(value).splitlines())

