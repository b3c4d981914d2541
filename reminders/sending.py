"""From the outbox to the provider: release what is due through the gate, then send it.

``release`` moves planned dispatches whose moment has come through the compliance gate and
hands the allowed ones to workers. ``deliver`` is what a worker runs: it claims the dispatch
with a conditional update (so a second worker, or a redelivered task, finds nothing to do),
renders the message onto the row, calls the channel adapter and stores the provider's id
before the task is acknowledged.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from collections_app import events
from collections_app.compliance import Action, gate
from collections_app.models import PromiseToPay
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES, Invoice
from receivables.portal import portal_url
from reminders import rendering, throttle, windows
from reminders.channels import adapter_class
from reminders.channels.base import AddressRefused, ChannelError
from reminders.contacts import pick_contact
from reminders.delivery import mark_contact_invalid
from reminders.models import Dispatch, DispatchStatus, ReminderSettings, Template

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

FINAL_FROM_GATE = {Action.BLOCK: DispatchStatus.BLOCKED, Action.CANCEL: DispatchStatus.CANCELLED}


def release(tenant: Tenant, now: datetime, enqueue: Callable[[Dispatch], None]) -> int:
    """Gate every planned dispatch whose moment has come; return how many were queued."""
    settings_row = ReminderSettings.objects.filter(tenant=tenant).first()
    due = (
        scoped(Dispatch, tenant)
        .filter(status=DispatchStatus.PLANNED, send_after__lte=now)
        .select_related("customer__tenant")
        .prefetch_related("customer__contacts")
        .order_by("send_after", "pk")[:RELEASE_BATCH]
    )
    queued = []
    for dispatch in due:
        decision = gate(dispatch, now, settings_row)
        pending = scoped(Dispatch, tenant).filter(pk=dispatch.pk, status=DispatchStatus.PLANNED)
        if decision.action == Action.ALLOW:
            if pending.update(status=DispatchStatus.QUEUED, queued_at=now, updated_at=now):
                queued.append(dispatch)
        elif decision.action == Action.DEFER:
            pending.update(send_after=decision.until, reason=decision.reason, updated_at=now)
        else:
            pending.update(
                status=FINAL_FROM_GATE[decision.action], reason=decision.reason, updated_at=now
            )
    stuck = scoped(Dispatch, tenant).filter(
        status=DispatchStatus.QUEUED, queued_at__lt=now - REQUEUE_AFTER
    )
    for dispatch in list(stuck):
        stuck.filter(pk=dispatch.pk).update(queued_at=now)
        queued.append(dispatch)
    for dispatch in queued:
        transaction.on_commit(lambda d=dispatch: enqueue(d))
    return len(queued)


def _claim(tenant_id: int, dispatch_id: int) -> Dispatch | None:
    now = timezone.now()
    claimed = Dispatch.objects.filter(
        tenant_id=tenant_id, pk=dispatch_id, status=DispatchStatus.QUEUED
    ).update(status=DispatchStatus.SENDING, attempts=F("attempts") + 1, updated_at=now)
    if not claimed:
        return None
    return (
        Dispatch.objects.select_related("customer__tenant", "step")
        .prefetch_related("customer__contacts")
        .get(pk=dispatch_id)
    )


def _render(dispatch: Dispatch, now: datetime) -> bool:
    """Render the message onto ``dispatch``; False when nothing is left to chase."""
    customer = dispatch.customer
    tenant = customer.tenant
    invoices = list(
        scoped(Invoice, tenant)
        .filter(pk__in=dispatch.lines.values("invoice_id"), status__in=OPEN_STATUSES, balance__gt=0)
        .order_by("due_date", "number")
    )
    if not invoices:
        return False
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
        promise=scoped(PromiseToPay, tenant)
        .filter(
            customer=customer, status__in=[PromiseToPay.Status.OPEN, PromiseToPay.Status.BROKEN]
        )
        .order_by("-created_at")
        .first(),
    )
    message = rendering.render(template, context)
    dispatch.contact, dispatch.recipient, dispatch.language = contact, address, template.language
    dispatch.subject = message.subject
    if dispatch.channel == "email":
        dispatch.body_html, dispatch.body_text = message.body_html, message.body_text
    elif dispatch.channel == "voice":
        dispatch.body_html, dispatch.body_text = "", message.voice_script
    elif dispatch.channel == "task":
        dispatch.body_html, dispatch.body_text = "", message.body_text
    else:
        dispatch.body_html, dispatch.body_text = "", message.short_text
    dispatch.save(
        update_fields=[
            "contact",
            "recipient",
            "language",
            "subject",
            "body_html",
            "body_text",
            "updated_at",
        ]
    )
    return True


def deliver(tenant_id: int, dispatch_id: int) -> str:
    """Send one queued dispatch; safe to run twice for the same id. Return its new status."""
    dispatch = _claim(tenant_id, dispatch_id)
    if dispatch is None:
        return "not claimed"
    now = timezone.now()
    sending = Dispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.SENDING)
    limit = throttle.account_limit(dispatch)
    if limit is not None and not throttle.acquire(*limit):
        sending.update(
            status=DispatchStatus.PLANNED, attempts=F("attempts") - 1,
            reason="waiting for the provider's rate limit", updated_at=now,
        )
        return DispatchStatus.PLANNED
    try:
        if not _render(dispatch, now):
            sending.update(
                status=DispatchStatus.CANCELLED, reason="nothing left to pay", updated_at=now
            )
            return DispatchStatus.CANCELLED
        result = adapter_class(dispatch.channel)().send(dispatch)
    except ChannelError as exc:
        return _failed(dispatch, exc, now)
    sending.update(
        status=DispatchStatus.SENT,
        provider_message_id=result.provider_message_id,
        sent_at=now,
        error="",
        reason="",
        updated_at=now,
    )
    events.record(
        dispatch.customer,
        events.Kind.REMINDER_SENT,
        f"{dispatch.get_tone_display()} reminder sent by {dispatch.get_channel_display()}"
        + (f" to {dispatch.recipient}" if dispatch.recipient else ""),
        dispatch_id=dispatch.pk,
    )
    return DispatchStatus.SENT


def _failed(dispatch: Dispatch, exc: ChannelError, now: datetime) -> str:
    sending = Dispatch.objects.filter(pk=dispatch.pk, status=DispatchStatus.SENDING)
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
