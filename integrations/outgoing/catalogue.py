"""The events a webhook endpoint can ask for, each with what it means (shown on the page
and in docs/webhooks.md)."""

#: Event type → when it is sent.
EVENT_TYPES: dict[str, str] = {
    "invoice.created": "An invoice was added.",
    "invoice.updated": "An invoice changed: its amounts, dates, status or balance.",
    "invoice.overdue": "An open invoice passed its due date (sent once, the day after).",
    "payment.recorded": "A payment was recorded and applied to invoices.",
    "reminder.sent": "A reminder left through its channel.",
    "reminder.failed": "A reminder could not be sent, or its provider reported it failed.",
    "reminder.bounced": "A reminder's provider reported that it bounced.",
    "reply.received": "A customer answered a reminder.",
    "customer.opted_out": "A contact opted out of a channel (STOP, unsubscribe, complaint).",
    "dispute.opened": "A customer disputed an invoice.",
    "promise.made": "A customer promised to pay by a date.",
    "payment.reported": "A customer said invoices are already paid.",
}

#: The event "send a test event" delivers; no endpoint asks for it.
TEST_EVENT = "ping"
