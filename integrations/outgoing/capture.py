"""Events become deliveries: each event a lower layer publishes (``kapittx.events``) is
written as one delivery row per enabled endpoint that asks for it, in the transaction of the
change it reports — so an event is delivered if and only if that change is committed.

A tenant without endpoints costs one indexed query per publishing call (per batch, in a
worker sending reminders).
"""

from collections.abc import Iterable

from django.utils import timezone

from integrations.outgoing import kicks
from integrations.outgoing.envelope import envelope, new_event_id
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from kapittx.bulk import insert_ignoring_conflicts
from kapittx.events import published
from kapittx.tenancy import scoped
from reminders.outbox.batch_memo import memo

COLUMNS = [
    "tenant",
    "subscription",
    "event_id",
    "event_type",
    "body",
    "status",
    "attempts",
    "next_attempt_at",
    "created_at",
    "response_body",
    "last_error",
]


def capture(tenant_id: int, events: Iterable[tuple[str, dict]]) -> int:
    """Write the deliveries of ``events`` for the tenant's endpoints; return how many."""
    # A worker sending a batch of reminders publishes one event per message: the endpoints
    # are read once per batch (one switched off meanwhile has its deliveries cancelled
    # when they are claimed).
    endpoints = memo(
        ("webhook_endpoints", tenant_id),
        lambda: list(
            scoped(WebhookSubscription, tenant_id)
            .filter(enabled=True)
            .values_list("pk", "event_types")
        ),
    )
    if not endpoints:
        return 0
    now = timezone.now()
    rows = []
    for event_type, data in events:
        wanting = [pk for pk, types in endpoints if event_type in types]
        if not wanting:
            continue
        # One id per event, shared by its endpoints: a receiver behind two endpoints sees
        # the same webhook-id twice and can tell.
        event_id, body = new_event_id(), envelope(event_type, data, now)
        rows.extend(
            (tenant_id, pk, event_id, event_type, body, DeliveryStatus.PENDING, 0, now, now, "", "")
            for pk in wanting
        )
    if rows:
        insert_ignoring_conflicts(WebhookDelivery, COLUMNS, rows)
        kicks.kick(tenant_id)
    return len(rows)


def on_published(sender, tenant_id: int, events: list[tuple[str, dict]], **kwargs) -> None:
    capture(tenant_id, events)


def connect() -> None:
    """Have every published event captured (called once, when the app is ready)."""
    published.connect(on_published, dispatch_uid="integrations.outgoing.capture")
