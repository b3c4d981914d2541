"""What a worker runs: claim queued reminders, compose each message, call the channel.

``deliver_many`` claims the dispatches with one conditional move (so a second worker, or a
redelivered task, finds nothing left to do), composes each message onto its row, calls the
channel adapter and stores the provider's ids before the task is acknowledged.
"""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db.models import F, prefetch_related_objects
from django.utils import timezone

from collections_app import events
from kapittx.bulk import update_rows
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Invoice
from reminders.channels.base import AddressRefused, ChannelError
from reminders.channels.registry import adapter_class
from reminders.messages.compose import compose, latest_promises
from reminders.messages.render import pick_template
from reminders.models import Dispatch, DispatchInvoice, DispatchStatus, Template
from reminders.outbox import states, throttle
from reminders.outbox.batch_memo import batch_scope
from reminders.outbox.outcomes import mark_contact_invalid

log = logging.getLogger(__name__)

S = DispatchStatus
#: Waits before the next attempt after a transient error; then the dispatch fails.
RETRY_AFTER = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
COMPOSED_FIELDS = ["contact", "recipient", "language", "subject", "body_html", "body_text"]


def _claim(tenant_id: int, dispatch_ids: Sequence[int], now: datetime) -> list[Dispatch]:
    """Claim the still-queued ones among ``dispatch_ids``; each can be claimed only once."""
    claimed = states.move(
        tenant_id, dispatch_ids, S.SENDING, attempts=F("attempts") + 1
    )
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
    lines = scoped(DispatchInvoice, tenant_id).filter(
        dispatch__in=dispatches
    ).values_list("dispatch_id", "invoice_id")
    invoices = {
        invoice.pk: invoice
        for invoice in scoped(Invoice, tenant_id)
        .open()
        .filter(pk__in={invoice_id for _, invoice_id in lines})
    }
    result: dict[int, list[Invoice]] = {}
    for dispatch_id, invoice_id in lines:
        if invoice_id in invoices:
            result.setdefault(dispatch_id, []).append(invoices[invoice_id])
    for found in result.values():
        found.sort(key=lambda i: (i.due_date, i.number))
    return result


def _compose_onto(dispatch: Dispatch, invoices: list[Invoice], promise, now: datetime) -> None:
    """Compose the message onto ``dispatch`` (not yet saved)."""
    customer = dispatch.customer
    try:
        template = pick_template(
            customer.tenant, dispatch.template_key, customer.language or customer.tenant.language
        )
    except Template.DoesNotExist as exc:
        raise ChannelError(str(exc), permanent=True) from None
    message = compose(
        customer=customer, channel=dispatch.channel, template=template, invoices=invoices,
        promise=promise, now=now,
    )
    dispatch.contact, dispatch.recipient = message.contact, message.recipient
    dispatch.language, dispatch.subject = message.language, message.subject
    dispatch.body_html, dispatch.body_text = message.body_html, message.body_text


def deliver(tenant_id: int, dispatch_id: int) -> str:
    """Send one queued dispatch; safe to run twice for the same id. Return its new status."""
    return deliver_many(tenant_id, [dispatch_id])[dispatch_id]


def deliver_many(tenant_id: int, dispatch_ids: Sequence[int]) -> dict[int, str]:
    """Send queued dispatches of one tenant; return each one's new status.

    Safe to run twice for the same ids: what another run claimed is "not claimed" here. The
    composed messages are stored before any provider is called, and the providers' ids
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
                states.move_one(
                    dispatch, S.PLANNED, among=[S.SENDING], attempts=F("attempts") - 1,
                    reason="waiting for the provider's rate limit",
                )
                outcome[dispatch.pk] = S.PLANNED
            else:
                ready.append(dispatch)
        invoices = _open_invoices(tenant_id, ready)
        promises = latest_promises(tenant_id, {d.customer_id for d in ready})
        composed = []
        for dispatch in ready:
            if not invoices.get(dispatch.pk):
                states.move_one(
                    dispatch, S.CANCELLED, among=[S.SENDING], reason="nothing left to pay"
                )
                outcome[dispatch.pk] = S.CANCELLED
                continue
            try:
                _compose_onto(
                    dispatch, invoices[dispatch.pk], promises.get(dispatch.customer_id), now
                )
            except ChannelError as exc:
                outcome[dispatch.pk] = _failed(dispatch, exc, now)
                continue
            dispatch.updated_at = now
            composed.append(dispatch)
        update_rows(Dispatch, [*COMPOSED_FIELDS, "updated_at"], composed)
        adapters: dict[str, object] = {}
        sent = []
        for dispatch in composed:
            adapter = adapters.setdefault(dispatch.channel, adapter_class(dispatch.channel)())
            try:
                result = adapter.send(dispatch)
            except ChannelError as exc:
                outcome[dispatch.pk] = _failed(dispatch, exc, now)
                continue
            states.move_one(
                dispatch, S.SENT, among=[S.SENDING],
                provider_message_id=result.provider_message_id, sent_at=now, error="", reason="",
            )
            sent.append(dispatch)
            outcome[dispatch.pk] = S.SENT
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


def _failed(dispatch: Dispatch, exc: ChannelError, now: datetime) -> str:
    attempts = dispatch.attempts
    if not exc.permanent and attempts <= len(RETRY_AFTER):
        # Retries wait in the database, not as delayed broker messages: the next release
        # after ``send_after`` hands the dispatch out again.
        states.move_one(
            dispatch, S.PLANNED, among=[S.SENDING], send_after=now + RETRY_AFTER[attempts - 1],
            error=exc.message,
        )
        log.warning("dispatch %s: transient error, retrying: %s", dispatch.pk, exc.message)
        return S.PLANNED
    states.move_one(dispatch, S.FAILED, among=[S.SENDING], error=exc.message)
    events.record(
        dispatch.customer,
        events.Kind.REMINDER_FAILED,
        f"{dispatch.get_channel_display()} reminder failed: {exc.message}",
        dispatch_id=dispatch.pk,
    )
    if isinstance(exc, AddressRefused) and dispatch.contact_id:
        mark_contact_invalid(dispatch, exc.message)
    return S.FAILED
