"""Voice reminders through Twilio Calls: Twilio fetches what to say (``call.script_twiml``)
from the voice URL once the call is answered."""

from reminders.channels.base import Adapter, AddressRefused, ChannelError, SendResult
from reminders.channels.twilio.client import (
    account_for,
    client_for,
    public_url,
    status_callback_url,
    twilio_errors,
)
from reminders.models import Dispatch


class VoiceAdapter(Adapter):
    kind = "voice"

    def send(self, dispatch: Dispatch) -> SendResult:
        """Start the call; Twilio fetches what to say from the voice URL once answered."""
        if not dispatch.recipient:
            raise AddressRefused("No phone number for this contact.")
        account = account_for(dispatch.tenant_id)
        if not account.from_number:
            raise ChannelError("No caller number configured for voice calls.", permanent=True)
        with twilio_errors():
            call = client_for(account).calls.create(
                to=dispatch.recipient,
                from_=account.from_number,
                url=voice_url(dispatch),
                method="POST",
                status_callback=status_callback_url(dispatch),
            )
        return SendResult(call.sid)


def voice_url(dispatch: Dispatch) -> str:
    return public_url(f"/hooks/twilio/voice/{dispatch.pk}/")
