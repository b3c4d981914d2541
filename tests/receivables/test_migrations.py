"""The migrations' data steps: every tenant with paid invoices is brought into the first
hourly habits refresh (0009), which sets the day its habits next change."""

from datetime import date

from django.db import connection
from django.utils import timezone

from tests.migrations import latest, migrate

BEFORE = [("receivables", "0008_sync_fields")]
AFTER = [("receivables", "0009_habits_refresh")]


def test_tenants_with_paid_invoices_are_refreshed_first_and_the_step_reverses(
    transactional_db, tenant, other_tenant
):
    old = migrate(BEFORE)
    customer = old.get_model("receivables", "Customer")
    invoice = old.get_model("receivables", "Invoice")
    for owner, status in ((tenant, "paid"), (other_tenant, "open")):
        who = customer.objects.create(tenant_id=owner.pk, external_id="C", name="C")
        invoice.objects.create(
            tenant_id=owner.pk,
            customer=who,
            number="INV-1",
            issue_date=date(2026, 1, 1),
            due_date=date(2026, 1, 31),
            currency="EUR",
            subtotal=100,
            tax=0,
            total=100,
            amount_paid=100 if status == "paid" else 0,
            amount_credited=0,
            amount_written_off=0,
            balance=0 if status == "paid" else 100,
            status=status,
        )

    started = timezone.now()
    refresh = migrate(AFTER).get_model("receivables", "HabitsRefresh")

    assert list(refresh.objects.values_list("tenant_id", flat=True)) == [tenant.pk]
    assert refresh.objects.get().due_at >= started
    migrate(BEFORE)
    assert "receivables_habitsrefresh" not in connection.introspection.table_names()
    migrate(latest())
