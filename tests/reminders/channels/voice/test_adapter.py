"""The voice adapter: a call pointed at the script and status addresses."""

import pytest

from reminders.channels.base import ChannelError
from reminders.channels.voice.adapter import VoiceAdapter
from tests.reminders.channels.providers import PLATFORM_SID, PUBLIC
from tests.reminders.fakes import FakeTwilioHttp, make_dispatch

pytestmark = pytest.mark.usefixtures("adapter_providers")


def test_voice_call_points_twilio_at_the_script_and_status_urls(contact):
    dispatch = make_dispatch(contact, "voice", body_text="Guten Tag, hier ist Acme.")

    result = VoiceAdapter().send(dispatch)

    [request] = FakeTwilioHttp.requests
    assert request.url.endswith(f"/Accounts/{PLATFORM_SID}/Calls.json")
    assert request.data == {
        "To": "+4930123456",
        "From": "+4930999000",
        "Url": f"{PUBLIC}/hooks/twilio/voice/{dispatch.pk}/",
        "Method": "POST",
        "StatusCallback": f"{PUBLIC}/hooks/twilio/status/{dispatch.pk}/",
    }
    assert result.provider_message_id.startswith("CA")


def test_voice_without_a_caller_number_is_a_permanent_error(contact, settings):
    settings.TWILIO_FROM_NUMBER = ""
    with pytest.raises(ChannelError) as caught:
        VoiceAdapter().send(make_dispatch(contact, "voice"))
    assert caught.value.permanent
