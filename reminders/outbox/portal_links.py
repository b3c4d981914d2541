"""A fresh payment-page link for a customer whose link expired, sent where the tenant knows
them: the contact the old link was for, at the address on file — never one typed in.

It is a reminder like the others (the ``statement`` template, listing what is open, with a
new link): written to the outbox, released through the contact rules, sent by a worker
through the channel (kept locally in the embedded run). Its key names the contact and the
day, so however often it is asked for, one goes per contact and day.
"""

from datetime import datetime

from django.db import IntegrityError, transaction

from collections_app import events
from collections_app.rules.recipients import pick_contact, usable_address
from kapittx.localtime import local_today
from kapittx.tenancy import scoped
from receivables.models import Contact, Customer, Invoice
from reminders.channels.registry import point_of
from reminders.models import MANUAL_KEY, Dispatch, DispatchInvoice, Template, Tone
from reminders.outbox import states

#: The template a fresh link goes out with.
TEMPLATE_KEY = "statement"
#: Channels that can carry a link, in the order they are tried.
CHANNELS = ("email", "sms", "whatsapp")
#: In the key of a fresh link's reminder: ``c<customer>:manual:portal-link:p<contact>:<day>``.
KEY_MARK = f"{MANUAL_KEY}portal-link:"


def is_fresh_link(dispatch: Dispatch) -> bool:
    """Whether ``dispatch`` carries a fresh link, and so goes to its own contact only."""
    return KEY_MARK in dispatch.key


def _reachable(customer: Customer, contact: Contact | None) -> tuple[Contact, str] | None:
    """Return the contact to send to and the channel, or None if no address on file takes
    it. Without a contact (a link of the first kind), the customer's preferred one."""
    for channel in CHANNELS:
        point = point_of(channel)
        if contact is not None:
            if usable_address(contact, channel, point):
                return contact, channel
        elif picked := pick_contact(customer, channel, point):
            return picked[0], channel
    return None


@transaction.atomic
def send_fresh_link(customer: Customer, contact: Contact | None, now: datetime) -> str | None:
    """Put a fresh link for ``contact`` (None: the customer's preferred contact) in the
    outbox; return the channel it goes by, or None when it cannot go: no address on file
    takes it, or the tenant has no ``statement`` template."""
    tenant_id = customer.tenant_id
    found = _reachable(customer, contact)
    if found is None or not scoped(Template, tenant_id).filter(key=TEMPLATE_KEY).exists():
        return None
    contact, channel = found
    day = local_today(now, customer.effective_time_zone())
    key = f"c{customer.pk}{KEY_MARK}p{contact.pk}:{day:%Y%m%d}"
    try:
        with transaction.atomic():
            dispatch = states.create(
                tenant_id=tenant_id,
                key=key,
                customer=customer,
                contact=contact,
                channel=channel,
                tone=Tone.COURTESY,
                template_key=TEMPLATE_KEY,
                due_at=now,
                send_after=now,
            )
    except IntegrityError:  # already asked for today: that one goes
        return channel
    open_ids = scoped(Invoice, tenant_id).open().filter(customer=customer).values_list("pk")
    DispatchInvoice.objects.bulk_create(
        DispatchInvoice(tenant_id=tenant_id, dispatch=dispatch, invoice_id=pk) for (pk,) in open_ids
    )
    events.record(
        customer,
        events.Kind.PORTAL_LINK_REQUESTED,
        f"A fresh payment-page link was asked for; it goes to {contact} by "
        f"{dispatch.get_channel_display()}",
        dispatch_id=dispatch.pk,
        contact_id=contact.pk,
    )
    return channel
