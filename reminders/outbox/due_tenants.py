"""Which tenants the minute tick sweeps: those with something due now, found from the rows.

A tenant's sweep (``reminders.tasks.sweep_tenant``) has four kinds of work, and a tenant is
due as soon as one row of any kind says so, whatever else it holds:

- a reminder position whose moment has come (``sweep``);
- a planned reminder whose send moment has passed (``release``);
- a queued reminder no worker claimed within ``release.REQUEUE_AFTER`` (``release``);
- a reminder a worker claimed and left for longer than ``reconcile.LEASE`` (``reconcile``).

Each kind is read through a partial index that holds only rows in that state, led by the
moment where the state is a lasting one (positions, planned reminders, queued ones), so the
query reads the rows due now and nothing of a tenant with nothing due: the tick costs what
is due, not how many tenants there are.
"""

from datetime import datetime

from reminders.models import Dispatch, DispatchStatus, ReminderPosition
from reminders.outbox.reconcile import LEASE
from reminders.outbox.release import REQUEUE_AFTER

S = DispatchStatus


def due_tenants(now: datetime) -> list[int]:
    """Return the ids of the tenants with something for their sweep to do at ``now``."""
    kinds = [
        ReminderPosition.objects.filter(next_at__lte=now),
        Dispatch.objects.filter(status=S.PLANNED, send_after__lte=now),
        Dispatch.objects.filter(status=S.QUEUED, queued_at__lt=now - REQUEUE_AFTER),
        Dispatch.objects.filter(status=S.SENDING, claimed_at__lt=now - LEASE),
    ]
    first, *others = (rows.order_by().values_list("tenant_id", flat=True) for rows in kinds)
    # UNION (not UNION ALL): the database keeps each tenant once, however many rows it has due.
    return sorted(first.union(*others))
