"""An event as it travels: its id (``webhook-id``) and its body, the Standard Webhooks
envelope ``{"type", "timestamp", "data"}``."""

import json
import secrets
from datetime import datetime

from django.core.serializers.json import DjangoJSONEncoder


def new_event_id() -> str:
    """Return a fresh event id: ``msg_`` and 26 random characters."""
    return "msg_" + secrets.token_urlsafe(20)[:26]


def envelope(event_type: str, data: dict, at: datetime) -> str:
    """Return the JSON body of an event of ``event_type`` that happened ``at``.

    The text is written once and kept: every attempt signs and sends the same bytes.
    """
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps(
        {"type": event_type, "timestamp": stamp, "data": data},
        cls=DjangoJSONEncoder,
        separators=(",", ":"),
        ensure_ascii=False,
    )
