"""The one place timeline entries are written."""

from collections.abc import Iterable

from django.utils import timezone

from collections_app.models import TimelineEvent
from kapittx.bulk import insert_ignoring_conflicts
from receivables.models import Customer


class Kind:
    REMINDER_SENT = "reminder_sent"  # a dispatch left through its channel
    REMINDER_FAILED = "reminder_failed"  # a dispatch failed for good
    REMINDER_INTERRUPTED = "reminder_interrupted"  # its worker stopped mid-call; may have left
    REMINDER_CANCELLED = "reminder_cancelled"  # a member stopped a pending dispatch
    REMINDER_SENT_AGAIN = "reminder_sent_again"  # a member put a dispatch back in line
    REMINDER_REQUESTED = "reminder_requested"  # a member sent a reminder by hand
    REPLY_RECEIVED = "reply_received"  # the customer answered a reminder
    OPTED_OUT = "opted_out"  # STOP or unsubscribe
    OPTED_IN = "opted_in"  # START
    PROMISE_MADE = "promise_made"  # a promise to pay was recorded
    DISPUTE_OPENED = "dispute_opened"  # the customer contested an invoice
    PAYMENT_REPORTED = "payment_reported"  # the customer says an invoice is already paid
    CALLBACK_REQUESTED = "callback_requested"  # the customer asked to be called back
    CONTACT_INVALID = "contact_invalid"  # an address bounced or a number was refused
    REMINDERS_RESUMED = "reminders_resumed"  # a member lifted a hold
    REMINDERS_CHANGED = "reminders_changed"  # a member changed how the customer is chased
    PORTAL_LINKS_REVOKED = "portal_links_revoked"  # a member revoked a contact's page links
    PORTAL_LINK_REQUESTED = "portal_link_requested"  # a fresh page link was asked for


def record(customer: Customer, kind: str, message: str, **data) -> TimelineEvent:
    """Add an entry to ``customer``'s timeline."""
    return TimelineEvent.objects.create(
        tenant_id=customer.tenant_id, customer=customer, kind=kind, message=message, data=data
    )


def record_many(entries: Iterable[tuple[Customer, str, str, dict]]) -> None:
    """Add several timeline entries at once: (customer, kind, message, data) each."""
    now = timezone.now()
    # A worker notes every reminder it sends: rows go in one statement, without model objects.
    insert_ignoring_conflicts(
        TimelineEvent,
        ["tenant", "customer", "kind", "message", "data", "created_at"],
        (
            (customer.tenant_id, customer.pk, kind, message, data, now)
            for customer, kind, message, data in entries
        ),
    )
