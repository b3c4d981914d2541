"""The embedded run's stand-in for every outside channel: nothing leaves the machine."""

from reminders.channels.base import Adapter, SendResult
from reminders.models import Dispatch


class LocalAdapter(Adapter):
    kind = "local"

    def send(self, dispatch: Dispatch) -> SendResult:
        """Keep the message where it is: the rendered dispatch row is the outbox page's copy."""
        return SendResult(f"local-{dispatch.pk}")
