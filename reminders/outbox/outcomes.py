"""What happens after a message left: provider events, bad addresses, opt-outs and replies.

Webhooks, receivers and the worker all come here, so each outcome has one code path.
"""

import logging
from collections.abc import Iterable
from functools import partial

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet

from collections_app import events
from collections_app.actions import create_task
from collections_app.events import Kind
from kapittx.locks import locked
from kapittx.tenancy import scoped
from receivables.models import Contact, Customer
from reminders.channels.registry import label
from reminders.models import DeliveryEvent, Dispatch, DispatchStatus
from reminders.outbox import announce, states

log = logging.getLogger(__name__)

S = DispatchStatus


def advance(dispatch: Dispatch, status: str, error: str = "") -> bool:
    """Move ``dispatch`` to ``status`` after a provider's report, if that is forward from
    where it is now (sent, delivered, opened … and bounced or failed from the first two)."""
    if status == S.FAILED:
        # A report of failure ends a reminder the provider had; the worker's own failures
        # go through the send path.
        moved = states.move_one(dispatch, status, among=states.REPORTED_FAILURE_FROM, error=error)
        if moved:
            announce.reminder_failed(dispatch, error, reported=True)
        return moved
    moved = states.move_one(dispatch, status, **({"error": error} if error else {}))
    if moved and status == S.BOUNCED:
        announce.reminder_bounced(dispatch, error)
    return moved


def record_event(
    *,
    provider: str,
    event_id: str,
    event_type: str,
    dispatch: Dispatch | None = None,
    payload: dict,
    tenant_id: int | None = None,
) -> bool:
    """Keep a provider event once and move its dispatch forward; False if seen before.

    ``event_type`` values that are dispatch statuses (delivered, opened, bounced …) move
    the dispatch; others are only kept. ``payload["error"]`` becomes the dispatch's error.
    """
    tenant_id = dispatch.tenant_id if dispatch is not None else tenant_id
    if tenant_id is None:
        raise ValueError("An event needs its dispatch or its tenant.")
    with transaction.atomic():
        try:
            # The unique (tenant, provider, event_id) constraint decides, not a prior read:
            # a provider retrying while the first delivery is still in flight loses here.
            with transaction.atomic():
                DeliveryEvent.objects.create(
                    tenant_id=tenant_id,
                    dispatch=dispatch,
                    provider=provider,
                    event_id=event_id[:200],
                    event_type=event_type[:40],
                    payload=payload,
                )
        except IntegrityError:
            return False
        if dispatch is not None and event_type in states.REPORTED:
            advance(dispatch, event_type, str(payload.get("error", ""))[:1000])
    return True


def _tell_owner(email: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, None, [email])
    except Exception:
        # The task already carries the news; a mail outage must not fail the webhook.
        log.exception("Could not email %s about an invalid contact", email)


def mark_contact_invalid(dispatch: Dispatch, reason: str) -> bool:
    """Flag the dispatch's contact point as bad and tell the customer's owner.

    Return False when it was already flagged, so repeated bounces notify once.
    """
    channel = dispatch.channel
    name = label(channel)
    customer = dispatch.customer
    with transaction.atomic():
        contact = locked(scoped(Contact, dispatch.tenant_id).filter(pk=dispatch.contact_id)).first()
        if contact is not None:
            if channel in contact.invalid_channels:
                return False
            contact.invalid_channels = [*contact.invalid_channels, channel]
            contact.save(update_fields=["invalid_channels"])
        who = (contact.name if contact else "") or dispatch.recipient
        message = f"{name} to {who} ({dispatch.recipient}) was refused: {reason}"
        events.record(
            customer,
            Kind.CONTACT_INVALID,
            message,
            channel=channel,
            contact_id=dispatch.contact_id,
            dispatch_id=dispatch.pk,
            reason=reason,
        )
        owner = customer.owner
        create_task(
            customer,
            f"Fix the {name} contact of {customer.name}",
            f"{message}\nReminders skip this {name} address until it is corrected.",
        )
        if owner is not None and owner.email:
            transaction.on_commit(
                partial(_tell_owner, owner.email, f"{customer.name}: {name} refused", message)
            )
    return True


def set_opted_out(
    contacts: QuerySet[Contact], channel: str, *, opted_out: bool, how: str
) -> list[Contact]:
    """Opt ``contacts`` out of ``channel`` (or back in); return the contacts that changed."""
    changed: list[Contact] = []
    with transaction.atomic():
        rows = locked(contacts.select_related("customer"), of=("self",))
        for contact in rows:
            if (channel in contact.opted_out_channels) == opted_out:
                continue
            others = [c for c in contact.opted_out_channels if c != channel]
            contact.opted_out_channels = [*others, channel] if opted_out else others
            contact.save(update_fields=["opted_out_channels"])
            changed.append(contact)
        name = label(channel)
        for customer, contact in {c.customer_id: (c.customer, c) for c in changed}.values():
            verb = "opted out of" if opted_out else "opted back into"
            events.record(
                customer,
                Kind.OPTED_OUT if opted_out else Kind.OPTED_IN,
                f"{contact} {verb} {name} ({how}).",
                channel=channel,
                contact_id=contact.pk,
                how=how,
            )
        if opted_out:
            for contact in changed:
                announce.opted_out(contact, channel, how)
    return changed


def hold_for_reply(customer: Customer, dispatch: Dispatch | None, text: str) -> None:
    """Stop chasing ``customer`` until a member has read their reply."""
    channel = label(dispatch.channel) if dispatch else "message"
    reason = f"Replied by {channel}; read the reply before reminding again."[:200]
    with transaction.atomic():
        scoped(Customer, customer.tenant_id).filter(pk=customer.pk).update(
            reminders_on_hold=True, reminders_hold_reason=reason
        )
        customer.reminders_on_hold = True
        customer.reminders_hold_reason = reason
        excerpt = " ".join(text.split())[:200]
        events.record(
            customer,
            Kind.REPLY_RECEIVED,
            f"Reply by {channel}: {excerpt}",
            dispatch_id=dispatch.pk if dispatch else None,
            text=text[:10000],
        )
        announce.reply_received(customer, dispatch, dispatch.channel if dispatch else None)
        if dispatch is not None:
            advance(dispatch, S.REPLIED)


def address_filter(channel: str, address: str) -> Q:
    """Return the contacts whose ``channel`` address is ``address``."""
    if channel == "email":
        return Q(email__iexact=address)
    if channel == "whatsapp":
        return Q(whatsapp=address) | Q(whatsapp="", phone=address)
    return Q(phone=address)


def reply_target(
    channel: str, address: str, tenant_ids: Iterable[int] | None = None
) -> tuple[Customer, Dispatch | None] | None:
    """Return the customer a message from ``address`` is about, and the dispatch it answers.

    When the address belongs to contacts of several tenants, the tenant whose latest
    reminder went to it wins; with no such reminder it is ambiguous and None is returned.
    """
    contacts = Contact.objects.filter(address_filter(channel, address))
    if tenant_ids is not None:
        contacts = contacts.filter(tenant_id__in=list(tenant_ids))
    contacts = list(contacts.select_related("customer")[:100])
    if not contacts:
        return None
    latest = (
        Dispatch.objects.filter(
            tenant_id__in={c.tenant_id for c in contacts},
            customer_id__in={c.customer_id for c in contacts},
            recipient__iexact=address,
            status__in=states.WENT_OUT,
        )
        .select_related("customer")
        .order_by(F("sent_at").desc(nulls_last=True), "-id")
        .first()
    )
    if latest is not None:
        return latest.customer, latest
    if len({c.tenant_id for c in contacts}) == 1:
        return contacts[0].customer, None
    log.warning("Reply from %s matches contacts of several tenants; ignored", address)
    return None
