"""Payments arrive in batches: applied to the invoices they name, or oldest first."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.models import Allocation, Invoice, Payment
from receivables.upsert import Refused, upsert_invoices, upsert_payments
from tests.reminders.scenario import make_customer

D = Decimal


@pytest.fixture
def books(tenant):
    make_customer(tenant, "C-1")
    make_customer(tenant, "C-2")
    upsert_invoices(
        tenant,
        [
            {
                "number": number,
                "external_id": f"X-{number}",
                "customer_external_id": customer,
                "issue_date": date(2026, 1, 1),
                "due_date": due,
                "total": D(total),
                "currency": currency,
            }
            for number, customer, due, total, currency in [
                ("OLD", "C-1", date(2026, 2, 1), "100.00", "EUR"),
                ("NEW", "C-1", date(2026, 3, 1), "100.00", "EUR"),
                ("USD", "C-1", date(2026, 1, 15), "70.00", "USD"),
                ("OTHER", "C-2", date(2026, 1, 10), "50.00", "EUR"),
            ]
        ],
    )
    return {i.number: i for i in Invoice.objects.filter(tenant=tenant)}


def _balances(tenant) -> dict[str, Decimal]:
    return dict(Invoice.objects.filter(tenant=tenant).values_list("number", "balance"))


def test_payments_without_allocations_settle_the_oldest_invoices_first(tenant, books):
    written = upsert_payments(
        tenant,
        [
            {"customer_external_id": "C-1", "amount": D("130.00"), "received_on": date(2026, 3, 2)},
            {"customer_external_id": "C-1", "amount": D("90.00"), "received_on": date(2026, 3, 3)},
        ],
    )
    assert _balances(tenant) == {"OLD": 0, "NEW": 0, "USD": 70, "OTHER": 50}
    first, second = (Payment.objects.get(pk=pk) for pk in written.ids)
    assert (first.unallocated, second.unallocated) == (D("0"), D("20"))
    assert Invoice.objects.get(number="NEW").status == "paid"
    assert list(first.allocations.values_list("invoice__number", "amount")) == [
        ("OLD", D("100")),
        ("NEW", D("30")),
    ]


def test_explicit_allocations_by_external_id_number_or_id(tenant, books):
    upsert_payments(
        tenant,
        [
            {
                "external_id": "PAY-1",
                "customer_external_id": "C-1",
                "amount": D("60.00"),
                "received_on": date(2026, 3, 2),
                "allocations": [
                    {"invoice_external_id": "X-NEW", "amount": D("25.00")},
                    {"invoice_number": "OLD", "amount": D("10.00")},
                    {"invoice": books["NEW"].pk, "amount": D("5.00")},
                ],
            }
        ],
    )
    assert _balances(tenant) == {"OLD": 90, "NEW": 70, "USD": 70, "OTHER": 50}
    assert Payment.objects.get(external_id="PAY-1").unallocated == D("20")


def test_the_batch_cannot_pay_an_invoice_more_than_its_balance_between_items(tenant, books):
    item = {
        "customer_external_id": "C-1",
        "amount": D("80.00"),
        "received_on": date(2026, 3, 2),
        "allocations": [{"invoice_number": "OLD", "amount": D("80.00")}],
    }
    with pytest.raises(Refused) as refused:
        upsert_payments(tenant, [item, item])
    assert [(e.index, e.field, e.code) for e in refused.value.errors] == [
        (1, "allocations.0.amount", "over_allocation")
    ]
    assert not Payment.objects.exists() and _balances(tenant)["OLD"] == 100


def test_every_bad_payment_is_reported(tenant, books):
    with pytest.raises(Refused) as refused:
        upsert_payments(
            tenant,
            [
                {"customer_external_id": "C-1", "amount": D("0"), "received_on": date(2026, 3, 1)},
                {"customer_external_id": "C-9", "amount": D("5"), "received_on": date(2026, 3, 1)},
                {
                    "customer_external_id": "C-1",
                    "amount": D("5"),
                    "received_on": date(2026, 3, 1),
                    "allocations": [
                        {"invoice_number": "USD", "amount": D("5")},
                        {"invoice_number": "OTHER", "amount": D("5")},
                        {"invoice_number": "OLD", "amount": D("6")},
                    ],
                },
                {"customer_external_id": "C-1", "amount": D("5")},
            ],
        )
    assert [(e.index, e.field, e.code) for e in refused.value.errors] == [
        (0, "amount", "invalid_amount"),
        (1, "customer_external_id", "unknown_customer"),
        (2, "allocations", "over_allocation"),
        (2, "allocations.0.invoice", "currency_mismatch"),
        (2, "allocations.1.invoice", "unknown_invoice"),
        (3, "received_on", "required"),
    ]
    assert not Payment.objects.exists() and not Allocation.objects.exists()


def test_a_recorded_payment_keeps_its_amount_and_may_change_its_reference(tenant, books):
    item = {
        "external_id": "PAY-1",
        "customer_external_id": "C-1",
        "amount": D("50.00"),
        "received_on": date(2026, 3, 2),
    }
    upsert_payments(tenant, [item])
    again = upsert_payments(tenant, [item])
    assert (again.created, again.unchanged) == (0, 1)
    assert _balances(tenant)["OLD"] == 50
    renamed = upsert_payments(tenant, [{**item, "reference": "BANK-77"}])
    assert renamed.updated == 1 and Payment.objects.get().reference == "BANK-77"
    with pytest.raises(Refused) as refused:
        upsert_payments(tenant, [{**item, "amount": D("55.00")}])
    assert [(e.field, e.code) for e in refused.value.errors] == [("amount", "payment_changed")]


def test_a_payment_cannot_reach_another_tenants_invoice(tenant, other_tenant, books):
    make_customer(other_tenant, "C-1")
    with pytest.raises(Refused):
        upsert_payments(
            other_tenant,
            [
                {
                    "customer_external_id": "C-1",
                    "amount": D("10"),
                    "received_on": date(2026, 3, 1),
                    "allocations": [{"invoice": books["OLD"].pk, "amount": D("10")}],
                }
            ],
        )
    assert _balances(tenant)["OLD"] == 100


def test_keys_no_row_can_have_are_refused_by_the_checks_not_the_database(tenant, books):
    """A NUL or an over-long key is never sent to the database (PostgreSQL refuses NUL in
    text): the item is refused with its reason."""
    from receivables.upsert import upsert_customers

    with pytest.raises(Refused) as refused:
        upsert_payments(
            tenant,
            [
                {
                    "external_id": "P\x00",
                    "customer_external_id": "C\x00" + "x" * 200,
                    "amount": D("1"),
                    "received_on": date(2026, 3, 1),
                    "allocations": [{"invoice_external_id": "X\x00", "amount": D("1")}],
                }
            ],
        )
    assert {e.field for e in refused.value.errors} >= {"customer_external_id"}
    with pytest.raises(Refused) as refused:
        upsert_customers(tenant, [{"external_id": "C\x00", "name": "Nul"}])
    assert [(e.field, e.code) for e in refused.value.errors] == [("external_id", "invalid")]
    with pytest.raises(Refused):
        upsert_invoices(tenant, [{"number": "N\x00", "external_id": "E\x00", "customer": 2**70}])
