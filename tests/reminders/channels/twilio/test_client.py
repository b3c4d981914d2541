"""The Twilio client shared by SMS, WhatsApp and voice: Twilio's errors as transient or
permanent, and no request without credentials."""

import pytest

from reminders.channels.base import AddressRefused, ChannelError
from reminders.channels.sms.adapter import SmsAdapter
from tests.reminders.fakes import FakeTwilioHttp, error, make_dispatch, network_down

pytestmark = pytest.mark.usefixtures("adapter_providers")


@pytest.mark.parametrize(
    ("reply", "permanent", "address_refused"),
    [
        (error(400, 21211, "Invalid 'To' Phone Number"), True, True),
        (error(400, 21614, "'To' number is not a valid mobile number"), True, True),
        (error(400, 21610, "Attempt to send to unsubscribed recipient"), True, False),
        (error(401, 20003, "Authenticate"), True, False),
        (error(400, 21999, "Something new"), True, False),
        (error(429, 20429, "Too Many Requests"), False, False),
        (error(503), False, False),
        (error(500, 20500, "Internal Server Error"), False, False),
        (network_down(), False, False),
    ],
)
def test_twilio_errors_map_to_transient_or_permanent(contact, reply, permanent, address_refused):
    FakeTwilioHttp.replies.append(reply)

    with pytest.raises(ChannelError) as caught:
        SmsAdapter().send(make_dispatch(contact, "sms"))

    assert caught.value.permanent is permanent
    assert isinstance(caught.value, AddressRefused) is address_refused


def test_no_twilio_credentials_is_a_permanent_error(contact, settings):
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""

    with pytest.raises(ChannelError) as caught:
        SmsAdapter().send(make_dispatch(contact, "sms"))

    assert caught.value.permanent
    assert FakeTwilioHttp.requests == []
