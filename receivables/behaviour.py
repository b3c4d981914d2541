"""Each customer's payment habits, stored on the customer so segment rules filter in SQL.

Habits move slowly, so they are refreshed per tenant every hour (``receivables.tasks``) and
after a demo seed, in one query per tenant, rather than on every payment.
"""

from datetime import date, timedelta

from django.utils import timezone

from kapittx.localtime import local_today
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer
from receivables.reports import payment_behaviour

#: Habits are taken from invoices paid within this many days.
HABIT_WINDOW_DAYS = 365


def refresh_payment_habits(
    tenant: Tenant, customer: Customer | None = None, today: date | None = None
) -> None:
    """Store average days late and share paid late for ``customer`` (or every customer), from
    invoices paid in the year up to ``today`` (default: the tenant's own date now)."""
    today = today or local_today(timezone.now(), tenant.time_zone)
    habits = payment_behaviour(
        tenant, since=today - timedelta(days=HABIT_WINDOW_DAYS), customer=customer
    )
    customers = scoped(Customer, tenant)
    if customer is not None:
        customers = customers.filter(pk=customer.pk)
    unpaid = customers.exclude(pk__in=list(habits))
    unpaid.update(average_days_late=None, share_paid_late=None)
    for customer_id, habit in habits.items():
        scoped(Customer, tenant).filter(pk=customer_id).update(
            average_days_late=habit.average_days_late, share_paid_late=habit.share_paid_late
        )
