"""Delivering webhooks: a worker claims a tenant's due deliveries, signs each attempt, POSTs
it through the egress guard and records what the endpoint answered.

- Claimed with ``SKIP LOCKED`` and a conditional update that must touch the row: many
  workers, no delivery handled twice at once. A worker that dies mid-attempt leaves its rows
  "delivering"; after ``LEASE`` they are due again (an attempt that may have arrived is
  repeated under the same ``webhook-id``, which receivers dedupe on).
- 2xx is success. 410 Gone switches the endpoint off. Anything else — another status, a
  timeout, a refused address — is retried on ``retries.SCHEDULE``; after the last attempt
  the delivery fails, and an endpoint that took nothing since that event was made is
  switched off and the tenant's owners are told.
"""

import logging
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from integrations.outgoing import retries
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.outgoing.signing import headers, secret_of
from integrations.outgoing.subscriptions import disable_subscription
from kapittx import egress
from kapittx.locks import locked
from kapittx.tenancy import scoped
from reminders.channels.encryption import CredentialsUnreadable

log = logging.getLogger(__name__)
S = DeliveryStatus
#: Deliveries one claim takes.
BATCH = 20
#: How long a worker may hold a claimed delivery; longer than a delivery task may run.
LEASE = timedelta(minutes=5)
#: A run that finds nothing due waits this long for a delivery about to fall due (the
#: first retry comes 5 s after a failure) rather than leaving it to the next tick.
LOOKAHEAD = timedelta(seconds=10)
#: How much of an answer's body the log keeps.
KEPT_BODY = 2000


@dataclass(frozen=True)
class Answer:
    """What one attempt came to."""

    status: int | None = None
    body: str = ""
    error: str = ""
    retry_after: str | None = None
    duration_ms: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def tenants_with_work(now: datetime) -> list[int]:
    """Return the tenants with deliveries due, or held past their lease."""
    due = WebhookDelivery.objects.filter(status=S.PENDING, next_attempt_at__lte=now)
    stale = WebhookDelivery.objects.filter(status=S.DELIVERING, claimed_at__lt=now - LEASE)
    ids = {*due.values_list("tenant_id", flat=True).distinct()}
    ids.update(stale.values_list("tenant_id", flat=True).distinct())
    return sorted(ids)


def reclaim(tenant_id: int, now: datetime) -> int:
    """Make deliveries whose worker stopped mid-attempt due again — or, at their last
    attempt, failed (a delivery whose every attempt stops its worker is not tried for
    ever)."""
    stale = scoped(WebhookDelivery, tenant_id).filter(
        status=S.DELIVERING, claimed_at__lt=now - LEASE
    )
    stale.filter(attempts__gte=retries.MAX_ATTEMPTS).update(
        status=S.FAILED,
        next_attempt_at=None,
        claimed_at=None,
        last_error="The worker stopped during its last attempt; not tried again.",
    )
    return stale.update(
        status=S.PENDING,
        next_attempt_at=now,
        claimed_at=None,
        last_error="The worker stopped during this attempt; it is made again.",
    )


def claim(tenant_id: int, now: datetime, limit: int = BATCH) -> list[WebhookDelivery]:
    """Take up to ``limit`` of the tenant's due deliveries for this worker."""
    rows = scoped(WebhookDelivery, tenant_id)
    with transaction.atomic():
        due = rows.filter(status=S.PENDING, next_attempt_at__lte=now)
        ids = list(locked(due, skip_locked=True).values_list("pk", flat=True)[:limit])
        # Each must move from pending to delivering here: where the database cannot skip
        # locked rows (SQLite), a row another worker took meanwhile is left to it.
        mine = [
            pk
            for pk in ids
            if rows.filter(pk=pk, status=S.PENDING).update(
                status=S.DELIVERING, claimed_at=now, attempts=F("attempts") + 1
            )
        ]
    return list(rows.filter(pk__in=mine).select_related("subscription").order_by("pk"))


def release(deliveries: list[WebhookDelivery], *, attempted: bool) -> None:
    """Give claimed deliveries back, due now (the worker's time is up)."""
    for delivery in deliveries:
        scoped(WebhookDelivery, delivery.tenant_id).filter(
            pk=delivery.pk, status=S.DELIVERING, claimed_at=delivery.claimed_at
        ).update(
            status=S.PENDING,
            next_attempt_at=timezone.now(),
            claimed_at=None,
            attempts=F("attempts") - (0 if attempted else 1),
        )


def call(session: requests.Session, delivery: WebhookDelivery, at: datetime) -> Answer:
    """Make one signed attempt of ``delivery``."""
    subscription = delivery.subscription
    try:
        signed = headers(secret_of(subscription), delivery.event_id, at, delivery.body)
    except CredentialsUnreadable as exc:
        return Answer(error=exc.message)
    started = time.monotonic()

    def took() -> int:
        return round((time.monotonic() - started) * 1000)

    try:
        response = egress.post(subscription.url, delivery.body.encode(), signed, session=session)
    except egress.EgressRefused as exc:
        return Answer(error=f"Not called: {exc.reason}", duration_ms=took())
    except requests.Timeout:
        return Answer(error="No answer in time.", duration_ms=took())
    except requests.RequestException as exc:
        return Answer(error=f"Could not connect: {exc}"[:1000], duration_ms=took())
    except SoftTimeLimitExceeded:
        raise
    except Exception as exc:  # one delivery's trouble stays its own, and is retried
        log.exception("webhook delivery %s: the attempt failed unexpectedly", delivery.pk)
        return Answer(error=f"{type(exc).__name__}: {exc}"[:1000], duration_ms=took())
    return Answer(
        status=response.status_code,
        body=response.content[:KEPT_BODY].decode("utf-8", "replace"),
        error="" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}",
        retry_after=response.headers.get("Retry-After"),
        duration_ms=took(),
    )


@transaction.atomic
def record(delivery: WebhookDelivery, answer: Answer, at: datetime) -> str:
    """Write what an attempt came to, and what it means for the endpoint; return the
    delivery's status (or "lost" when it was no longer this worker's)."""
    subscription = delivery.subscription
    mine = scoped(WebhookDelivery, delivery.tenant_id).filter(
        pk=delivery.pk, status=S.DELIVERING, claimed_at=delivery.claimed_at
    )
    endpoint = scoped(WebhookSubscription, delivery.tenant_id).filter(pk=subscription.pk)
    seen = {
        "last_attempt_at": at,
        "response_status": answer.status,
        "response_body": answer.body,
        "duration_ms": answer.duration_ms,
        "last_error": answer.error,
        "claimed_at": None,
    }
    if answer.succeeded:
        status, wait = S.SUCCEEDED, None
    elif answer.status == 410:
        status, wait = S.FAILED, None
    else:
        wait = retries.next_wait(
            delivery.attempts, at, status=answer.status, retry_after=answer.retry_after
        )
        status = S.PENDING if wait is not None else S.FAILED
    moved = mine.update(
        status=status,
        next_attempt_at=at + wait if wait is not None else None,
        succeeded_at=at if answer.succeeded else None,
        **seen,
    )
    if not moved:
        return "lost"
    if answer.succeeded:
        endpoint.update(failure_count=0, last_success_at=at)
        return status
    endpoint.update(failure_count=F("failure_count") + 1)
    if answer.status == 410:
        disable_subscription(
            subscription,
            "The endpoint answered 410 Gone: it asked for no more events.",
            tell_owners=True,
        )
    elif (
        status == S.FAILED
        and not endpoint.filter(last_success_at__gte=delivery.created_at).exists()
    ):
        disable_subscription(
            subscription,
            f"No delivery has succeeded since {delivery.created_at:%Y-%m-%d %H:%M} UTC: the "
            f"last of {retries.MAX_ATTEMPTS} attempts of {delivery.event_id} failed "
            f"({answer.error or 'no answer'}).",
            tell_owners=True,
        )
    return status


def attempt(session: requests.Session, delivery: WebhookDelivery) -> str:
    """Make and record one attempt of a claimed delivery; return its status after it."""
    # Read again: an earlier answer in this batch (410, the last attempt) or a member may
    # have switched the endpoint off since the batch was claimed.
    delivery.subscription.refresh_from_db(fields=["enabled"])
    if not delivery.subscription.enabled:
        scoped(WebhookDelivery, delivery.tenant_id).filter(
            pk=delivery.pk, status=S.DELIVERING
        ).update(
            status=S.CANCELLED,
            claimed_at=None,
            next_attempt_at=None,
            attempts=F("attempts") - 1,
            last_error="Not sent: the endpoint is switched off.",
        )
        return S.CANCELLED
    at = timezone.now()
    return record(delivery, call(session, delivery, at), at)


def next_due_in(tenant_id: int, now: datetime) -> float | None:
    """Return the seconds until the tenant's next delivery falls due, if within LOOKAHEAD."""
    soon = (
        scoped(WebhookDelivery, tenant_id)
        .filter(Q(next_attempt_at__lte=now + LOOKAHEAD), status=S.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return None if soon is None else max((soon - now).total_seconds(), 0.0)


def deliver_due(tenant_id: int, *, budget: float) -> Counter:
    """Deliver the tenant's due deliveries for up to ``budget`` seconds; return how many
    ended in each status."""
    outcomes: Counter = Counter()
    reclaim(tenant_id, timezone.now())
    deadline = time.monotonic() + budget
    with egress.guarded_session() as session:
        while time.monotonic() < deadline:
            batch = claim(tenant_id, timezone.now())
            if not batch:
                wait = next_due_in(tenant_id, timezone.now())
                if wait is None or time.monotonic() + wait >= deadline:
                    break
                time.sleep(wait)
                continue
            for done, delivery in enumerate(batch):
                try:
                    outcomes[attempt(session, delivery)] += 1
                except SoftTimeLimitExceeded:
                    release([delivery], attempted=True)
                    release(batch[done + 1 :], attempted=False)
                    raise
    return outcomes
