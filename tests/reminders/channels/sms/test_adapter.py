"""The SMS adapter: the request Twilio gets, through the platform's or the tenant's account."""

import pytest

from reminders.channels.accounts import set_provider_account
from reminders.channels.base import ChannelError, SendResult
from reminders.channels.sms.adapter import SmsAdapter
from tests.reminders.channels.providers import PLATFORM_SID, PUBLIC
from tests.reminders.fakes import FakeTwilioHttp, make_dispatch, ok

pytestmark = pytest.mark.usefixtures("adapter_providers")


def test_sms_request_carries_to_from_body_and_status_callback(contact):
    dispatch = make_dispatch(contact, "sms", body_text="Invoice 2026-001 is 7 days overdue.")

    result = SmsAdapter().send(dispatch)

    [request] = FakeTwilioHttp.requests
    assert request.method == "POST"
    assert request.url == f"https://api.twilio.com/2010-04-01/Accounts/{PLATFORM_SID}/Messages.json"
    assert request.auth == (PLATFORM_SID, "platform-token")
    assert request.data == {
        "To": "+4930123456",
        "From": "+4930999000",
        "Body": "Invoice 2026-001 is 7 days overdue.",
        "StatusCallback": f"{PUBLIC}/hooks/twilio/status/{dispatch.pk}/",
    }
    assert result.provider_message_id.startswith("SM")


def test_sms_uses_the_tenants_own_account_and_messaging_service(tenant, contact):
    own_sid = "AC" + "b" * 32
    set_provider_account(
        tenant,
        "twilio",
        {"account_sid": own_sid, "auth_token": "own", "messaging_service_sid": "MG123"},
    )
    FakeTwilioHttp.replies.append(ok({"sid": "SM123", "status": "queued"}))

    result = SmsAdapter().send(make_dispatch(contact, "sms"))

    [request] = FakeTwilioHttp.requests
    assert f"/Accounts/{own_sid}/" in request.url
    assert request.auth == (own_sid, "own")
    assert request.data["MessagingServiceSid"] == "MG123"
    assert "From" not in request.data
    assert result == SendResult("SM123")


def test_an_empty_text_is_never_sent(contact):
    with pytest.raises(ChannelError) as caught:
        SmsAdapter().send(make_dispatch(contact, "sms", body_text="  "))
    assert caught.value.permanent
    assert FakeTwilioHttp.requests == []
