"""Amounts of a unit or less count like any other: the tax is stored, and the last cents of
a payment settle the invoice they reach."""

from datetime import date
from decimal import Decimal

from receivables.ledger import record_payment
from receivables.models import InvoiceStatus
from tests.receivables.ledger.books import bill, figures

D = Decimal


def test_an_invoice_keeps_its_tax_and_its_total_includes_it(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100.00", tax="19.00")

    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax, invoice.total) == (D("100"), D("19"), D("119"))


def test_the_last_cents_of_a_payment_reach_the_next_invoice_oldest_first(tenant, customer):
    oldest = bill(tenant, customer, "INV-1", "10.00", due=date(2024, 1, 31))
    next_due = bill(tenant, customer, "INV-2", "10.00", due=date(2024, 2, 29))

    payment = record_payment(tenant, customer, amount="10.50", received_on=date(2024, 2, 1))

    assert figures(oldest)[::4] == (D(0), InvoiceStatus.PAID)
    assert figures(next_due)[:2] == (D("9.50"), D("0.50"))
    assert figures(next_due)[4] == InvoiceStatus.PARTIALLY_PAID
    assert payment.unallocated == 0
