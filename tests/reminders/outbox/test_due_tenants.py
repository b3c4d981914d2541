"""The tick's question: which tenants have something due now. A tenant is due as soon as one
row of any kind its sweep handles says so, and not a moment before; the rest are not asked."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kapittx.onboarding import create_tenant
from reminders.models import Dispatch, DispatchStatus, ReminderPosition
from reminders.outbox.due_tenants import due_tenants
from reminders.outbox.reconcile import LEASE
from reminders.outbox.release import REQUEUE_AFTER
from tests.reminders.fakes import make_contact, make_customer, make_dispatch

S = DispatchStatus
SECOND = timedelta(seconds=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def contact(tenant):
    return make_contact(make_customer(tenant, name="Brandt Maschinenbau"))


def at(dispatch: Dispatch, **moments) -> None:
    Dispatch.objects.filter(pk=dispatch.pk).update(**moments)


def placed_with_nothing_left() -> None:
    """Every invoice placed, no step left to come: positions make no tenant due."""
    ReminderPosition.objects.update(next_at=None)


def test_a_tenant_with_nothing_in_the_outbox_or_to_place_is_not_due(tenant, other_tenant, now):
    assert due_tenants(now) == []


@pytest.mark.parametrize(
    ("fields", "due"),
    [
        pytest.param({"status": S.PLANNED, "send_after": -SECOND}, True, id="planned-passed"),
        pytest.param({"status": S.PLANNED, "send_after": SECOND}, False, id="planned-to-come"),
        pytest.param({"status": S.QUEUED, "queued_at": -REQUEUE_AFTER - SECOND}, True, id="lost"),
        pytest.param({"status": S.QUEUED, "queued_at": SECOND - REQUEUE_AFTER}, False, id="queued"),
        pytest.param({"status": S.SENDING, "claimed_at": -LEASE - SECOND}, True, id="left"),
        pytest.param({"status": S.SENDING, "claimed_at": SECOND - LEASE}, False, id="sending"),
        pytest.param({"status": S.SENT, "send_after": -LEASE}, False, id="sent"),
        pytest.param({"status": S.INTERRUPTED, "send_after": -LEASE}, False, id="interrupted"),
    ],
)
def test_a_reminder_makes_its_tenant_due_once_its_sweep_has_work_with_it(
    contact, other_tenant, now, fields, due
):
    moments = {key: now + value for key, value in fields.items() if key != "status"}
    at(make_dispatch(contact, status=fields["status"]), **moments)
    placed_with_nothing_left()

    assert due_tenants(now) == ([contact.tenant_id] if due else [])


@pytest.mark.parametrize(
    ("next_at", "due"),
    [
        pytest.param(-SECOND, True, id="its-day-has-come"),
        pytest.param(SECOND, False, id="its-day-is-to-come"),
        pytest.param(None, False, id="no-step-left"),
        pytest.param(ReminderPosition.AT_NEXT_SWEEP, True, id="to-place-again"),
    ],
)
def test_an_invoice_makes_its_tenant_due_once_its_moment_has_come(
    contact, other_tenant, now, next_at, due
):
    make_dispatch(contact, status=S.SENT)
    moment = now + next_at if isinstance(next_at, timedelta) else next_at
    ReminderPosition.objects.update(next_at=moment)

    assert due_tenants(now) == ([contact.tenant_id] if due else [])


def test_one_row_due_among_many_makes_its_tenant_due_and_only_it(tenant, other_tenant, now):
    # Given: two tenants with many reminders sent and invoices placed for later
    contacts = {}
    for owner in (tenant, other_tenant):
        contacts[owner] = make_contact(make_customer(owner, name="Customer"))
        for _ in range(30):
            make_dispatch(contacts[owner], status=S.SENT)
    ReminderPosition.objects.update(next_at=now + timedelta(days=3))
    assert due_tenants(now) == []

    # When: one of Globex's invoices reaches its moment
    position = ReminderPosition.objects.filter(tenant=other_tenant).first()
    ReminderPosition.objects.filter(pk=position.pk).update(next_at=now)

    # Then: Globex is due, Acme is not
    assert due_tenants(now) == [other_tenant.pk]


def test_each_due_tenant_is_named_once_whatever_it_has_due(contact, other_tenant, now):
    third = create_tenant("initech", "Initech")
    long_ago = now - timedelta(hours=1)
    for status, moment in [
        (S.PLANNED, {"send_after": long_ago}),
        (S.QUEUED, {"queued_at": long_ago}),
        (S.SENDING, {"claimed_at": long_ago}),
    ]:
        at(make_dispatch(contact, status=status), **moment)
    at(make_dispatch(make_contact(make_customer(third)), status=S.PLANNED), send_after=now)

    # Every invoice also waits to be placed (AT_NEXT_SWEEP).
    assert due_tenants(now) == sorted([contact.tenant_id, third.pk])
    assert Dispatch.objects.filter(tenant_id=contact.tenant_id).count() == 3
