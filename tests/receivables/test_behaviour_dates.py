"""Payment habits count the year up to the tenant's own date, not the server's."""

from datetime import UTC, date, datetime
from decimal import Decimal

from django.utils import timezone

from kapittx.models import Tenant
from receivables import ledger
from receivables.behaviour import refresh_payment_habits
from receivables.models import Customer

# Noon in UTC is already the next day in Auckland (UTC+12 in June).
SERVER_NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)


def test_the_habit_window_ends_on_the_tenants_date(tenant, monkeypatch):
    Tenant.objects.filter(pk=tenant.pk).update(time_zone="Pacific/Auckland")
    tenant.refresh_from_db()
    customer = Customer.objects.create(tenant=tenant, external_id="K", name="Kiwi", currency="EUR")
    # Paid 30 days late on 30 June 2025: a year and a day before Auckland's 1 July 2026.
    invoice = ledger.create_invoice(
        tenant,
        customer,
        number="INV-1",
        issue_date=date(2025, 4, 1),
        due_date=date(2025, 5, 31),
        subtotal=Decimal("100.00"),
    )
    ledger.record_payment(
        tenant,
        customer,
        amount="100.00",
        received_on=date(2025, 6, 30),
        splits=[ledger.Split(invoice, Decimal("100.00"))],
    )
    monkeypatch.setattr(timezone, "now", lambda: SERVER_NOW)
    refresh_payment_habits(tenant)
    customer.refresh_from_db()
    assert customer.average_days_late is None, "a payment outside the tenant's year counted"
