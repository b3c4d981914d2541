"""What reminders tell the layers above (``kapittx.events``): a reminder sent, failed or
bounced, a customer's reply or opt-out. Called in the transaction of the change, beside its
timeline entry.

Payloads are thin — ids, the customer's external id, the channel — money-free and without
message text; the API has the rest.
"""

from datetime import datetime

from kapittx.events import publish
from receivables.models import Contact, Customer
from reminders.models import Dispatch


def _customer(customer: Customer) -> dict:
    return {"customer": customer.pk, "customer_external_id": customer.external_id}


def _reminder(dispatch: Dispatch) -> dict:
    return {
        "id": dispatch.pk,
        "channel": dispatch.channel,
        "tone": dispatch.tone,
        "template": dispatch.template_key,
        "contact": dispatch.contact_id,
        **_customer(dispatch.customer),
    }


def reminder_sent(dispatch: Dispatch, sent_at: datetime) -> None:
    publish(
        dispatch.tenant_id,
        "reminder.sent",
        {**_reminder(dispatch), "sent_at": sent_at.isoformat().replace("+00:00", "Z")},
    )


def reminder_failed(dispatch: Dispatch, error: str, *, reported: bool = False) -> None:
    """``reported``: the provider said so after taking it, rather than the send failing."""
    publish(
        dispatch.tenant_id,
        "reminder.failed",
        {**_reminder(dispatch), "error": error[:500], "reported_by_provider": reported},
    )


def reminder_bounced(dispatch: Dispatch, error: str) -> None:
    publish(dispatch.tenant_id, "reminder.bounced", {**_reminder(dispatch), "error": error[:500]})


def reply_received(customer: Customer, dispatch: Dispatch | None, channel: str | None) -> None:
    publish(
        customer.tenant_id,
        "reply.received",
        {"reminder": dispatch.pk if dispatch else None, "channel": channel, **_customer(customer)},
    )


def opted_out(contact: Contact, channel: str, how: str) -> None:
    publish(
        contact.tenant_id,
        "customer.opted_out",
        {"contact": contact.pk, "channel": channel, "how": how, **_customer(contact.customer)},
    )
