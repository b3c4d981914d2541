"""The outgoing webhook tests: a local receiver, and the egress guard told to allow it."""

import pytest

from integrations.outgoing.subscriptions import create_subscription
from tests.integrations.outgoing.receiver import Receiver


@pytest.fixture
def local_egress(settings):
    """Allow calls to this machine over plain http, as a self-hosted operator may."""
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = True
    settings.KAPITTX_EGRESS_ALLOW_HTTP = True


@pytest.fixture
def receiver(local_egress):
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def endpoint(tenant, receiver):
    """An endpoint of the tenant at the local receiver, for payment and reminder events."""
    return create_subscription(
        tenant, receiver.url, ["invoice.overdue", "reminder.sent", "promise.made"]
    )


@pytest.fixture
def subscribe(fake_dns):
    """Make an endpoint at a public address for the given event types."""
    fake_dns["hooks.example.com"] = ["93.184.215.14"]

    def make(tenant, event_types, url="https://hooks.example.com/in"):
        return create_subscription(tenant, url, event_types).subscription

    return make
