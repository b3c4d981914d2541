"""Channel kinds and the adapter class that sends each one: the only list of kinds there is.

Adding a channel is one line here and one module beside this file. With
``KAPITTX_LOCAL_CHANNELS`` on (the embedded default) every outside channel is replaced by
the local adapter, which keeps each message for the outbox page instead of sending it.
"""

from django.conf import settings
from django.utils.module_loading import import_string

CHANNELS: dict[str, tuple[str, str]] = {
    "email": ("Email", "reminders.channels.email.EmailAdapter"),
    "sms": ("SMS", "reminders.channels.sms.SmsAdapter"),
    "whatsapp": ("WhatsApp", "reminders.channels.whatsapp.WhatsAppAdapter"),
    "voice": ("Voice call", "reminders.channels.voice.VoiceAdapter"),
    "task": ("Task for a member", "reminders.channels.task.TaskAdapter"),
}
#: Kinds that reach the customer through an outside provider.
OUTSIDE = frozenset({"email", "sms", "whatsapp", "voice"})
LOCAL_ADAPTER = "reminders.channels.local.LocalAdapter"

CHANNEL_CHOICES = [(kind, label) for kind, (label, _path) in CHANNELS.items()]


def adapter_class(kind: str):
    """Return the adapter class for channel ``kind``."""
    label, path = CHANNELS[kind]
    if kind in OUTSIDE and settings.KAPITTX_LOCAL_CHANNELS:
        path = LOCAL_ADAPTER
    return import_string(path)
