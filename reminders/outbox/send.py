"""What a worker runs: claim queued reminders, compose each message, call the channel.

``deliver_many`` claims the dispatches with one conditional move, so a second worker or a
redelivered task finds nothing left to do. Each message is composed and stored before any
provider is called. Then, one reminder at a time, the moment just before the call is
recorded, the channel is called, and the outcome is written before the next call (one
commit holds an outcome and the next mark: after the provider, a durable commit is what a
message costs most) — so a worker that dies mid-batch leaves each reminder either sent,
provably never handed to the provider (the reconciler sends it again), or marked as
possibly sent (it becomes "interrupted"), never lost and never sent twice. A reminder that
cannot be composed or sent fails on its own; the rest of the batch goes on. A template that
breaks one of its render limits (time, size, loops: ``messages.limits``) is such a failure,
with the limit as its reason.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import partial

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F, Q, prefetch_related_objects
from django.utils import timezone

from collections_app import events
from collections_app.rules.holds import disputed_invoices
from kapittx.bulk import update_rows
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Invoice
from reminders.channels.base import AddressRefused, ChannelError
from reminders.channels.registry import adapter_class
from reminders.messages.compose import compose, latest_promises
from reminders.messages.render import pick_template
from reminders.messages.sandbox import TemplateError
from reminders.models import Dispatch, DispatchInvoice, DispatchStatus, Template, Tone
from reminders.outbox import announce, states, throttle
from reminders.outbox.batch_memo import batch_scope
from reminders.outbox.one_voice import companions
from reminders.outbox.outcomes import mark_contact_invalid
from reminders.outbox.portal_links import is_fresh_link

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
        tenant_id,
        dispatch_ids,
        S.SENDING,
        among=[S.QUEUED],
        attempts=F("attempts") + 1,
        claimed_at=now,
        provider_called_at=None,
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
    """Return the invoices each dispatch's message is about — its own and those of the
    day's other reminders it speaks with — still owed, not disputed and still its customer's
    (an invoice moved to another customer is no business of this one), oldest due first."""
    speaks_for = companions(tenant_id, dispatches)
    of_dispatch: dict[int, set[int]] = {}
    for dispatch_id, invoice_id in (
        scoped(DispatchInvoice, tenant_id)
        .filter(dispatch_id__in=set().union(*speaks_for.values()))
        .values_list("dispatch_id", "invoice_id")
    ):
        of_dispatch.setdefault(dispatch_id, set()).add(invoice_id)
    lines = [
        (dispatch_id, invoice_id)
        for dispatch_id, members in speaks_for.items()
        for invoice_id in set().union(*(of_dispatch.get(m, set()) for m in members))
    ]
    wanted = {invoice_id for _, invoice_id in lines}
    # An invoice disputed since the reminder was planned is left out of it, and out of its
    # totals; the gate holds a reminder whose every invoice is disputed.
    disputed = disputed_invoices(tenant_id, wanted)
    invoices = {
        invoice.pk: invoice
        for invoice in scoped(Invoice, tenant_id).open().filter(pk__in=wanted - disputed)
    }
    customer_of = {dispatch.pk: dispatch.customer_id for dispatch in dispatches}
    result: dict[int, list[Invoice]] = {}
    for dispatch_id, invoice_id in lines:
        invoice = invoices.get(invoice_id)
        if invoice is not None and invoice.customer_id == customer_of[dispatch_id]:
            result.setdefault(dispatch_id, []).append(invoice)
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
        customer=customer,
        channel=dispatch.channel,
        template=template,
        invoices=invoices,
        promise=promise,
        now=now,
        tone=dispatch.tone,
        to=dispatch.contact if is_fresh_link(dispatch) else None,
    )
    dispatch.contact, dispatch.recipient = message.contact, message.recipient
    dispatch.language, dispatch.subject = message.language, message.subject
    dispatch.body_html, dispatch.body_text = message.body_html, message.body_text


def _nothing_to_say(dispatch: Dispatch, invoices: list[Invoice], now: datetime) -> str:
    """Return why ``dispatch`` has nothing to say any more, or ""."""
    if not invoices:
        return "nothing left to pay"
    today = dispatch.customer.local_today(now)
    if dispatch.tone == Tone.FINAL and all(invoice.due_date > today for invoice in invoices):
        return "nothing due is left to demand; what is open is not due yet"
    return ""


def _why_not(exc: Exception) -> ChannelError:
    """Return why a message could not be composed, as a permanent error of its dispatch."""
    if isinstance(exc, ChannelError):
        return exc
    if isinstance(exc, TemplateError):
        reasons = "; ".join(f"{part}: {' '.join(msgs)}" for part, msgs in exc.message_dict.items())
        return ChannelError(
            f"The template does not render for this customer: {reasons}", permanent=True
        )
    return ChannelError(
        f"The message could not be composed: {type(exc).__name__}: {exc}", permanent=True
    )


def deliver_many(
    tenant_id: int, dispatch_ids: Sequence[int], now: datetime | None = None
) -> dict[int, str]:
    """Send queued dispatches of one tenant at ``now`` (default: now); return each one's new
    status.

    Safe to run twice for the same ids: what another run claimed is "not claimed" here.
    """
    outcome = dict.fromkeys(dispatch_ids, "not claimed")
    now = now or timezone.now()
    with batch_scope():
        claimed = _claim(tenant_id, dispatch_ids, now)
        ready = []
        for dispatch in claimed:
            limit = throttle.account_limit(dispatch)
            if limit is not None and not throttle.acquire(*limit):
                states.move_one(
                    dispatch,
                    S.PLANNED,
                    among=[S.SENDING],
                    attempts=F("attempts") - 1,
                    reason="waiting for the provider's rate limit",
                )
                outcome[dispatch.pk] = S.PLANNED
            else:
                ready.append(dispatch)
        invoices = _open_invoices(tenant_id, ready)
        promises = latest_promises(tenant_id, {d.customer_id for d in ready})
        composed = []
        for dispatch in ready:
            if reason := _nothing_to_say(dispatch, invoices.get(dispatch.pk, []), now):
                states.move_one(dispatch, S.CANCELLED, among=[S.SENDING], reason=reason)
                outcome[dispatch.pk] = S.CANCELLED
                continue
            try:
                _compose_onto(
                    dispatch, invoices[dispatch.pk], promises.get(dispatch.customer_id), now
                )
            except SoftTimeLimitExceeded:
                # The batch's time is up, not this reminder's fault: what is left stays
                # "sending", and the reconciler puts it back in line after the lease.
                raise
            except Exception as exc:  # one reminder's trouble stays its own
                if not isinstance(exc, ChannelError | TemplateError):
                    log.exception("dispatch %s: could not compose the message", dispatch.pk)
                outcome[dispatch.pk] = _failed(dispatch, _why_not(exc), now)
                continue
            dispatch.updated_at = now
            composed.append(dispatch)
        update_rows(Dispatch, [*COMPOSED_FIELDS, "updated_at"], composed)
        outcome.update(_send_composed(composed, now))
    return outcome


def _send_composed(composed: list[Dispatch], now: datetime) -> dict[int, str]:
    """Hand each composed dispatch to its channel, one at a time; return each outcome."""
    outcome: dict[int, str] = {}
    adapters: dict[str, object] = {}
    last: tuple[int, Callable[[], str]] | None = None  # the previous call's outcome
    try:
        for dispatch in composed:
            adapter = adapters.setdefault(dispatch.channel, adapter_class(dispatch.channel)())
            # One commit per message: the last outcome, and the mark before the next call.
            with transaction.atomic():
                if last is not None:
                    (pk, record), last = last, None
                    outcome[pk] = record()
                calling = _mark_calling(dispatch)
            if not calling:
                outcome[dispatch.pk] = "not claimed"
                continue
            last = (dispatch.pk, _call(adapter, dispatch, now))
    finally:
        # Also when the task's time runs out between two calls: the last outcome is known.
        if last is not None:
            with transaction.atomic():
                outcome[last[0]] = last[1]()
    return outcome


def _call(adapter, dispatch: Dispatch, now: datetime) -> Callable[[], str]:
    """Call the provider for one composed and marked dispatch; return what writes the
    outcome (and returns it)."""
    try:
        result = adapter.send(dispatch)
    except ChannelError as exc:
        return partial(_failed, dispatch, exc, now)
    except Exception as exc:
        # The provider may or may not have taken it: it must not go again by itself.
        log.exception("dispatch %s: the channel failed unexpectedly", dispatch.pk)
        return partial(_interrupted, dispatch, exc)
    return partial(_sent, dispatch, result.provider_message_id, now)


def _sent(dispatch: Dispatch, provider_message_id: str, now: datetime) -> str:
    moved = states.move_one(
        dispatch,
        S.SENT,
        provider_message_id=provider_message_id,
        sent_at=now,
        error="",
        reason="",
    )
    if moved:
        events.record(
            dispatch.customer,
            events.Kind.REMINDER_SENT,
            f"{dispatch.get_tone_display()} reminder sent by {dispatch.get_channel_display()}"
            + (f" to {dispatch.recipient}" if dispatch.recipient else ""),
            dispatch_id=dispatch.pk,
        )
        announce.reminder_sent(dispatch, now)
    return S.SENT


def _interrupted(dispatch: Dispatch, exc: Exception) -> str:
    states.move_one(
        dispatch,
        S.INTERRUPTED,
        among=[S.SENDING],
        reason="the channel failed while sending; it may have left",
        error=f"{type(exc).__name__}: {exc}"[:1000],
    )
    return S.INTERRUPTED


def _mark_calling(dispatch: Dispatch) -> bool:
    """Record the moment before the provider is called; False if the reminder is no longer
    this worker's (the reconciler gave it back, or a member cancelled it)."""
    return bool(
        states.move(
            dispatch.tenant_id,
            [dispatch.pk],
            S.SENDING,
            among=[S.SENDING],
            where=Q(provider_called_at__isnull=True),
            provider_called_at=timezone.now(),
        )
    )


def _failed(dispatch: Dispatch, exc: ChannelError, now: datetime) -> str:
    attempts = dispatch.attempts
    if not exc.permanent and attempts <= len(RETRY_AFTER):
        # Retries wait in the database, not as delayed broker messages: the next release
        # after ``send_after`` hands the dispatch out again.
        states.move_one(
            dispatch,
            S.PLANNED,
            among=[S.SENDING],
            send_after=now + RETRY_AFTER[attempts - 1],
            error=exc.message,
            provider_called_at=None,
        )
        log.warning("dispatch %s: transient error, retrying: %s", dispatch.pk, exc.message)
        return S.PLANNED
    with transaction.atomic():
        if states.move_one(dispatch, S.FAILED, among=[S.SENDING], error=exc.message[:1000]):
            events.record(
                dispatch.customer,
                events.Kind.REMINDER_FAILED,
                f"{dispatch.get_channel_display()} reminder failed: {exc.message}",
                dispatch_id=dispatch.pk,
            )
            announce.reminder_failed(dispatch, exc.message)
    if isinstance(exc, AddressRefused) and dispatch.contact_id:
        mark_contact_invalid(dispatch, exc.message)
    return S.FAILED
