"""The WhatsApp adapter: Twilio's addresses with the whatsapp: prefix."""

import pytest

from reminders.channels.whatsapp.adapter import WhatsAppAdapter
from tests.reminders.channels.providers import PUBLIC
from tests.reminders.fakes import FakeTwilioHttp, make_dispatch

pytestmark = pytest.mark.usefixtures("adapter_providers")


def test_whatsapp_addresses_carry_the_whatsapp_prefix(contact):
    dispatch = make_dispatch(contact, "whatsapp")

    WhatsAppAdapter().send(dispatch)

    [request] = FakeTwilioHttp.requests
    assert request.data["To"] == "whatsapp:+4915112345678"
    assert request.data["From"] == "whatsapp:+14155238886"
    assert request.data["StatusCallback"] == f"{PUBLIC}/hooks/twilio/status/{dispatch.pk}/"
