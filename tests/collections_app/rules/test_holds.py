"""What holds chasing is one rule, in the customer's local date, for the sweep and the gate."""

from datetime import date, timedelta

import pytest

from collections_app.models import PromiseToPay
from collections_app.rules.holds import Hold, customer_hold, promise_in_force
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
