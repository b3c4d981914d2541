"""The channel tests' providers, and a customer of each tenant with the same address and
number."""

import pytest

from reminders.channels.accounts import set_provider_account
from tests.reminders.channels.providers import (
    SID_A,
    SID_B,
    TOKEN_A,
    TOKEN_B,
    use_adapter_providers,
    use_webhook_providers,
)
from tests.reminders.fakes import FakeTwilioHttp, make_contact, make_customer


@pytest.fixture
def adapter_providers(settings):
    """The platform's providers, Twilio recording what would go over the wire."""
    use_adapter_providers(settings)
    FakeTwilioHttp.reset()
    yield
    FakeTwilioHttp.reset()


@pytest.fixture
def webhook_providers(settings):
    """The providers as webhooks reach them: each tenant with its own Twilio account."""
    use_webhook_providers(settings)


@pytest.fixture
def accounts(tenant, other_tenant):
    set_provider_account(tenant, "twilio", {"account_sid": SID_A, "auth_token": TOKEN_A})
    set_provider_account(other_tenant, "twilio", {"account_sid": SID_B, "auth_token": TOKEN_B})


@pytest.fixture
def customer(tenant, owner):
    return make_customer(tenant, name="Müller GmbH", language="de", owner=owner)


@pytest.fixture
def contact(customer):
    return make_contact(customer)


@pytest.fixture
def other_contact(other_tenant, outsider):
    """A contact of another tenant with the same email address and phone number."""
    return make_contact(make_customer(other_tenant, "G-1", name="Globex client", currency="USD"))
