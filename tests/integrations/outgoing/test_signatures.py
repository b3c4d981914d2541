"""A receiver verifies each delivery with the Standard Webhooks library itself, over the raw
body as it arrived; anything tampered with is refused by that library."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from integrations.outgoing import delivery as worker
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery
from kapittx.events import publish

PROMISE = {"id": 7, "promised_on": "2026-04-01", "amount": "120.50", "currency": "EUR"}


def deliver(tenant) -> None:
    worker.deliver_due(tenant.pk, budget=2)


def test_the_receiver_verifies_the_delivery_with_the_standard_webhooks_library(
    tenant, endpoint, receiver
):
    publish(tenant.pk, "promise.made", PROMISE)
    sent = WebhookDelivery.objects.get(tenant=tenant)

    deliver(tenant)

    [request] = receiver.received
    payload = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert payload["type"] == "promise.made" and payload["data"] == PROMISE
    assert payload["timestamp"].endswith("Z")
    assert request.headers["webhook-id"] == sent.event_id and sent.event_id.startswith("msg_")
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 5
    assert request.headers["Content-Type"] == "application/json"
    assert request.body == sent.body.encode()
    sent.refresh_from_db()
    assert (sent.status, sent.attempts, sent.response_status) == (DeliveryStatus.SUCCEEDED, 1, 200)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(
            lambda body, headers: (body.replace(b"120.50", b"12050.00"), headers), id="body"
        ),
        pytest.param(lambda body, headers: (body + b" ", headers), id="trailing-space"),
        pytest.param(
            lambda body, headers: (body, {**headers, "webhook-id": "msg_someotherevent"}),
            id="event-id",
        ),
        pytest.param(
            lambda body, headers: (
                body,
                {**headers, "webhook-timestamp": str(int(headers["webhook-timestamp"]) - 1)},
            ),
            id="timestamp",
        ),
        pytest.param(
            lambda body, headers: (
                body,
                {**headers, "webhook-signature": headers["webhook-signature"][:-4] + "AAA="},
            ),
            id="signature",
        ),
    ],
)
def test_a_tampered_delivery_is_refused_by_the_library(tenant, endpoint, receiver, tamper):
    publish(tenant.pk, "promise.made", PROMISE)
    deliver(tenant)
    [request] = receiver.received
    body, headers = tamper(request.body, request.headers)

    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(body, headers)


def test_another_endpoints_secret_does_not_verify(tenant, endpoint, receiver):
    from integrations.outgoing.signing import new_secret

    publish(tenant.pk, "promise.made", PROMISE)
    deliver(tenant)
    [request] = receiver.received
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(request.body, request.headers)


def test_a_retry_days_later_carries_the_same_id_and_body_and_a_fresh_timestamp(
    tenant, endpoint, receiver
):
    # Given: an event whose first attempt failed two days ago
    receiver.reply(500, body=b"down")
    receiver.reply(200)
    publish(tenant.pk, "promise.made", PROMISE)
    deliver(tenant)
    first = receiver.received[0]
    WebhookDelivery.objects.filter(tenant=tenant).update(
        created_at=timezone.now() - timedelta(days=2), next_attempt_at=timezone.now()
    )

    # When: the retry goes
    deliver(tenant)

    # Then: the receiver sees the same event, signed for now, and verifies it
    retry = receiver.received[1]
    assert retry.headers["webhook-id"] == first.headers["webhook-id"]
    assert retry.body == first.body
    assert Webhook(endpoint.secret).verify(retry.body, retry.headers)["data"] == PROMISE
    assert WebhookDelivery.objects.get(tenant=tenant).attempts == 2
