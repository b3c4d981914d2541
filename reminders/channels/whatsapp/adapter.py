"""WhatsApp reminders through Twilio Messaging: SMS with ``whatsapp:`` addresses."""

from reminders.channels.base import ChannelError
from reminders.channels.sms.adapter import SmsAdapter
from reminders.channels.twilio.client import TwilioAccount


class WhatsAppAdapter(SmsAdapter):
    kind = "whatsapp"
    prefix = "whatsapp:"

    def sender(self, account: TwilioAccount) -> dict[str, str]:
        """Return the sender arguments: the WhatsApp sender number, else the messaging service."""
        if account.whatsapp_from:
            number = account.whatsapp_from.removeprefix(self.prefix)
            return {"from_": f"{self.prefix}{number}"}
        if account.messaging_service_sid:
            return {"messaging_service_sid": account.messaging_service_sid}
        raise ChannelError("No WhatsApp sender configured.", permanent=True)
