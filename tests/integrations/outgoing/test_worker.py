"""A real Celery worker on Redis delivers an event within seconds of its commit — woken by
the commit, not by the minute tick — and retries a failed attempt on schedule."""

import time
from datetime import date

import pytest
import redis
from django.db import transaction
from standardwebhooks import Webhook

from collections_app import actions
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery
from integrations.outgoing.subscriptions import create_subscription
from tests.reminders.scenario import make_customer
from tests.workers import start_worker, stop, wait_until

pytestmark = pytest.mark.services


def test_a_worker_delivers_an_event_seconds_after_its_commit_and_retries(
    postgres, redis_url, transactional_db, tenant, receiver, settings
):
    # Given: a worker on Redis, allowed to call this machine, and an endpoint here
    redis.Redis.from_url(redis_url).flushdb()
    settings.KAPITTX_WEBHOOKS_KICK = True
    created = create_subscription(tenant, receiver.url, ["promise.made"])
    customer = make_customer(tenant)
    env = {
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url,
        "KAPITTX_EGRESS_ALLOW_PRIVATE": "1",
        "KAPITTX_EGRESS_ALLOW_HTTP": "1",
    }
    worker = start_worker(env)
    try:
        with transaction.atomic():
            actions.promise_payment(customer, date(2026, 4, 1), source="portal")
        wait_until(lambda: len(receiver.received) == 1, "the first event arrived", 60)

        # When: a second promise is committed while the worker is up, and the endpoint
        # fails its first attempt
        receiver.reply(503, body=b"busy")
        committed = time.monotonic()
        with transaction.atomic():
            actions.promise_payment(customer, date(2026, 4, 8), source="portal")
        wait_until(lambda: len(receiver.received) == 2, "the second event arrived", 30)
        first_attempt = time.monotonic() - committed
        wait_until(lambda: len(receiver.received) == 3, "the retry arrived", 30)
        retried = time.monotonic() - committed
    finally:
        stop(worker)

    # Then: the attempt went out within seconds of the commit, the retry about 5 s later,
    # the same event (id and body), each verified by the receiver's library
    assert first_attempt < 5, f"first attempt {first_attempt:.1f} s after the commit"
    assert 4 < retried < 20, f"retry {retried:.1f} s after the commit"
    second, retry = receiver.received[1], receiver.received[2]
    assert second.headers["webhook-id"] == retry.headers["webhook-id"]
    assert second.body == retry.body
    for request in receiver.received:
        Webhook(created.secret).verify(request.body, request.headers)
    statuses = set(WebhookDelivery.objects.values_list("status", "attempts"))
    assert statuses == {(DeliveryStatus.SUCCEEDED, 1), (DeliveryStatus.SUCCEEDED, 2)}
