"""The ledger applies payments and credit notes — as split, or oldest due first — and never
lets an invoice be paid more than it owes."""

from datetime import date

import pytest

from receivables.ledger import (
    Split,
    apply,
    record_credit_note,
    record_payment,
    void_invoice,
    write_off,
)
from receivables.models import Allocation, CreditNote, InvoiceStatus
from tests.receivables.ledger.books import (
    JAN_1,
    D,
    bill,
    figures,
    refused,
    row_counts,
)


def test_it_applies_a_payment_exactly_as_split(tenant, customer):
    first = bill(tenant, customer, "INV-1", "100")
    second = bill(tenant, customer, "INV-2", "200")

    payment = record_payment(
        tenant,
        customer,
        amount="300",
        received_on=date(2024, 2, 5),
        splits=[Split(first, D("100")), Split(second, D("150"))],
    )

    assert figures(first) == (D(0), D(100), D(0), D(0), InvoiceStatus.PAID, date(2024, 2, 5))
    assert figures(second) == (D(50), D(150), D(0), D(0), InvoiceStatus.PARTIALLY_PAID, None)
    assert payment.unallocated == D("50.00")
    payment.refresh_from_db()
    assert payment.unallocated == D("50.00")
    assert sorted(payment.allocations.values_list("invoice__number", "amount", "applied_on")) == [
        ("INV-1", D(100), date(2024, 2, 5)),
        ("INV-2", D(150), date(2024, 2, 5)),
    ]


def test_it_marks_an_invoice_partially_paid_then_paid_on_the_last_payment_date(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")

    record_payment(
        tenant,
        customer,
        amount="40",
        received_on=date(2024, 2, 1),
        splits=[Split(invoice, D("40"))],
    )
    assert figures(invoice) == (D(60), D(40), D(0), D(0), InvoiceStatus.PARTIALLY_PAID, None)

    record_payment(
        tenant,
        customer,
        amount="60",
        received_on=date(2024, 3, 9),
        splits=[Split(invoice, D("60"))],
    )
    assert figures(invoice) == (D(0), D(100), D(0), D(0), InvoiceStatus.PAID, date(2024, 3, 9))


def test_it_dates_a_settled_invoice_by_its_latest_allocation_not_the_latest_recorded(
    tenant, customer
):
    # given a payment recorded after a back-dated one
    invoice = bill(tenant, customer, "INV-1", "100")
    record_payment(
        tenant,
        customer,
        amount="50",
        received_on=date(2024, 3, 1),
        splits=[Split(invoice, D("50"))],
    )

    # when the back-dated payment settles the rest
    record_payment(
        tenant,
        customer,
        amount="50",
        received_on=date(2024, 2, 1),
        splits=[Split(invoice, D("50"))],
    )

    # then the invoice was paid on the later of the two dates
    assert figures(invoice)[4:] == (InvoiceStatus.PAID, date(2024, 3, 1))


def test_it_refuses_more_than_an_invoice_balance_and_writes_nothing(tenant, customer):
    # given an invoice that is already part paid
    invoice = bill(tenant, customer, "INV-1", "100")
    record_payment(
        tenant,
        customer,
        amount="30",
        received_on=date(2024, 2, 1),
        splits=[Split(invoice, D("30"))],
    )
    before, counts = figures(invoice), row_counts()

    # when a payment tries to apply more than the 70 left
    refused(
        "over_allocation",
        record_payment,
        tenant,
        customer,
        amount="100",
        received_on=date(2024, 2, 2),
        splits=[Split(invoice, D("70.01"))],
    )

    # then neither the payment nor an allocation exists and the invoice is as it was
    assert row_counts() == counts
    assert (
        figures(invoice) == before == (D(70), D(30), D(0), D(0), InvoiceStatus.PARTIALLY_PAID, None)
    )


def test_it_refuses_two_splits_that_together_exceed_an_invoice_balance(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")

    refused(
        "over_allocation",
        record_payment,
        tenant,
        customer,
        amount="200",
        received_on=date(2024, 2, 2),
        splits=[Split(invoice, D("60")), Split(invoice, D("41"))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(invoice)[:1] == (D(100),)


def test_it_refuses_splits_that_exceed_the_payment_and_writes_nothing(tenant, customer):
    first = bill(tenant, customer, "INV-1", "100")
    second = bill(tenant, customer, "INV-2", "100")

    refused(
        "over_allocation",
        record_payment,
        tenant,
        customer,
        amount="150",
        received_on=date(2024, 2, 2),
        splits=[Split(first, D("100")), Split(second, D("50.01"))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(first) == figures(second) == (D(100), D(0), D(0), D(0), InvoiceStatus.OPEN, None)


def test_it_refuses_a_payment_in_another_currency_than_the_invoice(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")

    refused(
        "currency_mismatch",
        record_payment,
        tenant,
        customer,
        amount="100",
        currency="USD",
        received_on=date(2024, 2, 2),
        splits=[Split(invoice, D("100"))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(invoice)[4] == InvoiceStatus.OPEN


@pytest.mark.parametrize(("amount", "code"), [("-5", "negative_amount"), ("0", "invalid_amount")])
def test_it_refuses_a_payment_that_is_not_positive(tenant, customer, amount, code):
    bill(tenant, customer, "INV-1", "100")

    refused(code, record_payment, tenant, customer, amount=amount, received_on=JAN_1)

    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize(("part", "code"), [("-5", "negative_amount"), ("0", "invalid_amount")])
def test_it_refuses_a_split_that_is_not_positive(tenant, customer, part, code):
    invoice = bill(tenant, customer, "INV-1", "100")

    refused(
        code,
        record_payment,
        tenant,
        customer,
        amount="10",
        received_on=JAN_1,
        splits=[Split(invoice, D(part))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(invoice)[:1] == (D(100),)


def test_it_refuses_to_apply_a_payment_to_another_customers_invoice(
    tenant, customer, other_customer
):
    theirs = bill(tenant, other_customer, "INV-1", "100")

    refused(
        "wrong_customer",
        record_payment,
        tenant,
        customer,
        amount="100",
        received_on=JAN_1,
        splits=[Split(theirs, D("100"))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(theirs)[:1] == (D(100),)


def test_it_refuses_to_apply_a_payment_to_another_tenants_invoice(
    tenant, other_tenant, customer, foreign_customer
):
    theirs = bill(other_tenant, foreign_customer, "INV-1", "100")

    refused(
        "wrong_tenant",
        record_payment,
        tenant,
        customer,
        amount="100",
        received_on=JAN_1,
        splits=[Split(theirs, D("100"))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(theirs)[:1] == (D(100),)


def test_it_refuses_a_payment_from_a_customer_of_another_tenant(tenant, foreign_customer):
    refused(
        "wrong_tenant", record_payment, tenant, foreign_customer, amount="10", received_on=JAN_1
    )

    assert row_counts() == (0, 0, 0)


@pytest.mark.parametrize("state", ["paid", "void", "draft", "written_off"])
def test_it_refuses_to_apply_money_to_an_invoice_that_is_not_open(tenant, customer, state):
    # given an invoice in the state under test
    invoice = bill(tenant, customer, "INV-1", "100", draft=state == "draft")
    if state == "paid":
        record_payment(
            tenant, customer, amount="100", received_on=JAN_1, splits=[Split(invoice, D("100"))]
        )
    elif state == "void":
        void_invoice(invoice, JAN_1)
    elif state == "written_off":
        write_off(invoice, JAN_1)
    before, counts = figures(invoice), row_counts()

    # when a payment names it
    refused(
        "not_open",
        record_payment,
        tenant,
        customer,
        amount="1",
        received_on=JAN_1,
        splits=[Split(invoice, D("1"))],
    )

    # then nothing changed
    assert figures(invoice) == before
    assert row_counts() == counts


def test_it_settles_the_oldest_due_date_first_and_keeps_the_rest_unallocated(tenant, customer):
    # given three invoices created out of due-date order
    late = bill(tenant, customer, "INV-1", "100", due=date(2024, 3, 31))
    oldest = bill(tenant, customer, "INV-2", "100", due=date(2024, 1, 31))
    middle = bill(tenant, customer, "INV-3", "100", due=date(2024, 2, 29))

    # when 150 arrives without instructions
    payment = record_payment(tenant, customer, amount="150", received_on=date(2024, 2, 10))

    # then the oldest is paid, the next is half paid, the latest untouched, nothing left over
    assert figures(oldest)[::4] == (D(0), InvoiceStatus.PAID)
    assert figures(middle)[::4] == (D(50), InvoiceStatus.PARTIALLY_PAID)
    assert figures(late)[::4] == (D(100), InvoiceStatus.OPEN)
    assert payment.unallocated == 0


def test_it_breaks_a_due_date_tie_by_issue_date(tenant, customer):
    newer = bill(tenant, customer, "INV-1", "100", issued=date(2024, 1, 10))
    older = bill(tenant, customer, "INV-2", "100", issued=date(2024, 1, 5))

    record_payment(tenant, customer, amount="100", received_on=date(2024, 2, 1))

    assert figures(older)[4] == InvoiceStatus.PAID
    assert figures(newer)[4] == InvoiceStatus.OPEN


def test_it_keeps_what_is_left_after_settling_everything_as_unallocated(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")

    payment = record_payment(tenant, customer, amount="130.50", received_on=date(2024, 2, 1))

    assert figures(invoice)[::4] == (D(0), InvoiceStatus.PAID)
    assert payment.unallocated == D("30.50")
    payment.refresh_from_db()
    assert payment.unallocated == D("30.50")


def test_it_applies_oldest_first_only_to_open_invoices_of_the_customer_in_its_currency(
    tenant, customer, other_customer
):
    # given invoices the payment must not touch, all older than the one it may
    skipped = [
        bill(tenant, customer, "USD-1", "100", due=JAN_1, currency="USD"),
        bill(tenant, other_customer, "THEIRS-1", "100", due=JAN_1),
        bill(tenant, customer, "DRAFT-1", "100", due=JAN_1, draft=True),
        void_invoice(bill(tenant, customer, "VOID-1", "100", due=JAN_1), JAN_1),
        write_off(bill(tenant, customer, "WO-1", "100", due=JAN_1), JAN_1),
    ]
    before = [figures(invoice) for invoice in skipped]
    target = bill(tenant, customer, "INV-1", "100", due=date(2024, 6, 30))

    # when a EUR payment arrives without instructions
    payment = record_payment(tenant, customer, amount="250", received_on=date(2024, 2, 1))

    # then only the open EUR invoice of this customer is paid and the rest waits on the payment
    assert [figures(invoice) for invoice in skipped] == before
    assert figures(target)[::4] == (D(0), InvoiceStatus.PAID)
    assert payment.unallocated == D(150)


def test_it_applies_the_unallocated_remainder_of_a_payment_later(tenant, customer):
    # given a payment that arrived before any invoice
    payment = record_payment(tenant, customer, amount="300", received_on=date(2024, 1, 15))
    assert payment.unallocated == D(300)
    first = bill(tenant, customer, "INV-1", "100", due=date(2024, 1, 31))
    second = bill(tenant, customer, "INV-2", "500", due=date(2024, 2, 29))

    # when part is applied by hand and the rest oldest first
    made = apply(payment, [Split(second, D("50"))])
    assert [a.amount for a in made] == [D(50)]
    assert payment.unallocated == D(250)
    apply(payment)

    # then the first invoice is paid, the second has 50 + 150 on it and nothing is left
    assert figures(first) == (D(0), D(100), D(0), D(0), InvoiceStatus.PAID, date(2024, 1, 15))
    assert figures(second)[:2] == (D(300), D(200))
    payment.refresh_from_db()
    assert payment.unallocated == 0
    assert payment.allocations.count() == 3


def test_it_refuses_to_apply_more_than_the_remainder_of_a_payment(tenant, customer):
    payment = record_payment(tenant, customer, amount="40", received_on=JAN_1)
    invoice = bill(tenant, customer, "INV-1", "100")

    refused("over_allocation", apply, payment, [Split(invoice, D("40.01"))])

    payment.refresh_from_db()
    assert payment.unallocated == D(40)
    assert figures(invoice)[:1] == (D(100),)
    assert not Allocation.objects.exists()


def test_a_credit_note_reduces_the_balance_as_credit_not_payment(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")

    note = record_credit_note(
        tenant,
        customer,
        number="CN-1",
        amount="30",
        issued_on=date(2024, 1, 20),
        splits=[Split(invoice, D("30"))],
    )

    assert figures(invoice) == (D(70), D(0), D(30), D(0), InvoiceStatus.PARTIALLY_PAID, None)
    assert note.unallocated == 0
    assert note.allocations.get().applied_on == date(2024, 1, 20)


def test_a_credit_note_and_a_payment_settle_an_invoice_together(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")
    record_payment(tenant, customer, amount="80", received_on=date(2024, 1, 10))

    record_credit_note(tenant, customer, number="CN-1", amount="50", issued_on=date(2024, 1, 25))

    assert figures(invoice) == (D(0), D(80), D(20), D(0), InvoiceStatus.PAID, date(2024, 1, 25))
    assert CreditNote.objects.get().unallocated == D(30)


def test_it_refuses_a_duplicate_credit_note_number(tenant, customer):
    record_credit_note(tenant, customer, number="CN-1", amount="10", issued_on=JAN_1)

    refused(
        "duplicate_number",
        record_credit_note,
        tenant,
        customer,
        number="CN-1",
        amount="10",
        issued_on=JAN_1,
    )

    assert CreditNote.objects.count() == 1


def test_it_refuses_a_credit_note_beyond_the_invoice_balance_and_writes_nothing(tenant, customer):
    invoice = bill(tenant, customer, "INV-1", "100")

    refused(
        "over_allocation",
        record_credit_note,
        tenant,
        customer,
        number="CN-1",
        amount="150",
        issued_on=JAN_1,
        splits=[Split(invoice, D("120"))],
    )

    assert row_counts() == (0, 0, 0)
    assert figures(invoice)[:3] == (D(100), D(0), D(0))
