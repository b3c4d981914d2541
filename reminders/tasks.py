"""Celery tasks for reminders. Every task takes the tenant's id; none relies on a global tenant.

Beat sends ``tick`` every minute; it starts one ``sweep_tenant`` per tenant with something
due (``outbox.due_tenants``), so a tenant with nothing due costs nothing. A sweep settles
reminders a dead worker left behind, plans and releases; released dispatches go to their
channel's queue as ``send_dispatches`` batches. Tasks are acknowledged late and are
idempotent, so a redelivered message does no harm.
"""

from celery import shared_task
from django.utils import timezone

from kapittx.tenancy import tenant_for_task
from reminders.channels.registry import CHANNELS
from reminders.models import Dispatch
from reminders.outbox import positions, reconcile, release, send, sweep
from reminders.outbox.due_tenants import due_tenants

#: A send batch is stopped after this many seconds (soft: the task is asked to stop; hard:
#: the worker process is replaced). Shorter than ``reconcile.LEASE``, so a reminder still
#: "sending" after the lease belongs to no live worker.
SEND_TIME_LIMIT = 600
SEND_SOFT_TIME_LIMIT = 540
#: A tenant's sweep: a cold one after an import places every open invoice at once. Each of
#: its steps commits whole or not at all and may run again, so a sweep stopped half-way is
#: finished by the next tick.
SWEEP_TIME_LIMIT = 900
SWEEP_SOFT_TIME_LIMIT = 840
#: The hourly placing of bulk-written invoices, across every tenant: done within the hour.
PLACE_TIME_LIMIT = 1800
PLACE_SOFT_TIME_LIMIT = 1740


def queue_for(channel: str) -> str:
    """Return the Celery queue of a channel, so each channel can have its own workers."""
    return f"channel.{channel}"


def all_queues() -> list[str]:
    """Return every queue, for a worker that serves all channels."""
    return ["celery", *(queue_for(kind) for kind in CHANNELS)]


def enqueue(batch: list[Dispatch]) -> None:
    """Hand a batch of one tenant's dispatches on one channel to that channel's workers."""
    first = batch[0]
    send_dispatches.apply_async(
        (first.tenant_id, [d.pk for d in batch]), queue=queue_for(first.channel)
    )


@shared_task(name="reminders.tick", ignore_result=True)
def tick() -> int:
    """Start a sweep for each tenant with something due; return how many."""
    ids = due_tenants(timezone.now())
    for tenant_id in ids:
        sweep_tenant.delay(tenant_id)
    return len(ids)


@shared_task(
    name="reminders.place_missing",
    ignore_result=True,
    time_limit=PLACE_TIME_LIMIT,
    soft_time_limit=PLACE_SOFT_TIME_LIMIT,
)
def place_missing() -> int:
    """Give open invoices written in bulk (without the ORM's signals) a reminder position."""
    return positions.place_missing()


@shared_task(
    name="reminders.sweep_tenant",
    ignore_result=True,
    acks_late=True,
    time_limit=SWEEP_TIME_LIMIT,
    soft_time_limit=SWEEP_SOFT_TIME_LIMIT,
)
def sweep_tenant(tenant_id: int) -> dict:
    """Settle what dead workers left, plan the tenant's due reminders and release those
    whose moment has come."""
    tenant = tenant_for_task(tenant_id)
    now = timezone.now()
    reconcile.reconcile(tenant.pk, now)
    result = sweep.sweep(tenant, now)
    queued = release.release(tenant, now, enqueue)
    return {"planned": len(result.due), "skipped": len(result.skipped), "queued": queued}


@shared_task(
    name="reminders.send_dispatches",
    ignore_result=True,
    acks_late=True,
    time_limit=SEND_TIME_LIMIT,
    soft_time_limit=SEND_SOFT_TIME_LIMIT,
)
def send_dispatches(tenant_id: int, dispatch_ids: list[int]) -> dict:
    """Send a batch of dispatches; ids already claimed elsewhere are left alone."""
    return send.deliver_many(tenant_id, dispatch_ids)
