"""What every channel adapter is: one ``send`` method and one error type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from reminders.models import Dispatch


class ChannelError(Exception):
    """Sending failed; ``permanent`` means retrying the same dispatch cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class AddressRefused(ChannelError):
    """The recipient's address or number itself is bad: the contact point needs fixing.

    Other permanent errors (a wrong API token, a missing sender number) are the tenant's
    set-up, not the contact's; only this one should mark the contact invalid.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True)
class SendResult:
    provider_message_id: str


class Adapter:
    """Send one rendered dispatch through one channel.

    The worker has already chosen the contact and rendered the message onto the dispatch,
    and it alone changes the dispatch's status.
    """

    kind: str = ""

    def send(self, dispatch: Dispatch) -> SendResult:
        """Hand ``dispatch`` to the provider and return the provider's id for it."""
        raise NotImplementedError
