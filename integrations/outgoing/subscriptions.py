"""Making, changing, switching and removing a tenant's webhook endpoints, sending one a
test event, and sending one delivery again: the one code path for the page and the API.

A refusal is a ``ValidationError`` keyed by field (``url``, ``event_types``), in words for
the person who typed it.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from integrations.outgoing import kicks, notices
from integrations.outgoing.catalogue import EVENT_TYPES, TEST_EVENT
from integrations.outgoing.envelope import envelope, new_event_id
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.outgoing.signing import new_secret, seal
from kapittx import egress
from kapittx.models import Tenant, User
from kapittx.tenancy import scoped

S = DeliveryStatus

#: Endpoints a tenant may have.
MAX_SUBSCRIPTIONS = 20
MAX_URL_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class Created:
    subscription: WebhookSubscription
    secret: str  # shown once; only its encrypted form is kept


def check_event_types(event_types: list[str]) -> str | None:
    """Return what is wrong with the event types an endpoint asks for, or None."""
    unknown = sorted(set(event_types) - set(EVENT_TYPES))
    if unknown:
        return f"Unknown event types: {', '.join(unknown)}."
    if not event_types:
        return "Choose at least one event."
    return None


def check_endpoint(url: str, event_types: list[str]) -> dict[str, str]:
    """Return what is wrong with an endpoint's address and event types, by field."""
    errors = {}
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        errors["url"] = f"Use at most {MAX_URL_LENGTH} characters."
    else:
        try:
            egress.check_url(url)
        except egress.EgressRefused as exc:
            errors["url"] = exc.reason
    if problem := check_event_types(event_types):
        errors["event_types"] = problem
    return errors


def _in_catalogue_order(event_types: list[str]) -> list[str]:
    wanted = set(event_types)
    return [event for event in EVENT_TYPES if event in wanted]


def _description(text: str) -> str:
    return text.strip()[:MAX_DESCRIPTION_LENGTH]


def create_subscription(
    tenant: Tenant,
    url: str,
    event_types: list[str],
    *,
    description: str = "",
    created_by: User | None = None,
) -> Created:
    """Add an endpoint for ``event_types``; return it with its new secret (shown once)."""
    errors = check_endpoint(url, event_types)
    if scoped(WebhookSubscription, tenant).count() >= MAX_SUBSCRIPTIONS:
        errors.setdefault("url", f"A tenant has at most {MAX_SUBSCRIPTIONS} endpoints.")
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    subscription = WebhookSubscription.objects.create(
        tenant=tenant,
        url=url.strip(),
        description=_description(description),
        event_types=_in_catalogue_order(event_types),
        secret_encrypted=seal(secret),
        secret_hint=secret[:12],
        created_by=created_by,
    )
    return Created(subscription, secret)


def change_subscription(
    subscription: WebhookSubscription,
    *,
    event_types: list[str] | None = None,
    description: str | None = None,
) -> list[str]:
    """Change the events an endpoint is sent, or its description; return the names of the
    fields that changed (None leaves a field as it is).

    Its address and secret stay: a different receiver is a new endpoint with its own
    secret. Events published after this commits are written by the new list; deliveries
    already made stay in line (switching the endpoint off cancels them). A worker in the
    middle of a batch of sends reads the endpoints once per batch, so it may write that
    batch's events by the old list. Raise ``ValidationError`` keyed by field.
    """
    changes: dict[str, object] = {}
    if event_types is not None:
        if problem := check_event_types(event_types):
            raise ValidationError({"event_types": problem})
        wanted = _in_catalogue_order(event_types)
        if wanted != subscription.event_types:
            changes["event_types"] = wanted
    if description is not None:
        text = _description(description)
        if text != subscription.description:
            changes["description"] = text
    if changes:
        scoped(WebhookSubscription, subscription.tenant_id).filter(pk=subscription.pk).update(
            **changes
        )
        subscription.refresh_from_db()
    return list(changes)


def enable_subscription(subscription: WebhookSubscription) -> bool:
    """Switch an endpoint back on, its failures forgotten; False if it was on.

    Raise ``ValidationError`` when its address may no longer be called.
    """
    if subscription.enabled:
        return False
    try:
        egress.check_url(subscription.url)
    except egress.EgressRefused as exc:
        raise ValidationError({"url": exc.reason}) from None
    changed = (
        scoped(WebhookSubscription, subscription.tenant_id)
        .filter(pk=subscription.pk, enabled=False)
        .update(enabled=True, failure_count=0, disabled_at=None, disabled_reason="")
    )
    subscription.refresh_from_db()
    return bool(changed)


@transaction.atomic
def disable_subscription(
    subscription: WebhookSubscription, reason: str, *, tell_owners: bool = False
) -> bool:
    """Switch an endpoint off and cancel what waits for it; False if it was off already.

    ``tell_owners`` emails the tenant's owners once this commits (the endpoint was switched
    off by the workers, not by a member).
    """
    now = timezone.now()
    changed = (
        scoped(WebhookSubscription, subscription.tenant_id)
        .filter(pk=subscription.pk, enabled=True)
        .update(enabled=False, disabled_at=now, disabled_reason=reason[:300])
    )
    if not changed:
        return False
    scoped(WebhookDelivery, subscription.tenant_id).filter(
        subscription=subscription, status=S.PENDING
    ).update(
        status=S.CANCELLED,
        next_attempt_at=None,
        last_error=f"Not sent: the endpoint was switched off ({reason})"[:1000],
    )
    subscription.refresh_from_db()
    if tell_owners:
        transaction.on_commit(partial(notices.endpoint_disabled, subscription), robust=True)
    return True


def delete_subscription(subscription: WebhookSubscription) -> None:
    """Remove an endpoint and its delivery log."""
    scoped(WebhookSubscription, subscription.tenant_id).filter(pk=subscription.pk).delete()


def send_test_event(
    subscription: WebhookSubscription, now: datetime | None = None
) -> WebhookDelivery:
    """Queue a ``ping`` for the endpoint, delivered, signed and retried like any event.

    Raise ``ValidationError`` when the endpoint is switched off.
    """
    if not subscription.enabled:
        raise ValidationError("Switch the endpoint on before sending it a test event.")
    now = now or timezone.now()
    data = {"subscription": subscription.pk, "message": "A test event from Kapittx."}
    delivery = WebhookDelivery.objects.create(
        tenant_id=subscription.tenant_id,
        subscription=subscription,
        event_id=new_event_id(),
        event_type=TEST_EVENT,
        body=envelope(TEST_EVENT, data, now),
        next_attempt_at=now,
        created_at=now,
    )
    kicks.kick(subscription.tenant_id)
    return delivery


def send_again(delivery: WebhookDelivery) -> bool:
    """Put one delivery back in line with a fresh round of attempts (same event id and
    body, so the receiver can tell it is the same event); False when it cannot go: its
    endpoint is off, or a worker is sending it now."""
    subscription = delivery.subscription
    if not subscription.enabled:
        return False
    moved = (
        scoped(WebhookDelivery, delivery.tenant_id)
        .filter(pk=delivery.pk, status__in=[S.SUCCEEDED, S.FAILED, S.CANCELLED, S.PENDING])
        .update(status=S.PENDING, attempts=0, next_attempt_at=timezone.now(), claimed_at=None)
    )
    if moved:
        kicks.kick(delivery.tenant_id)
    delivery.refresh_from_db()
    return bool(moved)
