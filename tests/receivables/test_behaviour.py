from datetime import date, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from receivables import ledger
from receivables.behaviour import refresh_payment_habits
from receivables.models import Customer
from receivables.signals import customers_changed
from receivables.tasks import refresh_tenant_habits
from reminders.setup.segments import customers_matching


def pay_late(tenant, customer, number: str, days_late: int) -> None:
    due = timezone.localdate() - timedelta(days=60)
    invoice = ledger.create_invoice(
        tenant,
        customer,
        number=number,
        issue_date=due - timedelta(days=30),
        due_date=due,
        subtotal=Decimal("100.00"),
    )
    ledger.record_payment(
        tenant,
        customer,
        amount="100.00",
        received_on=due + timedelta(days=days_late),
        splits=[ledger.Split(invoice, Decimal("100.00"))],
    )


def test_the_hourly_refresh_stores_habits_for_segment_rules(tenant, other_tenant):
    late = Customer.objects.create(tenant=tenant, external_id="L", name="Late", currency="EUR")
    prompt = Customer.objects.create(tenant=tenant, external_id="P", name="Prompt", currency="EUR")
    pay_late(tenant, late, "INV-1", 20)
    pay_late(tenant, late, "INV-2", 0)
    pay_late(tenant, prompt, "INV-3", 0)
    refresh_tenant_habits(tenant.pk)
    late.refresh_from_db()
    # 20 and 0 days late: 10.0 on average, one of two paid late.
    assert (late.average_days_late, late.share_paid_late) == (Decimal("10.0"), Decimal("50.0"))
    rule = [{"field": "average_days_late", "op": "gte", "value": 5}]
    assert list(customers_matching(tenant, rule)) == [late]


def test_a_full_refresh_clears_habits_of_customers_with_nothing_paid(tenant):
    customer = Customer.objects.create(
        tenant=tenant,
        external_id="X",
        name="X",
        currency="EUR",
        average_days_late=Decimal(9),
        share_paid_late=Decimal(50),
    )
    refresh_payment_habits(tenant, today=date(2026, 11, 23))
    customer.refresh_from_db()
    assert customer.average_days_late is None and customer.share_paid_late is None


def test_a_refresh_writes_and_announces_only_customers_whose_habits_changed(tenant, other_tenant):
    late = Customer.objects.create(tenant=tenant, external_id="L", name="Late", currency="EUR")
    Customer.objects.create(tenant=tenant, external_id="N", name="New", currency="EUR")
    pay_late(tenant, late, "INV-1", 20)
    theirs = Customer.objects.create(
        tenant=other_tenant, external_id="L", name="Late", currency="EUR"
    )
    pay_late(other_tenant, theirs, "INV-1", 20)
    heard = []

    def listen(sender, tenant_id, customer_ids, **kwargs):
        heard.append((tenant_id, customer_ids))

    customers_changed.connect(listen)
    try:
        assert refresh_payment_habits(tenant) == [late.pk]
        assert heard == [(tenant.pk, [late.pk])]
        heard.clear()
        with CaptureQueriesContext(connection) as queries:
            assert refresh_payment_habits(tenant) == []
    finally:
        customers_changed.disconnect(listen)
    assert heard == []
    customers = 'UPDATE "receivables_customer"'
    assert not [q for q in queries.captured_queries if q["sql"].startswith(customers)]
    theirs.refresh_from_db()
    assert theirs.average_days_late is None  # another tenant's customers are not touched
