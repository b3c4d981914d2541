"""The hourly habits refresh costs what changed: a tenant whose books did not move gets no
refresh; an invoice paid, changed in bulk or deleted brings its tenant into the next one; the
oldest counted payment leaving the year brings it back on that day; and a payment landing
while a refresh runs is not lost."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from kapittx.localtime import start_of_day
from receivables import behaviour, ledger
from receivables.behaviour import habits_due, refresh_payment_habits
from receivables.models import Customer, HabitsRefresh, Invoice
from receivables.tasks import refresh_habits
from receivables.upsert import upsert_payments
from tests.eager_tasks import run_at_once
from tests.receivables.test_behaviour import pay_late


@pytest.fixture
def refreshed():
    """Run the refreshes the hourly task starts at once, as a worker would; list their
    tenants."""
    with run_at_once("receivables.refresh_tenant_habits") as tenants:
        yield tenants


def customer_of(tenant, key: str = "L") -> Customer:
    return Customer.objects.create(tenant=tenant, external_id=key, name=key, currency="EUR")


def open_invoice(customer, number: str) -> Invoice:
    return ledger.create_invoice(
        customer.tenant,
        customer,
        number=number,
        issue_date=timezone.localdate() - timedelta(days=40),
        due_date=timezone.localdate() - timedelta(days=10),
        subtotal=Decimal("100.00"),
    )


def test_a_tenant_whose_books_did_not_move_gets_no_refresh(tenant, other_tenant, refreshed):
    late = customer_of(tenant)
    pay_late(tenant, late, "INV-1", 20)

    assert refresh_habits() == 1  # the payment brought Acme in; Globex has nothing
    assert refreshed == [tenant.pk]
    late.refresh_from_db()
    assert late.average_days_late == Decimal("20.0")

    refreshed.clear()
    assert refresh_habits() == 0
    assert refreshed == []
    assert not HabitsRefresh.objects.filter(tenant=other_tenant).exists()


def test_an_invoice_paid_after_a_refresh_brings_only_its_tenant_back(
    tenant, other_tenant, refreshed
):
    ours, theirs = customer_of(tenant), customer_of(other_tenant)
    pay_late(tenant, ours, "INV-1", 0)
    pay_late(other_tenant, theirs, "INV-1", 0)
    assert refresh_habits() == 2
    refreshed.clear()

    pay_late(tenant, ours, "INV-2", 30)

    assert refresh_habits() == 1
    assert refreshed == [tenant.pk]
    ours.refresh_from_db()
    assert (ours.average_days_late, ours.share_paid_late) == (Decimal("15.0"), Decimal("50.0"))


def test_payments_written_in_bulk_bring_their_tenant_back(tenant, refreshed):
    customer = customer_of(tenant)
    invoice = open_invoice(customer, "INV-1")
    refresh_payment_habits(tenant)
    assert habits_due(timezone.now()) == []

    upsert_payments(
        tenant,
        [
            {
                "customer_external_id": "L",
                "amount": Decimal("100.00"),
                "received_on": timezone.localdate(),
            }
        ],
    )

    invoice.refresh_from_db()
    assert invoice.status == "paid"
    assert habits_due(timezone.now()) == [tenant.pk]


def test_deleting_an_invoice_brings_its_tenant_back(tenant):
    invoice = open_invoice(customer_of(tenant), "INV-1")
    refresh_payment_habits(tenant)
    assert habits_due(timezone.now()) == []

    invoice.delete()

    assert habits_due(timezone.now()) == [tenant.pk]


def test_the_oldest_payment_leaving_the_year_brings_the_refresh_back_that_day(tenant):
    late = customer_of(tenant)
    pay_late(tenant, late, "INV-1", 20)
    paid_on = Invoice.objects.get(number="INV-1").paid_on
    refresh_payment_habits(tenant)

    # The payment counts for a year: the day after it, the refresh is due again.
    moment = HabitsRefresh.objects.get(tenant=tenant).due_at
    assert moment == start_of_day(paid_on + timedelta(days=366), tenant.time_zone)
    assert habits_due(moment - timedelta(seconds=1)) == []
    assert habits_due(moment) == [tenant.pk]

    refresh_payment_habits(tenant, today=paid_on + timedelta(days=365))
    late.refresh_from_db()
    assert late.average_days_late == Decimal("20.0")
    refresh_payment_habits(tenant, today=paid_on + timedelta(days=366))
    late.refresh_from_db()
    assert late.average_days_late is None
    assert HabitsRefresh.objects.get(tenant=tenant).due_at is None  # nothing left to age out


@pytest.mark.django_db(transaction=True)
def test_a_payment_landing_while_a_refresh_runs_is_not_lost(postgres, tenant, monkeypatch):
    customer = customer_of(tenant)
    pay_late(tenant, customer, "INV-1", 20)
    second = open_invoice(customer, "INV-2")  # Acme is due now
    read, finish = threading.Event(), threading.Event()
    payment_behaviour = behaviour.payment_behaviour

    def slow_behaviour(*args, **kwargs):
        found = payment_behaviour(*args, **kwargs)
        read.set()
        assert finish.wait(10)
        return found

    monkeypatch.setattr(behaviour, "payment_behaviour", slow_behaviour)

    def refresh() -> None:
        try:
            refresh_payment_habits(tenant)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        refreshing = pool.submit(refresh)
        assert read.wait(10)
        # Paid after the refresh read the books, before it ends.
        ledger.record_payment(
            tenant,
            customer,
            amount="100.00",
            received_on=timezone.localdate(),
            splits=[ledger.Split(second, Decimal("100.00"))],
        )
        finish.set()
        refreshing.result()

    # The refresh did not count that payment: the next one must.
    assert habits_due(timezone.now()) == [tenant.pk]
    refresh_payment_habits(tenant)
    customer.refresh_from_db()
    assert customer.average_days_late == Decimal("15.0")  # 20 and 10 days late
    assert habits_due(timezone.now()) == []
