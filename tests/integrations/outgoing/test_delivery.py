"""The worker claims due deliveries, makes each attempt and records what the endpoint said:
success, a retry on schedule, or — after 410, or three days of failures — the endpoint
switched off and its owners told."""

import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from cryptography.fernet import Fernet
from django.db import connection
from django.utils import timezone

from integrations.outgoing import delivery as worker
from integrations.outgoing import retries
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery
from integrations.outgoing.retries import MAX_ATTEMPTS
from kapittx.events import publish, publish_many

S = DeliveryStatus
EVENT = ("promise.made", {"id": 1, "promised_on": "2026-04-01"})


def deliver(tenant, budget: float = 2):
    return worker.deliver_due(tenant.pk, budget=budget)


def only(tenant) -> WebhookDelivery:
    return WebhookDelivery.objects.get(tenant=tenant)


def test_a_failed_attempt_is_kept_and_tried_again_on_schedule(tenant, endpoint, receiver):
    receiver.reply(500, body=b"boom: database down")
    publish(tenant.pk, *EVENT)
    before = timezone.now()

    assert deliver(tenant) == {S.PENDING: 1}

    d = only(tenant)
    assert (d.status, d.attempts, d.response_status) == (S.PENDING, 1, 500)
    assert (d.response_body, d.last_error) == ("boom: database down", "HTTP 500")
    assert (
        before + timedelta(seconds=4.5)
        <= d.next_attempt_at
        <= timezone.now() + timedelta(seconds=5.5)
    )
    assert d.duration_ms is not None and d.claimed_at is None
    endpoint.subscription.refresh_from_db()
    assert endpoint.subscription.failure_count == 1 and endpoint.subscription.enabled


def test_a_success_forgets_the_endpoints_failures(tenant, endpoint, receiver):
    receiver.reply(502)
    publish(tenant.pk, *EVENT)
    deliver(tenant)
    WebhookDelivery.objects.update(next_attempt_at=timezone.now())

    assert deliver(tenant) == {S.SUCCEEDED: 1}

    d, subscription = only(tenant), endpoint.subscription
    subscription.refresh_from_db()
    assert (d.status, d.attempts, d.last_error) == (S.SUCCEEDED, 2, "")
    assert d.succeeded_at and d.next_attempt_at is None
    assert subscription.failure_count == 0 and subscription.last_success_at == d.succeeded_at


def test_a_410_switches_the_endpoint_off_and_tells_the_owners(
    tenant, owner, endpoint, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    receiver.reply(410, body=b"gone")
    publish_many(tenant.pk, [EVENT, EVENT])

    with django_capture_on_commit_callbacks(execute=True):
        deliver(tenant)

    # The first answer ended it: no retry, and the other event was not sent.
    assert len(receiver.received) == 1
    statuses = sorted(WebhookDelivery.objects.values_list("status", flat=True))
    assert statuses == [S.CANCELLED, S.FAILED]
    subscription = endpoint.subscription
    subscription.refresh_from_db()
    assert not subscription.enabled and "410 Gone" in subscription.disabled_reason
    [mail] = mailoutbox
    assert mail.to == [owner.email] and "switched off" in mail.subject
    assert subscription.url in mail.body and "410 Gone" in mail.body


def test_after_the_last_attempt_the_delivery_fails_and_the_endpoint_is_switched_off(
    tenant, owner, teammate, endpoint, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    # Given: an event tried nine times over three days, never taken
    receiver.reply(503, {"Retry-After": "60"})
    publish(tenant.pk, *EVENT)
    WebhookDelivery.objects.update(
        attempts=MAX_ATTEMPTS - 1, created_at=timezone.now() - timedelta(days=3)
    )

    # When: the last attempt fails too
    with django_capture_on_commit_callbacks(execute=True):
        deliver(tenant)

    # Then: the delivery failed for good, the endpoint is off, and the owner (only) is told
    d = only(tenant)
    assert (d.status, d.attempts, d.next_attempt_at) == (S.FAILED, MAX_ATTEMPTS, None)
    subscription = endpoint.subscription
    subscription.refresh_from_db()
    assert not subscription.enabled and subscription.disabled_at
    assert f"the last of {MAX_ATTEMPTS} attempts of {d.event_id} failed (HTTP 503)" in (
        subscription.disabled_reason
    )
    [mail] = mailoutbox
    assert mail.to == [owner.email]
    assert f"/integrations/webhooks/{subscription.pk}/" in mail.body


def test_an_endpoint_that_took_events_since_is_not_switched_off_for_one_lost_event(
    tenant, owner, endpoint, receiver, mailoutbox, django_capture_on_commit_callbacks
):
    receiver.reply(500)
    publish(tenant.pk, *EVENT)
    now = timezone.now()
    WebhookDelivery.objects.update(attempts=MAX_ATTEMPTS - 1, created_at=now - timedelta(days=3))
    endpoint.subscription.__class__.objects.update(last_success_at=now - timedelta(days=1))

    with django_capture_on_commit_callbacks(execute=True):
        deliver(tenant)

    assert only(tenant).status == S.FAILED
    endpoint.subscription.refresh_from_db()
    assert endpoint.subscription.enabled and mailoutbox == []


def test_no_answer_in_time_is_a_failed_attempt(tenant, endpoint, local_egress, settings):
    # A server that takes the connection and never answers.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    endpoint.subscription.__class__.objects.update(
        url=f"http://127.0.0.1:{silent.getsockname()[1]}/hooks"
    )
    settings.KAPITTX_EGRESS_READ_TIMEOUT = 0.3
    publish(tenant.pk, *EVENT)
    try:
        deliver(tenant)
    finally:
        silent.close()
    d = only(tenant)
    assert (d.status, d.response_status, d.last_error) == (S.PENDING, None, "No answer in time.")


def test_a_closed_port_is_a_failed_attempt(tenant, endpoint, local_egress):
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    endpoint.subscription.__class__.objects.update(url=f"http://127.0.0.1:{port}/hooks")
    publish(tenant.pk, *EVENT)
    deliver(tenant)
    d = only(tenant)
    assert d.status == S.PENDING and d.last_error.startswith("Could not connect:")


def test_a_run_waits_for_a_retry_due_within_seconds(tenant, endpoint, receiver, monkeypatch):
    monkeypatch.setattr(retries, "SCHEDULE", (timedelta(seconds=0.3), *retries.SCHEDULE[1:]))
    receiver.reply(500)
    publish(tenant.pk, *EVENT)

    assert deliver(tenant, budget=5) == {S.PENDING: 1, S.SUCCEEDED: 1}
    assert len(receiver.received) == 2 and only(tenant).status == S.SUCCEEDED


def test_a_claimed_delivery_is_nobody_elses_until_its_lease_runs_out(tenant, endpoint, receiver):
    publish(tenant.pk, *EVENT)
    now = timezone.now()
    [claimed] = worker.claim(tenant.pk, now)
    assert worker.claim(tenant.pk, now) == []
    assert deliver(tenant) == {}

    # Its worker died: after the lease the delivery is due again, the attempt counted.
    later = now + worker.LEASE + timedelta(seconds=1)
    assert worker.tenants_with_work(later) == [tenant.pk]
    WebhookDelivery.objects.update(claimed_at=now - worker.LEASE - timedelta(seconds=1))
    assert deliver(tenant) == {S.SUCCEEDED: 1}
    assert only(tenant).attempts == 2 and len(receiver.received) == 1


def test_a_delivery_whose_last_attempt_stopped_its_worker_is_given_up(tenant, endpoint):
    publish(tenant.pk, *EVENT)
    long_ago = timezone.now() - worker.LEASE - timedelta(minutes=1)
    WebhookDelivery.objects.update(status=S.DELIVERING, claimed_at=long_ago, attempts=MAX_ATTEMPTS)

    assert worker.reclaim(tenant.pk, timezone.now()) == 0

    d = only(tenant)
    assert (d.status, d.claimed_at) == (S.FAILED, None) and "last attempt" in d.last_error


def test_the_tick_finds_only_tenants_with_something_due(tenant, other_tenant, endpoint):
    publish(tenant.pk, *EVENT)
    now = timezone.now()
    assert worker.tenants_with_work(now) == [tenant.pk]
    WebhookDelivery.objects.update(next_attempt_at=now + timedelta(minutes=5))
    assert worker.tenants_with_work(now) == []


def test_time_running_out_gives_the_claimed_deliveries_back(
    tenant, endpoint, receiver, monkeypatch
):
    publish_many(tenant.pk, [EVENT, EVENT, EVENT])

    def out_of_time(*args):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(worker, "call", out_of_time)
    with pytest.raises(SoftTimeLimitExceeded):
        deliver(tenant)

    rows = WebhookDelivery.objects.order_by("pk").values_list("status", "attempts")
    # The one under way may have arrived: it counts; the others were never tried.
    assert list(rows) == [(S.PENDING, 1), (S.PENDING, 0), (S.PENDING, 0)]
    assert worker.tenants_with_work(timezone.now()) == [tenant.pk]


def test_a_switched_off_endpoint_is_sent_nothing(tenant, endpoint, receiver):
    publish(tenant.pk, *EVENT)
    endpoint.subscription.__class__.objects.update(enabled=False)
    assert deliver(tenant) == {S.CANCELLED: 1}
    assert receiver.received == [] and only(tenant).attempts == 0


def test_a_secret_no_key_decrypts_fails_the_attempt_without_calling(
    tenant, endpoint, receiver, settings
):
    publish(tenant.pk, *EVENT)
    settings.SECRET_KEY = "another-secret-key"
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()

    deliver(tenant)

    d = only(tenant)
    assert receiver.received == [] and d.status == S.PENDING
    assert "cannot be decrypted" in d.last_error


@pytest.mark.django_db(transaction=True)
def test_workers_claiming_at_once_never_take_the_same_delivery(postgres, tenant, subscribe):
    subscribe(tenant, ["promise.made"])
    publish_many(tenant.pk, [EVENT] * 60)
    start = threading.Barrier(4)

    def take() -> list[int]:
        start.wait()
        try:
            return [d.pk for d in worker.claim(tenant.pk, timezone.now(), limit=20)]
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        taken = [pk for batch in pool.map(lambda _: take(), range(4)) for pk in batch]

    assert len(taken) == len(set(taken)) == 60
    assert set(WebhookDelivery.objects.values_list("status", "attempts")) == {(S.DELIVERING, 1)}


def test_an_answer_that_stalls_half_way_is_a_failed_attempt(
    tenant, endpoint, local_egress, settings
):
    # A server that sends its headers and the start of the body, then nothing more.
    stalling = socket.socket()
    stalling.bind(("127.0.0.1", 0))
    stalling.listen()

    def answer_half() -> None:
        connection, _ = stalling.accept()
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")
        time.sleep(1)
        connection.close()

    threading.Thread(target=answer_half, daemon=True).start()
    endpoint.subscription.__class__.objects.update(
        url=f"http://127.0.0.1:{stalling.getsockname()[1]}/hooks"
    )
    settings.KAPITTX_EGRESS_READ_TIMEOUT = 0.3
    publish(tenant.pk, *EVENT)
    try:
        deliver(tenant)
    finally:
        stalling.close()
    d = only(tenant)
    assert (d.status, d.last_error) == (S.PENDING, "No answer in time.")
