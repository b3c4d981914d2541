"""Each refusal says why in the words the API and the pages show, and writes nothing; and
what the ledger is given is what it stores."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.ledger import (
    MAX_AMOUNT,
    Split,
    apply,
    create_invoice,
    issue_invoice,
    record_credit_note,
    record_payment,
    void_invoice,
    write_off,
)
from receivables.models import CreditNote, Invoice
from tests.receivables.ledger.books import JAN_1, D, bill, refused, row_counts


def says(code: str, message: str, call, *args, **kwargs) -> None:
    assert refused(code, call, *args, **kwargs).message == message


def pay(tenant, customer, amount, **kw):
    return record_payment(tenant, customer, amount=amount, received_on=JAN_1, **kw)


def credit(tenant, customer, amount, number="CN-1", **kw):
    return record_credit_note(tenant, customer, number=number, amount=amount, issued_on=JAN_1, **kw)


def test_money_for_a_customer_of_another_tenant_is_refused_in_words(tenant, foreign_customer):
    why = "The customer belongs to another tenant."
    says("wrong_tenant", why, bill, tenant, foreign_customer, "INV-1", "10")
    says("wrong_tenant", why, pay, tenant, foreign_customer, "10")
    says("wrong_tenant", why, credit, tenant, foreign_customer, "10")
    assert row_counts() == (0, 0, 0) and not Invoice.objects.exists()


def test_an_amount_that_is_not_money_names_the_field_and_what_is_wrong(tenant, customer):
    says("negative_amount", "Subtotal cannot be negative: -5.", bill, tenant, customer, "I", "-5")
    says(
        "invalid_amount",
        "Tax has more decimals than EUR has (2 decimals): 0.001.",
        bill,
        tenant,
        customer,
        "I",
        "10",
        tax="0.001",
    )
    says(
        "invalid_amount",
        "Payment amount has more decimals than EUR has (2 decimals): 10.001.",
        pay,
        tenant,
        customer,
        "10.001",
    )
    says(
        "negative_amount",
        "Credit note amount cannot be negative: -1.",
        credit,
        tenant,
        customer,
        "-1",
    )
    says("invalid_amount", "Subtotal is not a number: 'ten'.", bill, tenant, customer, "I", "ten")


def test_the_decimals_allowed_are_the_currencys_own(tenant, customer):
    says(
        "invalid_amount",
        "Subtotal has more decimals than JPY has (no decimals): 1.5.",
        bill,
        tenant,
        customer,
        "I",
        "1.5",
        currency="JPY",
    )
    says(
        "invalid_amount",
        "Subtotal has more decimals than KWD has (3 decimals): 1.0005.",
        bill,
        tenant,
        customer,
        "I",
        "1.0005",
        currency="KWD",
    )
    assert bill(tenant, customer, "INV-1", "1.005", currency="kwd").total == D("1.005")


def test_amounts_up_to_twelve_digits_are_taken(tenant, customer):
    largest = MAX_AMOUNT - D("0.01")
    assert bill(tenant, customer, "INV-1", str(largest)).total == largest
    says(
        "invalid_amount",
        f"Subtotal is too large: {MAX_AMOUNT}.",
        bill,
        tenant,
        customer,
        "INV-2",
        str(MAX_AMOUNT),
    )


def test_nothing_and_backwards_dates_are_refused_in_words(tenant, customer):
    says(
        "invalid_dates",
        "The due date cannot be before the issue date.",
        bill,
        tenant,
        customer,
        "I",
        "10",
        due=date(2023, 12, 31),
    )
    says("invalid_amount", "An invoice must be for more than zero.", bill, tenant, customer, "I", 0)
    says("invalid_amount", "A payment must be more than zero.", pay, tenant, customer, "0")
    assert not Invoice.objects.exists() and row_counts() == (0, 0, 0)


def test_a_credit_note_for_nothing_is_refused(tenant, customer):
    bill(tenant, customer, "INV-1", "100")
    says("invalid_amount", "A credit note must be more than zero.", credit, tenant, customer, "0")
    assert not CreditNote.objects.exists()


def test_money_split_onto_an_invoice_it_cannot_go_to_says_which_and_why(
    tenant, customer, other_tenant, foreign_customer
):
    invoice = bill(tenant, customer, "INV-1", "100")
    theirs = create_invoice(
        other_tenant,
        foreign_customer,
        number="T-1",
        issue_date=JAN_1,
        due_date=JAN_1,
        subtotal="10",
    )
    dollars = bill(tenant, customer, "INV-2", "100", currency="USD")
    says(
        "wrong_tenant",
        "An invoice belongs to another tenant.",
        pay,
        tenant,
        customer,
        "10",
        splits=[Split(theirs, D(10))],
    )
    says(
        "currency_mismatch",
        "Invoice INV-2 is in USD, the payment in EUR.",
        pay,
        tenant,
        customer,
        "10",
        splits=[Split(dollars, D(10))],
    )
    says(
        "currency_mismatch",
        "Invoice INV-2 is in USD, the credit note in EUR.",
        credit,
        tenant,
        customer,
        "10",
        splits=[Split(dollars, D(10))],
    )
    void_invoice(invoice, JAN_1)
    says(
        "not_open",
        "Invoice INV-1 is void.",
        pay,
        tenant,
        customer,
        "10",
        splits=[Split(invoice, D(10))],
    )
    assert row_counts() == (0, 0, 0)


def test_more_than_is_left_says_how_much_is_left(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")
    says(
        "over_allocation",
        "120.00 is more than the 100.00 left on invoice INV-1.",
        pay,
        tenant,
        customer,
        "150",
        splits=[Split(invoice, D(120))],
    )
    says(
        "over_allocation",
        "100.00 is more than the 60.00 left on the payment.",
        pay,
        tenant,
        customer,
        "60",
        splits=[Split(invoice, D(100))],
    )
    note = credit(tenant, customer, "30")
    other = bill(tenant, customer, "INV-2", "50")
    says(
        "over_allocation",
        "40.00 is more than the 0.00 left on the credit note.",
        apply,
        note,
        [Split(other, D(40))],
    )


def test_an_invoice_with_money_applied_is_credited_not_voided(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")
    pay(tenant, customer, "10")
    says(
        "has_allocations",
        "Invoice INV-1 has payments or credits applied; issue a credit note instead.",
        void_invoice,
        invoice,
        JAN_1,
    )


def test_what_the_ledger_is_given_is_what_it_stores(tenant, customer):
    invoice = bill(
        tenant,
        customer,
        "INV-1",
        "100",
        external_id="ERP-1",
        po_number="PO-7",
        document_url="https://erp.example/INV-1.pdf",
    )
    invoice.refresh_from_db()
    assert (invoice.external_id, invoice.po_number, invoice.document_url) == (
        "ERP-1",
        "PO-7",
        "https://erp.example/INV-1.pdf",
    )
    payment = pay(tenant, customer, "10", reference="Wire 7", method="bank transfer")
    payment.refresh_from_db()
    assert (payment.reference, payment.method, payment.currency) == (
        "Wire 7",
        "bank transfer",
        "EUR",
    )
    note = credit(tenant, customer, "5", reason="Damaged goods")
    note.refresh_from_db()
    assert (note.reason, note.amount, note.currency) == ("Damaged goods", D(5), "EUR")


@pytest.mark.parametrize("given", ["usd", "USD"])
def test_a_currency_code_is_stored_in_capitals(tenant, customer, given):
    invoice = bill(tenant, customer, "INV-1", "10", currency=given)
    payment = pay(tenant, customer, "10", currency=given)
    note = credit(tenant, customer, "10", currency=given)
    assert invoice.currency == payment.currency == note.currency == "USD"
    assert payment.allocations.get().invoice_id == invoice.pk
    assert Decimal(note.unallocated) == D(10)


def test_refusals_of_a_state_name_the_invoice_or_note(tenant, customer, other_customer):
    draft = bill(tenant, customer, "INV-1", "50", draft=True)
    issue_invoice(draft)
    says("not_draft", "Invoice INV-1 is already issued.", issue_invoice, draft)
    void_invoice(draft, JAN_1)
    says("not_open", "Invoice INV-1 is already void.", void_invoice, draft, JAN_1)
    says("not_open", "Invoice INV-1 is void.", write_off, draft, JAN_1)
    credit(tenant, customer, "10")
    says("duplicate_number", "Credit note CN-1 already exists.", credit, tenant, customer, "10")
    theirs = bill(tenant, other_customer, "INV-2", "100")
    says(
        "wrong_customer",
        "Invoice INV-2 belongs to another customer.",
        pay,
        tenant,
        customer,
        "10",
        splits=[Split(theirs, D(10))],
    )
    mine = bill(tenant, customer, "INV-3", "100")
    says(
        "invalid_amount",
        "The amount for INV-3 is zero.",
        pay,
        tenant,
        customer,
        "10",
        splits=[Split(mine, D(0))],
    )
    says(
        "over_allocation",
        "101.00 is more than the 100.00 left on invoice INV-3.",
        pay,
        tenant,
        customer,
        "200",
        splits=[Split(mine, D(60)), Split(mine, D(41))],
    )


def test_a_payment_or_credit_note_given_no_reference_method_or_reason_keeps_none(tenant, customer):
    payment = pay(tenant, customer, "10")
    payment.refresh_from_db()
    assert (payment.reference, payment.method) == ("", "")
    note = credit(tenant, customer, "10")
    note.refresh_from_db()
    assert note.reason == ""
