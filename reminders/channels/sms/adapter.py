"""SMS reminders through Twilio Messaging."""

from reminders.channels.base import Adapter, AddressRefused, ChannelError, SendResult
from reminders.channels.twilio.client import (
    TwilioAccount,
    account_for,
    client_for,
    status_callback_url,
    twilio_errors,
)
from reminders.models import Dispatch


class SmsAdapter(Adapter):
    kind = "sms"
    #: Twilio tells channels apart by an address prefix ("whatsapp:+49…").
    prefix = ""

    def sender(self, account: TwilioAccount) -> dict[str, str]:
        """Return the sender arguments: a messaging service beats a single number."""
        if account.messaging_service_sid:
            return {"messaging_service_sid": account.messaging_service_sid}
        if account.from_number:
            return {"from_": account.from_number}
        raise ChannelError("No SMS sender number or messaging service configured.", permanent=True)

    def send(self, dispatch: Dispatch) -> SendResult:
        """Send the dispatch's short text and ask Twilio to report its delivery."""
        if not dispatch.recipient:
            raise AddressRefused(f"No {self.kind} number for this contact.")
        if not dispatch.body_text.strip():
            raise ChannelError("The message is empty.", permanent=True)
        account = account_for(dispatch.tenant_id)
        with twilio_errors():
            message = client_for(account).messages.create(
                to=f"{self.prefix}{dispatch.recipient}",
                body=dispatch.body_text,
                status_callback=status_callback_url(dispatch),
                **self.sender(account),
            )
        return SendResult(message.sid)
