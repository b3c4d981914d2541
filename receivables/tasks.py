"""Periodic receivables work. Every task takes the tenant's id."""

from celery import shared_task
from django.utils import timezone

from kapittx.tenancy import tenant_for_task
from receivables.behaviour import habits_due, refresh_payment_habits


@shared_task(name="receivables.refresh_habits", ignore_result=True)
def refresh_habits() -> int:
    """Refresh the payment habits of the tenants whose habits may have changed, one task
    each; a tenant whose books did not move gets none."""
    ids = habits_due(timezone.now())
    for tenant_id in ids:
        refresh_tenant_habits.delay(tenant_id)
    return len(ids)


#: One tenant's payment habits, computed over its whole payment history.
HABITS_TIME_LIMIT = 900
HABITS_SOFT_TIME_LIMIT = 840


@shared_task(
    name="receivables.refresh_tenant_habits",
    ignore_result=True,
    acks_late=True,
    time_limit=HABITS_TIME_LIMIT,
    soft_time_limit=HABITS_SOFT_TIME_LIMIT,
)
def refresh_tenant_habits(tenant_id: int) -> None:
    refresh_payment_habits(tenant_for_task(tenant_id))
