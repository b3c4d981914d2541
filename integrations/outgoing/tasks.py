"""Celery tasks for outgoing webhooks. Each takes the tenant's id; none assumes a tenant.

The minute tick starts a delivery run per tenant with deliveries due; an event's commit
starts one at once (``kicks``). The hourly overdue run announces invoice.overdue for each
tenant with invoices that fell overdue.
"""

import time

from celery import shared_task
from django.utils import timezone

from integrations.outgoing import delivery, overdue
from kapittx.tenancy import tenant_for_task

#: A delivery run stops taking new deliveries after this many seconds; one attempt may
#: then still take the egress timeouts (5 s to connect, 15 s between bytes).
DELIVER_BUDGET = 60
#: Shorter than ``delivery.LEASE``, so a delivery still "delivering" after the lease
#: belongs to no live worker.
DELIVER_SOFT_TIME_LIMIT = 180
DELIVER_TIME_LIMIT = 210
#: One tenant's overdue invoices of a day (or of the days a missed run left).
OVERDUE_SOFT_TIME_LIMIT = 540
OVERDUE_TIME_LIMIT = 600


@shared_task(name="integrations.webhooks.tick", ignore_result=True)
def tick() -> int:
    """Start a delivery run for each tenant with deliveries due."""
    ids = delivery.tenants_with_work(timezone.now())
    for tenant_id in ids:
        deliver.delay(tenant_id)
    return len(ids)


@shared_task(
    name="integrations.webhooks.deliver",
    ignore_result=True,
    acks_late=True,
    time_limit=DELIVER_TIME_LIMIT,
    soft_time_limit=DELIVER_SOFT_TIME_LIMIT,
)
def deliver(tenant_id: int) -> dict:
    """Deliver the tenant's due webhooks; runs for the same tenant may overlap."""
    started = time.monotonic()
    outcomes = delivery.deliver_due(tenant_id, budget=DELIVER_BUDGET)
    return {**outcomes, "seconds": round(time.monotonic() - started, 3)}


@shared_task(name="integrations.webhooks.announce_overdue", ignore_result=True)
def announce_overdue() -> int:
    """Start the overdue announcement of each tenant with invoices to announce."""
    ids = overdue.tenants_to_announce(timezone.now())
    for tenant_id in ids:
        announce_overdue_tenant.delay(tenant_id)
    return len(ids)


@shared_task(
    name="integrations.webhooks.announce_overdue_tenant",
    ignore_result=True,
    acks_late=True,
    time_limit=OVERDUE_TIME_LIMIT,
    soft_time_limit=OVERDUE_SOFT_TIME_LIMIT,
)
def announce_overdue_tenant(tenant_id: int) -> int:
    """Publish invoice.overdue for the tenant's invoices that fell overdue since last time."""
    return overdue.announce(tenant_for_task(tenant_id))
