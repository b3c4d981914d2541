"""Reminders a worker claimed and never finished: the worker was killed, or its machine died.

After the lease (longer than a send task may run), a reminder still "sending" is settled by
what the outbox can prove. A worker notes the moment just before it calls the provider
(``provider_called_at``); without that mark the provider was never called, so the reminder
goes back in line and is sent again through the gate. With it, the message may have left:
it becomes "interrupted", shown on the outbox and the overview, and a member decides
whether to send it again. Never a second message where the first may have left, never a
silent loss.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q

from collections_app import events
from kapittx.tenancy import scoped
from reminders.models import Dispatch, DispatchStatus
from reminders.outbox import announce, states

S = DispatchStatus
#: How long a worker may hold a claimed reminder. Longer than a send task's hard time limit
#: (``reminders.tasks.SEND_TIME_LIMIT``), so a live worker is never second-guessed: the
#: calls it makes after the lease find their reminders taken back and skip them.
LEASE = timedelta(minutes=15)
#: A reminder whose worker died this many times is given up (a message that kills workers).
MAX_ATTEMPTS = 6


@dataclass(frozen=True)
class Reconciled:
    sent_again: int
    interrupted: int
    given_up: int


@transaction.atomic
def reconcile(tenant_id: int, now: datetime) -> Reconciled:
    """Settle the tenant's reminders whose worker stopped before finishing them."""
    cutoff = now - LEASE
    stale = list(
        scoped(Dispatch, tenant_id)
        .filter(status=S.SENDING, claimed_at__lt=cutoff)
        .select_related("customer")
    )
    if not stale:
        return Reconciled(0, 0, 0)
    ids = [d.pk for d in stale]
    never_called = Q(provider_called_at__isnull=True)
    given_up = states.move(
        tenant_id,
        ids,
        S.FAILED,
        among=[S.SENDING],
        where=never_called & Q(attempts__gte=MAX_ATTEMPTS),
        error=f"The worker stopped {MAX_ATTEMPTS} times while handling it; not tried again.",
    )
    sent_again = states.move(
        tenant_id,
        ids,
        S.PLANNED,
        among=[S.SENDING],
        where=never_called,
        send_after=now,
        reason="the worker stopped before calling the provider; sent again",
    )
    interrupted = states.move(
        tenant_id,
        ids,
        S.INTERRUPTED,
        among=[S.SENDING],
        where=Q(provider_called_at__lt=cutoff),
        reason="the worker stopped while the provider was being called; it may have left",
    )
    by_id = {d.pk: d for d in stale}
    for pk in given_up:
        announce.reminder_failed(by_id[pk], "The worker stopped while handling it, too often.")
    for pk in interrupted:
        dispatch = by_id[pk]
        events.record(
            dispatch.customer,
            events.Kind.REMINDER_INTERRUPTED,
            f"{dispatch.get_channel_display()} reminder interrupted while it was being sent; "
            "it may have reached the customer. Check before sending it again.",
            dispatch_id=pk,
        )
    return Reconciled(len(sent_again), len(interrupted), len(given_up))
