"""Amounts on the dashboard's pages, with their currency's minor units (``{{ x|amount:cur }}``)."""

from decimal import Decimal, InvalidOperation

from django import template

from kapittx.money import format_amount

register = template.Library()


@register.filter
def amount(value, currency: str) -> str:
    """Return ``value`` grouped, with as many decimals as ``currency`` has: 1,234.50 EUR,
    1,235 JPY, 1,234.500 KWD ("" for no value)."""
    if value is None or value == "":
        return ""
    try:
        return format_amount(Decimal(str(value)), currency or "EUR")
    except (InvalidOperation, ValueError):
        return ""
