"""Email delivery events and replies, as anymail's webhooks report them (the platform's
ESP and tenants' own accounts alike).

Importing this module connects the receivers (``RemindersConfig.ready()`` does).
"""

import hashlib
import logging

from anymail.signals import (
    AnymailInboundEvent,
    AnymailTrackingEvent,
    EventType,
    RejectReason,
    inbound,
    tracking,
)
from django.dispatch import receiver
from django.utils.html import strip_tags

from kapittx.tenancy import scoped
from receivables.models import Contact
from reminders.channels.email.esp_webhooks import webhook_tenant
from reminders.models import Dispatch
from reminders.outbox import outcomes

log = logging.getLogger(__name__)

PROVIDER = "email"
#: anymail event type → ours, where it moves the dispatch; the rest are only kept.
MOVES = {
    EventType.DELIVERED: "delivered",
    EventType.OPENED: "opened",
    EventType.CLICKED: "clicked",
    EventType.BOUNCED: "bounced",
    EventType.REJECTED: "bounced",
    EventType.FAILED: "failed",
}
#: Metadata a reminder is sent with, and the dispatch column it must agree with.
CLAIMS = (("dispatch_id", "pk"), ("tenant_id", "tenant_id"))
#: Reminders looked at for one message id: ids are unique per ESP account, so more than one
#: means tenants' own accounts at the same ESP happen to share it.
MAX_SHARING_AN_ID = 20
#: Reject reasons saying the address itself is no good.
BAD_ADDRESS = {RejectReason.INVALID, RejectReason.BOUNCED, RejectReason.TIMED_OUT}
#: Reject reasons saying the recipient does not want our mail.
UNWANTED = {RejectReason.UNSUBSCRIBED, RejectReason.SPAM}


def _text(value: object) -> str:
    """Return ``value`` as text PostgreSQL can keep: without NUL characters."""
    return str(value or "").replace("\x00", "")


def _event_id(event, *parts: object) -> str:
    if event.event_id:
        return str(event.event_id)
    # Some ESPs send no event id; the same report always hashes to the same one.
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()


def _dispatch_for(event: AnymailTrackingEvent) -> Dispatch | None:
    """Return the reminder the report is about: the one the ESP's message id was stored on.

    Metadata alone names nothing (anyone can write it into a message), and metadata that
    disagrees with the reminder found by the id, or an id that two tenants' reminders share
    with nothing to tell them apart, makes the report match nothing.
    """
    if not event.message_id or "\x00" in str(event.message_id):
        return None
    rows = Dispatch.objects.select_related("customer").filter(
        channel="email", provider_message_id=str(event.message_id)
    )
    if (tenant_id := webhook_tenant.get()) is not None:
        # A tenant's own ESP reports about that tenant's reminders only.
        rows = rows.filter(tenant_id=tenant_id)
    metadata = event.metadata or {}
    claims = [(column, str(metadata[key])) for key, column in CLAIMS if key in metadata]
    found = [
        dispatch
        for dispatch in rows[:MAX_SHARING_AN_ID]
        if all(str(getattr(dispatch, column)) == value for column, value in claims)
    ]
    return found[0] if len(found) == 1 else None


@receiver(tracking, dispatch_uid="reminders.email_tracking")
def on_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """Move the dispatch forward, flag bounced addresses and honour complaints."""
    dispatch = _dispatch_for(event)
    if dispatch is None:
        log.info(
            "%s %s event for an unknown message %s", esp_name, event.event_type, event.message_id
        )
        return
    kind = _text(event.event_type)
    timestamp = event.timestamp.isoformat() if event.timestamp else ""
    recipient = _text(event.recipient)
    detail = _text(event.description or event.mta_response or event.reject_reason or kind)
    payload = {
        "esp": esp_name,
        "event_type": kind,
        "message_id": str(event.message_id),
        "recipient": recipient,
        "reject_reason": _text(event.reject_reason),
        "description": _text(event.description),
        "mta_response": _text(event.mta_response),
        "click_url": _text(event.click_url),
        "timestamp": timestamp,
        "error": f"{kind}: {detail}",
    }
    first = outcomes.record_event(
        provider=PROVIDER,
        event_id=_text(_event_id(event, esp_name, event.message_id, kind, recipient, timestamp)),
        event_type=MOVES.get(kind, kind),
        dispatch=dispatch,
        payload=payload,
    )
    if not first:
        return
    unwanted = kind in {EventType.COMPLAINED, EventType.UNSUBSCRIBED} or (
        kind == EventType.REJECTED and event.reject_reason in UNWANTED
    )
    if unwanted:
        contacts = scoped(Contact, dispatch.tenant_id).filter(
            email__iexact=recipient or dispatch.recipient
        )
        outcomes.set_opted_out(contacts, "email", opted_out=True, how=f"{esp_name} {kind}")
    elif kind == EventType.BOUNCED or (
        kind == EventType.REJECTED and event.reject_reason in BAD_ADDRESS
    ):
        outcomes.mark_contact_invalid(dispatch, detail)


def _is_automatic(message) -> bool:
    # Out-of-office and other robots answer too; they must not put the customer on hold.
    auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    return (
        auto_submitted != "no"
        or precedence in {"auto_reply", "bulk", "junk", "list"}
        or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
    )


@receiver(inbound, dispatch_uid="reminders.email_inbound")
def on_inbound(sender, event: AnymailInboundEvent, esp_name: str, **kwargs) -> None:
    """Put the customer who answered a reminder on hold, or unsubscribe them if asked."""
    message = event.message
    from_email = message.from_email if message is not None else None
    if from_email is None or isinstance(from_email, list) or _is_automatic(message):
        return
    address = from_email.addr_spec
    if "\x00" in address:
        return
    tenant_id = webhook_tenant.get()
    target = outcomes.reply_target("email", address, None if tenant_id is None else [tenant_id])
    if target is None:
        log.info("Inbound email from %s matches no contact", address)
        return
    customer, dispatch = target
    subject = _text(message.subject)
    if subject.strip().lower() == "unsubscribe":
        # The mailto: half of List-Unsubscribe lands here.
        contacts = scoped(Contact, customer.tenant_id).filter(email__iexact=address)
        outcomes.set_opted_out(contacts, "email", opted_out=True, how="unsubscribe email")
        return
    text = _text(message.text or strip_tags(message.html or ""))
    first = outcomes.record_event(
        provider=PROVIDER,
        event_id=_text(
            _event_id(event, esp_name, message.get("Message-ID"), address, subject, text)
        ),
        event_type="inbound",
        dispatch=dispatch,
        tenant_id=customer.tenant_id,
        payload={"esp": esp_name, "from": address, "subject": subject},
    )
    if first:
        outcomes.hold_for_reply(customer, dispatch, f"{subject}\n\n{text}".strip())
