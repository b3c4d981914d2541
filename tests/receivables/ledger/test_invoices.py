"""The ledger creates, voids and writes off invoices, refusing what would make a balance untrue."""

from datetime import date

import pytest

from receivables.ledger import (
    create_invoice,
    issue_invoice,
    record_credit_note,
    record_payment,
    void_invoice,
    write_off,
)
from receivables.models import Invoice, InvoiceStatus
from tests.receivables.ledger.books import (
    JAN_1,
    D,
    bill,
    figures,
    refused,
)


def test_it_creates_an_open_invoice_that_owes_its_total(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100.00", tax="19.00")

    invoice.refresh_from_db()
    assert invoice.total == D("119.00")
    assert invoice.balance == D("119.00")
    assert invoice.status == InvoiceStatus.OPEN
    assert invoice.currency == "EUR"
    assert (invoice.amount_paid, invoice.amount_credited, invoice.amount_written_off) == (0, 0, 0)
    assert invoice.tenant_id == tenant.pk


def test_it_creates_a_draft_when_asked_and_issues_it_later(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "50", draft=True)
    assert invoice.status == InvoiceStatus.DRAFT

    issued = issue_invoice(invoice)

    assert issued.status == InvoiceStatus.OPEN
    assert figures(invoice)[:1] == (D("50.00"),)
    refused("not_draft", issue_invoice, invoice)


def test_it_bills_in_the_currency_given_rather_than_the_customers(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "10", currency="USD")

    assert invoice.currency == "USD"


def test_it_accepts_a_due_date_on_the_issue_date(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "10", issued=JAN_1, due=JAN_1)

    assert invoice.due_date == invoice.issue_date


def test_it_refuses_a_due_date_before_the_issue_date(tenant, customer):
    refused("invalid_dates", bill, tenant, customer, "INV-1", "10", due=date(2023, 12, 31))

    assert not Invoice.objects.exists()


def test_it_refuses_a_duplicate_invoice_number_within_a_tenant(tenant, customer, other_customer):
    bill(tenant, customer, "INV-1", "10")

    refused("duplicate_number", bill, tenant, other_customer, "INV-1", "20")

    assert Invoice.objects.count() == 1


def test_it_allows_the_same_invoice_number_in_another_tenant(
    tenant, other_tenant, customer, foreign_customer
):
    bill(tenant, customer, "INV-1", "10")

    bill(other_tenant, foreign_customer, "INV-1", "10")

    assert Invoice.objects.filter(number="INV-1").count() == 2


@pytest.mark.parametrize("field", ["subtotal", "tax"])
def test_it_refuses_a_negative_invoice_amount(tenant, customer, field):
    amounts = {"subtotal": "100", "tax": "0", field: "-1.00"}

    refused(
        "negative_amount",
        create_invoice,
        tenant,
        customer,
        number="INV-1",
        issue_date=JAN_1,
        due_date=JAN_1,
        **amounts,
    )

    assert not Invoice.objects.exists()


@pytest.mark.parametrize("value", ["10.005", "ten", "NaN", "Infinity"])
def test_it_refuses_an_amount_that_is_not_whole_cents(tenant, customer, value):
    refused("invalid_amount", bill, tenant, customer, "INV-1", value)


def test_it_refuses_an_invoice_for_nothing(tenant, customer):
    refused("invalid_amount", bill, tenant, customer, "INV-1", "0.00")

    assert not Invoice.objects.exists()


def test_it_refuses_to_bill_a_customer_of_another_tenant(tenant, foreign_customer):
    refused("wrong_tenant", bill, tenant, foreign_customer, "INV-1", "10")

    assert not Invoice.objects.exists()


@pytest.mark.parametrize("draft", [False, True])
def test_it_voids_an_invoice_nothing_was_applied_to(tenant, customer, draft):
    invoice = bill(tenant, customer, "INV-1", "100", draft=draft)

    void_invoice(invoice, date(2024, 1, 5))

    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance, invoice.voided_on) == (
        InvoiceStatus.VOID,
        D(0),
        date(2024, 1, 5),
    )
    assert invoice.total == D(100)


def test_it_refuses_to_void_an_invoice_with_a_payment_applied(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")
    record_payment(tenant, customer, amount="10", received_on=JAN_1)
    before = figures(invoice)

    refused("has_allocations", void_invoice, invoice, JAN_1)

    assert figures(invoice) == before
    invoice.refresh_from_db()
    assert invoice.voided_on is None


def test_it_refuses_to_void_a_written_off_invoice(tenant, customer):
    invoice = write_off(bill(tenant, customer, "INV-1", "100"), JAN_1)

    refused("has_allocations", void_invoice, invoice, JAN_1)

    assert figures(invoice)[4] == InvoiceStatus.WRITTEN_OFF


def test_it_refuses_to_void_an_invoice_twice(tenant, customer):
    invoice = void_invoice(bill(tenant, customer, "INV-1", "100"), JAN_1)

    refused("not_open", void_invoice, invoice, date(2024, 2, 1))

    invoice.refresh_from_db()
    assert invoice.voided_on == JAN_1


def test_it_writes_off_what_is_left_and_keeps_what_was_paid(tenant, customer):
    # given an invoice paid 40 of 100
    invoice = bill(tenant, customer, "INV-1", "100")
    record_payment(tenant, customer, amount="40", received_on=date(2024, 2, 1))

    # when the rest is written off
    write_off(invoice, date(2024, 6, 30))

    # then the 60 that was still owed is the write-off and nothing is owed
    invoice.refresh_from_db()
    assert figures(invoice) == (D(0), D(40), D(0), D(60), InvoiceStatus.WRITTEN_OFF, None)
    assert invoice.written_off_on == date(2024, 6, 30)


@pytest.mark.parametrize("state", ["paid", "void", "draft", "written_off"])
def test_it_refuses_to_write_off_an_invoice_that_is_not_open(tenant, customer, state):
    invoice = bill(tenant, customer, "INV-1", "100", draft=state == "draft")
    if state == "paid":
        record_payment(tenant, customer, amount="100", received_on=JAN_1)
    elif state == "void":
        void_invoice(invoice, JAN_1)
    elif state == "written_off":
        write_off(invoice, JAN_1)
    before = figures(invoice)

    refused("not_open", write_off, invoice, date(2024, 2, 1))

    assert figures(invoice) == before


def test_it_writes_off_only_what_payments_and_credits_left(tenant, customer):
    # given an invoice of 100 paid 40 and credited 25
    invoice = bill(tenant, customer, "INV-1", "100")
    record_payment(tenant, customer, amount="40", received_on=date(2024, 2, 1))
    record_credit_note(tenant, customer, number="CN-1", amount="25", issued_on=date(2024, 2, 2))

    # when the rest is written off
    write_off(invoice, date(2024, 6, 30))

    # then the write-off is the 35 that was left: 100 - 40 - 25
    assert figures(invoice) == (D(0), D(40), D(25), D(35), InvoiceStatus.WRITTEN_OFF, None)
