"""Money and dates in the customer's language, rounded half up."""

from datetime import date
from decimal import Decimal

import pytest

from reminders.messages.context import sample_context
from reminders.messages.render import pick_template, render
from reminders.models import Template
from tests.reminders.messages.sample import context_for


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "EUR", "€1,234,567.50"),
        ("de", "EUR", "1.234.567,50\xa0€"),
        ("de-AT", "EUR", "€\xa01.234.567,50"),
        ("nl", "EUR", "€\xa01.234.567,50"),
        ("fr", "EUR", "1\u202f234\u202f567,50\xa0€"),
        # ISO 4217 minor units: none for the yen, three for the Kuwaiti dinar.
        ("en", "JPY", "¥1,234,568"),
        ("en", "KWD", "KWD1,234,567.500"),
        ("de", "BHD", "1.234.567,500\xa0BHD"),
        ("xx", "USD", "$1,234,567.50"),
    ],
)
def test_money_follows_the_customers_language(language, currency, expected):
    template = Template(language=language, body_text="{{ amount|money(currency) }}")
    context = {**sample_context(language), "amount": Decimal("1234567.50"), "currency": currency}
    assert render(template, context).body_text == expected


@pytest.mark.parametrize(
    ("language", "style", "expected"),
    [
        ("en", "long", "March 2, 2026"),
        ("de", "long", "2. März 2026"),
        ("de", "short", "02.03.2026"),
        ("fr", "long", "2 mars 2026"),
    ],
)
def test_dates_follow_the_customers_language(language, style, expected):
    template = Template(language=language, body_text="{{ day|date(style) }}")
    context = {**sample_context(language), "day": date(2026, 3, 2), "style": style}
    assert render(template, context).body_text == expected


def test_the_customers_regional_format_is_kept_in_a_template_of_its_language(tenant, account):
    customer, contact, invoices = account
    customer.language = "de-CH"
    message = render(pick_template(tenant, "overdue-polite", "de-CH"), context_for(tenant, account))
    assert "Offen gesamt: EUR\xa0850.00" in message.body_text
    swiss = Template(language="de", body_text="{{ 1000|money('EUR') }}")
    assert render(swiss, context_for(tenant, account)).body_text == "EUR\xa01'000.00"


def test_a_fallback_template_formats_numbers_in_its_own_language(tenant, account):
    customer, contact, invoices = account
    customer.language = "fr"
    message = render(pick_template(tenant, "overdue-polite", "fr"), context_for(tenant, account))
    assert "Total due: €850.00" in message.body_text


@pytest.mark.parametrize("amount", ["0.005", "0.015", "2.675"])
def test_money_rounds_half_up_rather_than_cutting(amount):
    template = Template(language="en", body_text="{{ amount|money('EUR') }}")
    context = {**sample_context("en"), "amount": Decimal(amount)}
    expected = str(Decimal(amount).quantize(Decimal("0.01"), "ROUND_HALF_UP"))
    assert render(template, context).body_text == f"€{expected}"
