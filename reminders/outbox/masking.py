"""Hiding the links in a sent message that act for the customer.

A reminder carries the customer's payment-page link (promise, dispute, "already paid") and
its email an unsubscribe link; whoever holds one acts as the customer. The outbox shows
them to members who may run collections and, to everyone else, only where they were.
"""

import re
from typing import Any

#: A link's token: what follows ``/portal/`` or ``/hooks/unsubscribe/`` up to the next
#: slash, space, quote or tag.
_TOKEN = re.compile(r"(/portal/|/hooks/unsubscribe/)[^/\s\"'<>&]+")
HIDDEN = "[hidden]"


def mask_links(text: str) -> str:
    """Return ``text`` with the token of every portal and unsubscribe link hidden."""
    return _TOKEN.sub(rf"\g<1>{HIDDEN}", text) if text else text


def mask_data(value: Any) -> Any:
    """Return ``value`` (a provider's report: dicts, lists, strings) with links hidden."""
    if isinstance(value, str):
        return mask_links(value)
    if isinstance(value, dict):
        return {key: mask_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(item) for item in value]
    return value
