"""From the outbox to the provider: release what is due through the gate, then send it.

``release`` moves planned dispatches whose moment has come through the compliance gate and
hands the allowed ones to workers in batches of one channel. ``deliver_many`` is what a
worker runs: it claims the dispatches with one conditional update (so a second worker, or a
redelivered task, finds nothing left to do), renders each message onto its row, calls the
channel adapter and stores the provider's ids before the task is acknowledged.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from collections_app import events
from collections_app.compliance import Action, gate
from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES, Invoice
from receivables.portal import portal_url
from reminders import rendering, throttle, windows
from reminders.batch_memo import batch_scope
from reminders.bulk import update_rows
from reminders.channels import adapter_class
from reminders.channels.base import AddressRefused, ChannelError
from reminders.contacts import pick_contact
from reminders.delivery import mark_contact_invalid
from reminders.models import (
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderSettings,
    Template,
)

log = logging.getLogger(__name__)

#: Waits before the next attempt after a transient error; then the dispatch fails.
RETRY_AFTER = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
#: A queued dispatch no worker has claimed after this long is handed out again.
REQUEUE_AFTER = timedelta(minutes=10)
#: At most this many dispatches are released per tenant and tick.
RELEASE_BATCH = 2000
#: Dispatches of one channel a worker task sends together.
SEND_BATCH = 250

FINAL_FROM_GATE = {Action.BLOCK: DispatchStatus.BLOCKED, Action.CANCEL: DispatchStatus.CANCELLED}


@transaction.atomic
def release(tenant: Tenant, now: datetime, enqueue: Callable[[list[Dispatch]], None]) -> int:
    """Gate every planned dispatch whose moment has come; return how many were queued.

    The queued ones go to ``enqueue`` after the commit, in batches of one channel.
    """
    settings_row = ReminderSettings.objects.filter(tenant=tenant).first()
    due = list(
        scoped(Dispatch, tenant)
        .filter(status=DispatchStatus.PLANNED, send_after__lte=now)
        .select_related("customer__tenant")
        .prefetch_related("customer__contacts")
        .order_by("send_after", "pk")[:RELEASE_BATCH]
    )
    decisions = gate(due, now, settings_row)
    # Dispatches that get the same answer are updated together.
    outcomes: dict[tuple, list[int]] = defaultdict(list)
    for dispatch in due:
        decision = decisions[dispatch.pk]
        if decision.action == Action.ALLOW:
            change = (("status", DispatchStatus.QUEUED), ("queued_at", now))
        elif decision.action == Action.DEFER:
            change = (("send_after", decision.until), ("reason", decision.reason))
        else:
            change = (("status", FINAL_FROM_GATE[decision.action]), ("reason", decision.reason))
        outcomes[change].append(dispatch.pk)
    released: set[int] = set()
    for change, ids in outcomes.items():
        # Only rows still planned change: a concurrent release or sweep may have moved some.
        still_planned = scoped(Dispatch, tenant).filter(pk__in=ids, status=DispatchStatus.PLANNED)
        if dict(change).get("status") == DispatchStatus.QUEUED:
            locked = still_planned.select_for_update(skip_locked=True)
            ids = list(locked.values_list("pk", flat=True))
            released.update(ids)
            still_planned = scoped(Dispatch, tenant).filter(pk__in=ids)
        still_planned.update(**dict(change), updated_at=now)
    queued = [dispatch for dispatch in due if dispatch.pk in released]
    stuck = scoped(Dispatch, tenant).filter(
        status=DispatchStatus.QUEUED, queued_at__lt=now - REQUEUE_AFTER
    )
    for dispatch in list(stuck):
        stuck.filter(pk=dispatch.pk).update(queued_at=now)
        queued.append(dispatch)
    by_channel: dict[str, list[Dispatch]] = {}
    for dispatch in queued:
        by_channel.setdefault(dispatch.channel, []).append(dispatch)
    for batch in by_channel.values():
        for start in range(0, len(batch), SEND_BATCH):
            transaction.on_commit(lambda b=batch[start : start + SEND_BATCH]: enqueue(b))
    return len(queued)


#: Which template parts a channel sends, as (HTML body, text body); SMS and WhatsApp by default.
PARTS_FOR = {
    "email": ("body_html", "body_text"),
    "voice": ("", "voice_script"),
    "task": ("", "body_text"),
}
RENDERED_FIELDS = ["contact", "recipient", "language", "subject", "body_html", "body_text"]


def _claim(tenant_id: int, dispatch_ids: Sequence[int], now: datetime) -> list[Dispatch]:
    """Claim the still-queued ones among ``dispatch_ids``; each can be claimed only once."""
    if not dispatch_ids:
        return []
    table = Dispatch._meta.db_table
    marks = ", ".join(["%s"] * len(dispatch_ids))
    # One conditional UPDATE … RETURNING: a row another worker claimed first no longer
    # matches ``status = 'queued'`` and is left out.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET status = %s, attempts = attempts + 1, updated_at = %s "
            f"WHERE tenant_id = %s AND status = %s AND id IN ({marks}) RETURNING id",
            [
                DispatchStatus.SENDING,
                connection.ops.adapt_datetimefield_value(now),
                tenant_id,
                DispatchStatus.QUEUED,
                *dispatch_ids,
            ],
        )
        claimed = [row[0] for row in cursor.fetchall()]
    dispatches = list(
        Dispatch.objects.filter(pk__in=claimed)
        .select_related("customer")
        .prefetch_related("customer__contacts")
        .order_by("pk")
    )
    if any(dispatch.channel == "task" for dispatch in dispatches):
        # Only a task needs its step (who it is assigned to).
        prefetch_related_objects(dispatches, "step")
    if dispatches:
        # Every dispatch of the batch shares one tenant object.
        tenant = Tenant.objects.get(pk=tenant_id)
        for dispatch in dispatches:
            dispatch.customer.tenant = tenant
    return dispatches


def _open_invoices(tenant_id: int, dispatches: list[Dispatch]) -> dict[int, list[Invoice]]:
    lines = DispatchInvoice.objects.filter(
        tenant_id=tenant_id, dispatch__in=dispatches
    ).values_list("dispatch_id", "invoice_id")
    invoices = {
        invoice.pk: invoice
        for invoice in scoped(Invoice, tenant_id)
        .filter(
            pk__in={invoice_id for _, invoice_id in lines}, status__in=OPEN_STATUSES, balance__gt=0
        )
        .order_by("due_date", "number")
    }
    result: dict[int, list[Invoice]] = {}
    for dispatch_id, invoice_id in lines:
        if invoice_id in invoices:
            result.setdefault(dispatch_id, []).append(invoices[invoice_id])
    for found in result.values():
        found.sort(key=lambda i: (i.due_date, i.number))
    return result


def _promises(tenant_id: int, dispatches: list[Dispatch]) -> dict[int, PromiseToPay]:
    """Return each customer's latest open or broken promise (for promise templates)."""
    latest: dict[int, PromiseToPay] = {}
    for promise in (
        scoped(PromiseToPay, tenant_id)
        .filter(
            customer_id__in={d.customer_id for d in dispatches},
            status__in=[PromiseToPay.Status.OPEN, PromiseToPay.Status.BROKEN],
        )
        .order_by("created_at", "pk")
    ):
        latest[promise.customer_id] = promise
    return latest


def _render(
    dispatch: Dispatch, invoices: list[Invoice], promise: PromiseToPay | None, now: datetime
) -> None:
    """Render the message onto ``dispatch`` (not yet saved)."""
    customer = dispatch.customer
    tenant = customer.tenant
    contact, address = None, ""
    if dispatch.channel != "task":
        picked = pick_contact(customer, dispatch.channel)
        if picked is None:
            raise ChannelError(f"no usable {dispatch.channel} contact", permanent=True)
        contact, address = picked
    language = customer.language or tenant.language
    try:
        template = rendering.pick_template(tenant, dispatch.template_key, language)
    except Template.DoesNotExist as exc:
        raise ChannelError(str(exc), permanent=True) from None
    context = rendering.build_context(
        tenant=tenant,
        customer=customer,
        invoices=invoices,
        contact=contact,
        today=windows.local_today(now, customer.effective_time_zone()),
        portal_url=portal_url(customer),
        promise=promise,
    )
    html, text = PARTS_FOR.get(dispatch.channel, ("", "short_text"))
    message = rendering.render(template, context, ["subject", *filter(None, (html, text))])
    dispatch.contact, dispatch.recipient, dispatch.language = contact, address, template.language
    dispatch.subject = message.subject
    dispatch.body_html = getattr(message, html) if html else ""
    dispatch.body_text = getattr(message, text)


def deliver(tenant_id: int, dispatch_id: int) -> str:
    """Send one queued dispatch; safe to run twice for the same id. Return its new status."""
    return deliver_many(tenant_id, [dispatch_id])[dispatch_id]


def deliver_many(tenant_id: int, dispatch_ids: Sequence[int]) -> dict[int, str]:
    """Send queued dispatches of one tenant; return each one's new status.

    Safe to run twice for the same ids: what another run claimed is "not claimed" here. The
    rendered messages are stored before any provider is called, and the providers' ids
    before this returns (and so before the task is acknowledged).
    """
    outcome = dict.fromkeys(dispatch_ids, "not claimed")
    now = timezone.now()
    with batch_scope():
        claimed = _claim(tenant_id, dispatch_ids, now)
        ready = []
        for dispatch in claimed:
            limit = throttle.account_limit(dispatch)
            if limit is not None and not throttle.acquire(*limit):
                _still_sending(dispatch).update(
                    status=DispatchStatus.PLANNED,
                    attempts=F("attempts") - 1,
                    reason="waiting for the provider's rate limit",
                    updated_at=now,
                )
                outcome[dispatch.pk] = DispatchStatus.PLANNED
            else:
                ready.append(dispatch)
        invoices, promises = _open_invoices(tenant_id, ready), _promises(tenant_id, ready)
        rendered = []
        for dispatch in ready:
            if not invoices.get(dispatch.pk):
                _still_sending(dispatch).update(
                    status=DispatchStatus.CANCELLED, reason="nothing left to pay", updated_at=now
                )
                outcome[dispatch.pk] = DispatchStatus.CANCELLED
                continue
            try:
                _render(dispatch, invoices[dispatch.pk], promises.get(dispatch.customer_id), now)
            except ChannelError as exc:
                outcome[dispatch.pk] = _failed(dispatch, exc, now)
                continue
            dispatch.updated_at = now
            rendered.append(dispatch)
        update_rows(Dispatch, [*RENDERED_FIELDS, "updated_at"], rendered)
        adapters: dict[str, object] = {}
        sent = []
        for dispatch in rendered:
            adapter = adapters.setdefault(dispatch.channel, adapter_class(dispatch.channel)())
            try:
                result = adapter.send(dispatch)
            except ChannelError as exc:
                outcome[dispatch.pk] = _failed(dispatch, exc, now)
                continue
            dispatch.status, dispatch.provider_message_id = (
                DispatchStatus.SENT,
                result.provider_message_id,
            )
            dispatch.sent_at, dispatch.error, dispatch.reason = now, "", ""
            sent.append(dispatch)
            outcome[dispatch.pk] = DispatchStatus.SENT
        update_rows(Dispatch, ["status", "provider_message_id", "sent_at", "error", "reason"], sent)
        events.record_many(
            (
                dispatch.customer,
                events.Kind.REMINDER_SENT,
                f"{dispatch.get_tone_display()} reminder sent by {dispatch.get_channel_display()}"
                + (f" to {dispatch.recipient}" if dispatch.recipient else ""),
                {"dispatch_id": dispatch.pk},
            )
            for dispatch in sent
        )
    return outcome


def _still_sending(dispatch: Dispatch):
    return Dispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.SENDING)


def _failed(dispatch: Dispatch, exc: ChannelError, now: datetime) -> str:
    sending = _still_sending(dispatch)
    attempts = dispatch.attempts
    if not exc.permanent and attempts <= len(RETRY_AFTER):
        # Retries wait in the database, not as delayed broker messages: the next release
        # after ``send_after`` hands the dispatch out again.
        sending.update(
            status=DispatchStatus.PLANNED,
            send_after=now + RETRY_AFTER[attempts - 1],
            error=exc.message,
            updated_at=now,
        )
        log.warning("dispatch %s: transient error, retrying: %s", dispatch.pk, exc.message)
        return DispatchStatus.PLANNED
    sending.update(status=DispatchStatus.FAILED, error=exc.message, updated_at=now)
    events.record(
        dispatch.customer,
        events.Kind.REMINDER_FAILED,
        f"{dispatch.get_channel_display()} reminder failed: {exc.message}",
        dispatch_id=dispatch.pk,
    )
    if isinstance(exc, AddressRefused) and dispatch.contact_id:
        mark_contact_invalid(dispatch, exc.message)
    return DispatchStatus.FAILED
