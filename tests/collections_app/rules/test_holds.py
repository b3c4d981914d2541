"""What holds chasing is one rule, in the customer's local date, for the sweep and the gate."""

from datetime import date, timedelta

import pytest

from collections_app.models import Dispute, PromiseToPay
from collections_app.rules.holds import (
    Hold,
    customer_hold,
    disputed_invoices,
    promise_in_force,
    promised_dates,
)
from receivables.models import Invoice
from reminders.models import Dispatch, Tone
from reminders.outbox import sweep
from tests.reminders.scenario import local, make_customer, make_invoice, make_workflow

LOS_ANGELES = "America/Los_Angeles"
# 03:00 UTC on 17 March is still 16 March in Los Angeles.
EARLY_UTC = local("2026-03-17 03:00", "UTC")
LA_TODAY = date(2026, 3, 16)


def test_a_promise_holds_through_the_day_after_its_date():
    promised = date(2026, 3, 10)
    assert promise_in_force(promised, date(2026, 3, 11))
    assert not promise_in_force(promised, date(2026, 3, 12))


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"on_hold": True, "hold_reason": "Replied"}, Hold("Replied", None)),
        ({"paused_until": LA_TODAY}, Hold("paused", LA_TODAY + timedelta(days=1))),
        ({"promised_on": LA_TODAY}, Hold("promise to pay in force", LA_TODAY + timedelta(days=2))),
        ({"paused_until": LA_TODAY - timedelta(days=1)}, None),
        ({"promised_on": LA_TODAY - timedelta(days=2)}, None),
    ],
)
def test_what_holds_a_customer_on_their_own_date(kwargs, expected):
    fields = {"on_hold": False, "hold_reason": "", "paused_until": None, "promised_on": None}
    assert customer_hold(**{**fields, **kwargs}, today=LA_TODAY) == expected


@pytest.fixture
def customer(tenant):
    make_workflow(tenant, [(-3, "email", "courtesy-before-due", Tone.COURTESY)])
    customer = make_customer(tenant, "LA-1", time_zone=LOS_ANGELES, country="US")
    make_invoice(tenant, customer, "INV-1", LA_TODAY + timedelta(days=3))
    return customer


def test_the_sweep_plans_nothing_for_a_pause_running_to_the_customers_local_today(tenant, customer):
    customer.reminders_paused_until = LA_TODAY
    customer.save()
    sweep.sweep(tenant, EARLY_UTC)
    assert not Dispatch.objects.filter(tenant=tenant).exists()
    sweep.sweep(tenant, local("2026-03-17 10:00", LOS_ANGELES))
    assert Dispatch.objects.filter(tenant=tenant).exists()


def test_the_sweep_plans_nothing_while_a_promise_holds_in_the_customers_own_date(tenant, customer):
    yesterday = LA_TODAY - timedelta(days=1)
    PromiseToPay.objects.create(tenant=tenant, customer=customer, promised_on=yesterday)
    sweep.sweep(tenant, EARLY_UTC)
    assert not Dispatch.objects.filter(tenant=tenant).exists()


def test_the_latest_open_promise_of_each_customer_is_the_one_read(tenant, customer):
    other = make_customer(tenant, "C-2")
    now = local("2026-03-17 12:00", "UTC")
    for promised_on in (date(2026, 3, 18), date(2026, 3, 20)):
        PromiseToPay.objects.create(tenant=tenant, customer=customer, promised_on=promised_on)
    for status in (PromiseToPay.Status.KEPT, PromiseToPay.Status.BROKEN):
        PromiseToPay.objects.create(
            tenant=tenant, customer=other, promised_on=date(2026, 3, 25), status=status
        )
    PromiseToPay.objects.create(tenant=tenant, customer=other, promised_on=date(2026, 3, 19))
    assert promised_dates(tenant.pk, now) == {
        customer.pk: date(2026, 3, 20),
        other.pk: date(2026, 3, 19),
    }
    assert promised_dates(tenant.pk, now, [other.pk]) == {other.pk: date(2026, 3, 19)}


def test_a_promise_that_can_no_longer_hold_anywhere_on_earth_is_not_read(tenant, customer):
    now = local("2026-03-17 12:00", "UTC")
    PromiseToPay.objects.create(tenant=tenant, customer=customer, promised_on=date(2026, 3, 14))
    assert promised_dates(tenant.pk, now) == {}
    # Two days back may still be in its day of grace where the date is a day behind UTC.
    PromiseToPay.objects.create(tenant=tenant, customer=customer, promised_on=date(2026, 3, 15))
    assert promised_dates(tenant.pk, now) == {customer.pk: date(2026, 3, 15)}


def test_the_disputed_invoices_are_those_with_an_open_dispute(tenant, customer):
    first = Invoice.objects.get(tenant=tenant, number="INV-1")
    second = make_invoice(tenant, customer, "INV-2", LA_TODAY)
    third = make_invoice(tenant, customer, "INV-3", LA_TODAY)
    open_one = Dispute.objects.create(tenant=tenant, invoice=third, reason="Wrong price")
    Dispute.objects.create(
        tenant=tenant, invoice=second, reason="Settled", status=Dispute.Status.RESOLVED
    )
    assert open_one.pk != third.pk  # so an id mix-up would show
    assert disputed_invoices(tenant.pk) == {third.pk}
    assert disputed_invoices(tenant.pk, [first.pk, second.pk]) == set()
    assert disputed_invoices(tenant.pk, [third.pk]) == {third.pk}
