"""Releasing the outbox: planned reminders whose moment has come pass the gate, and the
allowed ones go to workers in batches of one channel."""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Least

from collections_app.rules.decision import Action
from kapittx.locks import locked
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import Dispatch, DispatchStatus, ReminderSettings
from reminders.outbox import states
from reminders.outbox.gate import gate

S = DispatchStatus
#: A queued dispatch no worker has claimed after this long is handed out again.
REQUEUE_AFTER = timedelta(minutes=10)
#: At most this many dispatches are released per tenant and tick.
RELEASE_BATCH = 2000
#: Dispatches of one channel a worker task sends together.
SEND_BATCH = 250

FINAL_FROM_GATE = {Action.BLOCK: S.BLOCKED, Action.CANCEL: S.CANCELLED}


@transaction.atomic
def release(tenant: Tenant, now: datetime, enqueue: Callable[[list[Dispatch]], None]) -> int:
    """Gate every planned dispatch whose moment has come; return how many were queued.

    The queued ones go to ``enqueue`` after the commit, in batches of one channel.
    """
    settings_row = ReminderSettings.objects.filter(tenant=tenant).first()
    due = list(
        scoped(Dispatch, tenant)
        .filter(status=S.PLANNED, send_after__lte=now)
        .select_related("customer__tenant")
        .prefetch_related("customer__contacts")
        .order_by("send_after", "pk")[:RELEASE_BATCH]
    )
    decisions = gate(due, now, settings_row)
    # Dispatches that get the same answer move together.
    allowed: list[int] = []
    outcomes: dict[tuple, list[int]] = defaultdict(list)
    for dispatch in due:
        decision = decisions[dispatch.pk]
        if decision.action == Action.ALLOW:
            allowed.append(dispatch.pk)
        elif decision.action == Action.DEFER:
            outcomes[(S.PLANNED, decision.reason, decision.until)].append(dispatch.pk)
        else:
            outcomes[(FINAL_FROM_GATE[decision.action], decision.reason, None)].append(dispatch.pk)
    for (to, reason, until), ids in outcomes.items():
        changes = {"reason": reason, **({"send_after": until} if until else {})}
        states.move(tenant.pk, ids, to, among=[S.PLANNED], **changes)
    # Rows a concurrent sweep or release holds are left for the next tick, not waited for.
    free = list(
        locked(
            scoped(Dispatch, tenant).filter(pk__in=allowed, status=S.PLANNED), skip_locked=True
        ).values_list("pk", flat=True)
    )
    released = set(states.move(tenant.pk, free, S.QUEUED, among=[S.PLANNED], queued_at=now))
    queued = [dispatch for dispatch in due if dispatch.pk in released]
    stuck = list(
        scoped(Dispatch, tenant).filter(status=S.QUEUED, queued_at__lt=now - REQUEUE_AFTER)
    )
    handed_again = set(
        states.move(tenant.pk, [d.pk for d in stuck], S.QUEUED, among=[S.QUEUED], queued_at=now)
    )
    queued.extend(d for d in stuck if d.pk in handed_again)
    by_channel: dict[str, list[Dispatch]] = {}
    for dispatch in queued:
        by_channel.setdefault(dispatch.channel, []).append(dispatch)
    for batch in by_channel.values():
        for start in range(0, len(batch), SEND_BATCH):
            transaction.on_commit(lambda b=batch[start : start + SEND_BATCH]: enqueue(b))
    return len(queued)


def ask_the_gate_again(dispatches: QuerySet[Dispatch]) -> None:
    """Send planned reminders that have not been tried back to their due moment, so the next
    release asks the gate about them under the rules as they are now. Reminders waiting to
    retry keep their back-off."""
    dispatches.filter(status=S.PLANNED, attempts=0).update(send_after=Least("send_after", "due_at"))
