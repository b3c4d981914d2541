"""What providers report is recorded once per event, however often it races in."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from reminders.models import DeliveryEvent
from reminders.outbox import outcomes
from tests.reminders.channels.providers import S, refreshed, sent, use_webhook_providers
from tests.reminders.fakes import make_contact, make_customer


@pytest.fixture(autouse=True)
def providers(settings):
    use_webhook_providers(settings)


@pytest.fixture
def customer(tenant, owner):
    return make_customer(tenant, name="Müller GmbH", language="de", owner=owner)


@pytest.fixture
def contact(customer):
    return make_contact(customer)


@pytest.mark.django_db(transaction=True)
def test_the_same_event_racing_in_twice_is_kept_once(postgres, tenant, contact):
    dispatch = sent(contact, "email")
    start = threading.Barrier(4)

    def deliver_event() -> bool:
        start.wait()
        try:
            return outcomes.record_event(
                provider="email",
                event_id="race",
                event_type="delivered",
                dispatch=dispatch,
                payload={},
            )
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: deliver_event(), range(4)))

    assert sorted(results) == [False, False, False, True]
    assert DeliveryEvent.objects.count() == 1
    assert refreshed(dispatch).status == S.DELIVERED
