"""The local adapter keeps the message and calls no provider."""

import pytest
from django.core import mail

from reminders.channels.base import SendResult
from reminders.channels.local.adapter import LocalAdapter
from tests.reminders.fakes import FakeTwilioHttp, make_dispatch

pytestmark = pytest.mark.usefixtures("adapter_providers")


def test_local_adapter_keeps_the_message_and_calls_no_provider(contact):
    dispatch = make_dispatch(contact, "sms")

    assert LocalAdapter().send(dispatch) == SendResult(f"local-{dispatch.pk}")
    assert FakeTwilioHttp.requests == []
    assert mail.outbox == []
