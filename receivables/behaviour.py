"""Each customer's payment habits, stored on the customer so segment rules filter in SQL.

Habits move slowly, so they are refreshed per tenant every hour (``receivables.tasks``) and
after a demo seed, rather than on every payment; a refresh writes only the customers whose
habits changed.
"""

from datetime import date, timedelta

from django.utils import timezone

from kapittx.bulk import update_values
from kapittx.localtime import local_today
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer
from receivables.reports import payment_behaviour
from receivables.signals import customers_changed

#: Habits are taken from invoices paid within this many days.
HABIT_WINDOW_DAYS = 365


def refresh_payment_habits(
    tenant: Tenant, customer: Customer | None = None, today: date | None = None
) -> list[int]:
    """Store average days late and share paid late for ``customer`` (or every customer), from
    invoices paid in the year up to ``today`` (default: the tenant's own date now); return
    the ids of the customers whose habits changed.

    Only those are written, in one statement, and announced with ``customers_changed``:
    segment rules read habits, so a customer who now pays late may belong to another
    workflow, and reminders place its open invoices again."""
    today = today or local_today(timezone.now(), tenant.time_zone)
    habits = payment_behaviour(
        tenant, since=today - timedelta(days=HABIT_WINDOW_DAYS), customer=customer
    )
    customers = scoped(Customer, tenant)
    if customer is not None:
        customers = customers.filter(pk=customer.pk)
    changed = []
    stored = customers.values_list("pk", "average_days_late", "share_paid_late").order_by("pk")
    for pk, days_late, share_late in stored:
        habit = habits.get(pk)
        found = (habit.average_days_late, habit.share_paid_late) if habit else (None, None)
        if found != (days_late, share_late):
            changed.append((pk, *found))
    update_values(Customer, ["average_days_late", "share_paid_late"], changed)
    ids = [pk for pk, *_habits in changed]
    if ids:
        customers_changed.send(sender=Customer, tenant_id=tenant.pk, customer_ids=ids)
    return ids
