"""A real worker killed with SIGKILL mid-batch: nothing is lost, nothing goes twice."""

import os
import signal
import time
from collections import Counter
from datetime import time as clock
from datetime import timedelta

import pytest
import redis
from django.core import mail
from django.db import transaction
from django.utils import timezone

from collections_app.events import Kind
from collections_app.models import TimelineEvent
from kapittx.celery import app
from reminders.models import Dispatch, DispatchStatus, ReminderSettings
from reminders.outbox import reconcile, release, send, sweep
from tests.reminders.scenario import make_customer, make_invoice, make_workflow
from tests.workers import start_worker, stop

pytestmark = pytest.mark.services

S = DispatchStatus
CUSTOMERS = 8
BLOCK_AT = 4  # the worker sends three, then hangs in the fourth call


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(
    postgres, redis_url, transactional_db, tenant, tmp_path, settings
):
    # Given: eight reminders released to one worker, which sends three and hangs in the
    # fourth provider call
    ReminderSettings.objects.filter(tenant=tenant).update(
        send_weekdays=[1, 2, 3, 4, 5, 6, 7],
        send_from=clock(0),
        send_until=clock.max,
        skip_public_holidays=False,
        min_days_between=0,
    )
    make_workflow(tenant)
    today = timezone.now().date()
    for n in range(CUSTOMERS):
        customer = make_customer(tenant, f"C-{n}", time_zone="UTC")
        make_invoice(tenant, customer, f"INV-{n}", today - timedelta(days=8))
    now = timezone.now()
    sweep.sweep(tenant, now)
    released: list[Dispatch] = []
    release.release(tenant, now, released.extend)
    ids = sorted(d.pk for d in released)
    assert len(ids) == CUSTOMERS
    log = tmp_path / "mail.log"
    log.write_text("")
    redis.Redis.from_url(redis_url).flushdb()
    worker = start_worker(
        {
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "KAPITTX_LOCAL_CHANNELS": "0",
            "EMAIL_BACKEND": "tests.reminders.outbox.blocking_mail.EmailBackend",
            "KAPITTX_TEST_MAIL_LOG": str(log),
            "KAPITTX_TEST_BLOCK_AT": str(BLOCK_AT),
        },
        name="doomed",
        queues="channel.email",
    )
    try:
        with app.connection_for_write(redis_url) as conn:
            app.send_task(
                "reminders.send_dispatches",
                (tenant.pk, ids),
                connection=conn,
                queue="channel.email",
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            lines = log.read_text().splitlines()
            marked = Dispatch.objects.filter(
                pk__in=ids, status=S.SENDING, provider_called_at__isnull=False
            ).exists()
            if len(lines) == BLOCK_AT and lines[-1].startswith("calling") and marked:
                break
            assert worker.poll() is None, "the worker exited"
            time.sleep(0.2)
        else:
            pytest.fail(f"the worker did not reach the fourth call: {log.read_text()!r}")
        # When: the worker is killed in the middle of the fourth call
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=20)
    finally:
        if worker.poll() is None:
            stop(worker)

    # Then: the three the provider took are sent, the fourth is marked as handed over, and
    # the four never reached carry no mark
    sent_by_worker = [line.split()[1] for line in log.read_text().splitlines() if "sent" in line]
    rows = {d.pk: d for d in Dispatch.objects.filter(pk__in=ids)}
    assert Counter(d.status for d in rows.values()) == {S.SENT: 3, S.SENDING: 5}
    assert sorted(d.recipient for d in rows.values() if d.status == S.SENT) == sorted(
        sent_by_worker
    )
    in_flight = [d for d in rows.values() if d.status == S.SENDING and d.provider_called_at]
    assert len(in_flight) == 1

    # After the lease, the fourth becomes interrupted and the other four go again
    later = timezone.now() + reconcile.LEASE + timedelta(minutes=1)
    assert reconcile.reconcile(tenant.pk, later) == reconcile.Reconciled(4, 1, 0)
    again: list[Dispatch] = []
    with transaction.atomic():
        release.release(tenant, later, again.extend)
    settings.KAPITTX_LOCAL_CHANNELS = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outcome = send.deliver_many(tenant.pk, [d.pk for d in again])
    assert sorted(outcome.values()) == [S.SENT] * 4

    final = Counter(Dispatch.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert final == {S.SENT: 7, S.INTERRUPTED: 1}
    # Every customer heard once, except the interrupted one, whose message may have left.
    recipients = sent_by_worker + [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 7
    assert in_flight[0].recipient not in recipients
    sent_events = Counter(
        event.data["dispatch_id"]
        for event in TimelineEvent.objects.filter(tenant=tenant, kind=Kind.REMINDER_SENT)
    )
    assert len(sent_events) == 7 and set(sent_events.values()) == {1}
