"""Two real Celery workers and two overlapping sweeps: every due reminder leaves exactly once."""

import time
from collections import Counter
from datetime import time as clock
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from collections_app.events import Kind
from collections_app.models import TimelineEvent
from kapittx.celery import app
from reminders.models import Dispatch, DispatchStatus, ReminderSettings
from reminders.tasks import all_queues
from tests.reminders.scenario import make_customer, make_invoice, make_workflow
from tests.workers import start_worker, stop

pytestmark = pytest.mark.services

CUSTOMERS = 60


def test_two_workers_and_overlapping_sweeps_send_each_reminder_once(
    postgres, redis_url, transactional_db, tenant
):
    # Given: a window open all day every day, and 60 customers whose +7 step is due now
    ReminderSettings.objects.update_or_create(
        tenant=tenant,
        defaults={
            "send_weekdays": [1, 2, 3, 4, 5, 6, 7],
            "send_from": clock(0),
            "send_until": clock.max,
            "skip_public_holidays": False,
        },
    )
    make_workflow(tenant)
    today = timezone.now().date()
    for n in range(CUSTOMERS):
        customer = make_customer(tenant, f"C-{n}", time_zone="UTC")
        make_invoice(tenant, customer, f"INV-{n}", today - timedelta(days=8))
    redis.Redis.from_url(redis_url).flushdb()
    env = {"REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url, "KAPITTX_LOCAL_CHANNELS": "1"}
    queues = ",".join(all_queues())
    workers = [start_worker(env, name=f"w{n}", queues=queues) for n in (1, 2)]
    try:
        # When: two sweeps of the same tenant run at once, and every send is handed out twice
        with app.connection_for_write(redis_url) as conn:
            for _ in range(2):
                app.send_task("reminders.sweep_tenant", (tenant.pk,), connection=conn)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if Dispatch.objects.filter(tenant=tenant, status=DispatchStatus.SENT).count() >= (
                CUSTOMERS
            ):
                break
            assert all(w.poll() is None for w in workers), "a worker exited"
            time.sleep(0.5)
        with app.connection_for_write(redis_url) as conn:
            for pk in Dispatch.objects.filter(tenant=tenant).values_list("pk", flat=True)[:20]:
                app.send_task(
                    "reminders.send_dispatches",
                    (tenant.pk, [pk]),
                    connection=conn,
                    queue="channel.email",
                )
        time.sleep(3)
    finally:
        for worker in workers:
            stop(worker)

    # Then: one dispatch per customer, each sent once, on its first and only attempt; the
    # two earlier steps nobody swept in time are recorded as skipped, once each
    every = Dispatch.objects.filter(tenant=tenant)
    assert every.filter(status=DispatchStatus.SKIPPED).count() == 2 * CUSTOMERS
    dispatches = every.exclude(status=DispatchStatus.SKIPPED)
    assert dispatches.count() == CUSTOMERS
    assert set(dispatches.values_list("status", flat=True)) == {DispatchStatus.SENT}
    assert set(dispatches.values_list("attempts", flat=True)) == {1}
    sent_events = Counter(
        event.data["dispatch_id"]
        for event in TimelineEvent.objects.filter(tenant=tenant, kind=Kind.REMINDER_SENT)
    )
    assert len(sent_events) == CUSTOMERS and set(sent_events.values()) == {1}
