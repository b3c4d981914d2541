"""The registry of channel kinds: local channels replace every outside one when asked."""

import pytest

from reminders.channels.email.adapter import EmailAdapter
from reminders.channels.local.adapter import LocalAdapter
from reminders.channels.registry import adapter_class
from reminders.channels.task.adapter import TaskAdapter
from reminders.channels.whatsapp.adapter import WhatsAppAdapter

pytestmark = pytest.mark.usefixtures("adapter_providers")


def test_local_channels_setting_swaps_every_outside_channel(settings):
    settings.KAPITTX_LOCAL_CHANNELS = True
    assert {adapter_class(k) for k in ("email", "sms", "whatsapp", "voice")} == {LocalAdapter}
    assert adapter_class("task") is TaskAdapter

    settings.KAPITTX_LOCAL_CHANNELS = False
    assert adapter_class("email") is EmailAdapter
    assert adapter_class("whatsapp") is WhatsAppAdapter
