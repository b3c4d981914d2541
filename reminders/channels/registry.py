"""The channel kinds, and the adapter that sends each one: the only list of kinds there is.

Adding a channel is one folder beside this file (its adapter, webhooks and settings form)
and one line here. With ``KAPITTX_LOCAL_CHANNELS`` on (the embedded default) every channel
that reaches the customer is replaced by the local adapter, which keeps each message for the
outbox page instead of sending it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Kind:
    label: str
    adapter: str  # dotted path of the adapter class
    point: str | None  # the contact address it reaches (None: a member, not the customer)
    parts: tuple[str, str]  # the template parts it sends: (HTML body, text body), "" for none
    account: str | None = None  # the kind of provider account that carries it, if any


CHANNELS: dict[str, Kind] = {
    "email": Kind(
        "Email",
        "reminders.channels.email.adapter.EmailAdapter",
        "email",
        ("body_html", "body_text"),
        "email",
    ),
    "sms": Kind(
        "SMS", "reminders.channels.sms.adapter.SmsAdapter", "phone", ("", "short_text"), "twilio"
    ),
    "whatsapp": Kind(
        "WhatsApp",
        "reminders.channels.whatsapp.adapter.WhatsAppAdapter",
        "whatsapp",
        ("", "short_text"),
        "twilio",
    ),
    "voice": Kind(
        "Voice call",
        "reminders.channels.voice.adapter.VoiceAdapter",
        "phone",
        ("", "voice_script"),
        "twilio",
    ),
    "task": Kind(
        "Task for a member", "reminders.channels.task.adapter.TaskAdapter", None, ("", "body_text")
    ),
}
LOCAL_ADAPTER = "reminders.channels.local.adapter.LocalAdapter"

CHANNEL_CHOICES = [(kind, spec.label) for kind, spec in CHANNELS.items()]
#: Kinds that reach the customer (through an outside provider).
OUTSIDE = frozenset(kind for kind, spec in CHANNELS.items() if spec.point is not None)


def label(kind: str) -> str:
    spec = CHANNELS.get(kind)
    return spec.label if spec else kind


def point_of(kind: str) -> str | None:
    """Return the contact address point ``kind`` reaches, None for a member's task."""
    return CHANNELS[kind].point


def stays_local(kind: str) -> bool:
    """Return whether what channel ``kind`` would send stays on this machine instead (the
    embedded run: ``KAPITTX_LOCAL_CHANNELS``)."""
    return kind in OUTSIDE and settings.KAPITTX_LOCAL_CHANNELS


def adapter_class(kind: str):
    """Return the adapter class for channel ``kind``."""
    return import_string(LOCAL_ADAPTER if stays_local(kind) else CHANNELS[kind].adapter)
