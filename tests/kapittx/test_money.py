"""Every currency with its own minor units: stored exactly, refused beyond them, shown with
them (ISO 4217, from Babel's CLDR data)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from kapittx.money import decimals, format_amount, format_money
from receivables import ledger
from receivables.models import Customer, Invoice


@pytest.mark.parametrize(("currency", "places"), [("EUR", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3)])
def test_each_currency_has_its_iso_4217_minor_units(currency, places):
    assert decimals(currency) == places


def test_amounts_are_written_with_their_units_rounded_half_up():
    assert format_money(Decimal("1234.5675"), "KWD", "en") == "KWD1,234.568"
    assert format_money(Decimal("1234.5"), "JPY", "en") == "¥1,235"
    assert format_money(Decimal("1234.5"), "EUR", "de") == "1.234,50\xa0€"
    assert format_amount(Decimal("0.5"), "BHD") == "0.500"


@pytest.fixture
def kuwaiti(tenant):
    return Customer.objects.create(tenant=tenant, external_id="KW-1", name="Gulf", currency="KWD")


def test_a_three_decimal_currency_is_stored_and_paid_exactly(tenant, kuwaiti):
    invoice = ledger.create_invoice(
        tenant,
        kuwaiti,
        number="KW-1",
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31),
        subtotal="10.005",
    )
    ledger.record_payment(tenant, kuwaiti, amount="0.001", received_on=date(2026, 3, 2))
    invoice.refresh_from_db()
    assert (invoice.total, invoice.balance) == (Decimal("10.005"), Decimal("10.004"))


@pytest.mark.parametrize(("currency", "amount"), [("JPY", "10.5"), ("EUR", "10.005")])
def test_an_amount_finer_than_its_currency_is_refused(tenant, currency, amount):
    customer = Customer.objects.create(
        tenant=tenant, external_id="C-1", name="C", currency=currency
    )
    with pytest.raises(ledger.LedgerError, match=f"more decimals than {currency} has"):
        ledger.create_invoice(
            tenant,
            customer,
            number="INV-1",
            issue_date=date(2026, 3, 1),
            due_date=date(2026, 3, 31),
            subtotal=amount,
        )
    assert not Invoice.objects.exists()


def test_pages_show_an_amount_with_its_currencys_units(client, tenant, owner, kuwaiti):
    ledger.create_invoice(
        tenant,
        kuwaiti,
        number="KW-1",
        issue_date=date(2026, 3, 1),
        due_date=date(2026, 3, 31),
        subtotal="1234.5",
    )
    client.force_login(owner)
    page = client.get(
        reverse("customer_detail", kwargs={"tenant_slug": tenant.slug, "customer_id": kuwaiti.pk})
    ).content.decode()
    assert "1,234.500 KWD" in page and ">1,234.500<" in page
