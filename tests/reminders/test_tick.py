"""The minute tick sweeps the tenants with something due — and only those: a tenant with
nothing due costs no sweep, one whose invoice reaches its day is swept at the next tick, and
reminders a lost message or a dead worker left are recovered for every tenant that has them.
"""

import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

import pytest
import redis
from django.utils import timezone

from collections_app.models import Dispute
from kapittx.celery import app
from kapittx.localtime import local_today, start_of_day
from kapittx.onboarding import create_tenant
from receivables import ledger
from receivables.models import Invoice
from reminders.models import Dispatch, DispatchStatus, ReminderPosition, ReminderSettings
from reminders.outbox import sweep
from reminders.outbox.reconcile import LEASE
from reminders.outbox.release import REQUEUE_AFTER
from reminders.tasks import all_queues, tick
from tests.eager_tasks import run_at_once
from tests.reminders import fakes
from tests.reminders.scenario import make_customer, make_workflow
from tests.workers import start_worker, stop

S = DispatchStatus
ZONE = "Europe/Berlin"  # the tenant's, and so its customers'


@pytest.fixture
def swept():
    """Run the sweeps a tick starts at once, as a worker would; list the tenants swept."""
    with run_at_once("reminders.sweep_tenant") as tenants:
        yield tenants


def today() -> date:
    return local_today(timezone.now(), ZONE)


def owed(customer, number: str, due_in_days: int) -> Invoice:
    """An invoice issued a month ago, due ``due_in_days`` from today."""
    issued = today() - timedelta(days=30)
    invoice = ledger.create_invoice(
        customer.tenant,
        customer,
        number=number,
        issue_date=issued,
        due_date=today() + timedelta(days=due_in_days),
        subtotal=Decimal("500.00"),
    )
    # Known since it was issued, as an invoice from the accounting system is.
    Invoice.objects.filter(pk=invoice.pk).update(
        created_at=datetime.combine(issued, datetime.min.time(), tzinfo=UTC)
    )
    return invoice


def test_a_tenant_with_nothing_due_is_not_swept(tenant, other_tenant, swept):
    # Given: Acme's new invoice, due in three weeks, waits to be placed; Globex has nothing
    make_workflow(tenant)
    owed(make_customer(tenant), "INV-1", 21)

    # When: a tick places it, and another tick comes
    assert tick() == 1
    placed = ReminderPosition.objects.get(tenant=tenant)
    del swept[:]
    started = tick()

    # Then: the invoice waits for its first step's day, and nobody was swept
    assert placed.next_at == start_of_day(today() + timedelta(days=18), ZONE)
    assert (started, swept) == (0, [])


def test_a_tenant_whose_invoice_reaches_its_day_is_swept_at_the_next_tick(
    tenant, other_tenant, swept
):
    # Given: yesterday's sweep placed Acme's invoice, due in three days, at its courtesy
    # step today; Globex's invoice, placed the same way, waits until next week
    make_workflow(tenant)
    make_workflow(other_tenant)
    customer = make_customer(tenant)
    owed(customer, "INV-1", 3)
    owed(make_customer(other_tenant), "G-1", 10)
    yesterday = timezone.now() - timedelta(days=1)
    for owner in (tenant, other_tenant):
        sweep.sweep(owner, yesterday)
    assert not Dispatch.objects.exists()

    # When: the tick comes
    tick()

    # Then: Acme alone was swept, and the courtesy reminder is in its outbox
    assert swept == [tenant.pk]
    [reminder] = Dispatch.objects.all()
    assert (reminder.customer_id, reminder.template_key) == (customer.pk, "courtesy-before-due")
    assert reminder.status in (S.PLANNED, S.QUEUED)


def test_a_disputed_invoice_is_swept_once_and_again_when_the_dispute_is_resolved(
    tenant, other_tenant, swept
):
    # Given: Acme's customer disputes an invoice a week overdue
    make_workflow(tenant)
    invoice = owed(make_customer(tenant), "INV-1", -7)
    dispute = Dispute.objects.create(tenant=tenant, invoice=invoice, reason="Wrong quantity")

    # When: a tick sweeps Acme, and another tick comes
    tick()
    assert swept == [tenant.pk]
    del swept[:]
    tick()

    # Then: nothing was planned, the invoice waits for tomorrow, and nobody was swept
    assert (swept, Dispatch.objects.exists()) == ([], False)
    placed = ReminderPosition.objects.get(invoice=invoice)
    assert placed.next_at == start_of_day(today() + timedelta(days=1), ZONE)

    # When: the dispute is resolved, and the tick comes
    dispute.status = Dispute.Status.RESOLVED
    dispute.save()
    tick()

    # Then: Acme is swept, and the reminder the invoice owes is in its outbox (the steps
    # passed over while it was held are recorded as skipped)
    assert swept == [tenant.pk]
    [reminder] = Dispatch.objects.exclude(status=S.SKIPPED)
    assert reminder.template_key == "overdue-polite"
    assert reminder.status in (S.PLANNED, S.QUEUED)


def left(contact, status: str, minutes_ago: float) -> Dispatch:
    """A reminder ``status`` since ``minutes_ago``: queued and not taken, or claimed."""
    moment = timezone.now() - timedelta(minutes=minutes_ago)
    dispatch = fakes.make_dispatch(contact, status=status, attempts=1)
    field = "queued_at" if status == S.QUEUED else "claimed_at"
    Dispatch.objects.filter(pk=dispatch.pk).update(**{field: moment})
    return Dispatch.objects.get(pk=dispatch.pk)


def test_stale_queued_and_leased_reminders_are_recovered_for_every_tenant_that_has_them(
    tenant, other_tenant, swept
):
    # Given: Acme's queued reminder no worker took, Globex's reminder whose worker died
    # before calling the provider, and Initech's two, still within their time
    initech = create_tenant("initech", "Initech")
    contacts = {
        owner: fakes.make_contact(fakes.make_customer(owner))
        for owner in (tenant, other_tenant, initech)
    }
    lost = left(contacts[tenant], S.QUEUED, REQUEUE_AFTER.total_seconds() / 60 + 1)
    dead = left(contacts[other_tenant], S.SENDING, LEASE.total_seconds() / 60 + 1)
    waiting = [left(contacts[initech], status, 2) for status in (S.QUEUED, S.SENDING)]
    # Their invoices are placed: the reminders are all the tenants have due.
    ReminderPosition.objects.update(next_at=None)

    # When: the tick comes
    tick()

    # Then: Acme's reminder is handed out again, Globex's goes back in line, Initech's
    # are left to their workers
    assert sorted(swept) == sorted([tenant.pk, other_tenant.pk])
    lost_now, dead_now = (Dispatch.objects.get(pk=d.pk) for d in (lost, dead))
    assert (lost_now.status, lost_now.queued_at > lost.queued_at) == (S.QUEUED, True)
    assert dead_now.status in (S.PLANNED, S.QUEUED)
    assert [Dispatch.objects.get(pk=d.pk).status for d in waiting] == [S.QUEUED, S.SENDING]


@pytest.mark.services
def test_the_tick_through_the_broker_has_a_worker_sweep_and_send_what_is_due(
    postgres, redis_url, transactional_db, tenant, other_tenant
):
    # Given: a window open all day; Acme's invoice reached its courtesy step today,
    # Globex's waits for next week
    for owner in (tenant, other_tenant):
        make_workflow(owner)
        ReminderSettings.objects.filter(tenant=owner).update(
            send_weekdays=[1, 2, 3, 4, 5, 6, 7],
            send_from=clock(0),
            send_until=clock.max,
            skip_public_holidays=False,
        )
    owed(make_customer(tenant), "INV-1", 3)
    owed(make_customer(other_tenant), "G-1", 10)
    sweep.sweep(other_tenant, timezone.now())
    redis.Redis.from_url(redis_url).flushdb()
    env = {"REDIS_URL": redis_url, "CELERY_BROKER_URL": redis_url, "KAPITTX_LOCAL_CHANNELS": "1"}
    worker = start_worker(env, queues=",".join(all_queues()))
    try:
        # When: beat's tick reaches the worker
        with app.connection_for_write(redis_url) as conn:
            app.send_task("reminders.tick", connection=conn)
        deadline = time.monotonic() + 60
        while not Dispatch.objects.filter(tenant=tenant, status=S.SENT).exists():
            assert time.monotonic() < deadline, "the due reminder was not sent"
            assert worker.poll() is None, "the worker exited"
            time.sleep(0.3)
    finally:
        stop(worker)

    # Then: Acme's courtesy reminder left; Globex has nothing in its outbox
    assert Dispatch.objects.get(tenant=tenant).template_key == "courtesy-before-due"
    assert not Dispatch.objects.filter(tenant=other_tenant).exists()
