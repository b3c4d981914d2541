"""Check a Twilio account with Twilio before it is stored: do the SID and token open it, and
are the senders its own?"""

from twilio.base.exceptions import TwilioRestException

from reminders.channels.twilio.client import TwilioAccount, client_for, twilio_errors

#: Answers that mean the SID and token do not open the account.
REFUSED = {401, 403, 404}


def problems_with(account: TwilioAccount) -> list[str]:
    """Return what is wrong with ``account``, as Twilio answers it (empty when nothing is).

    Raises ``ChannelError`` when Twilio cannot be asked (``permanent`` False: unreachable).
    """
    client = client_for(account)
    found = []
    with twilio_errors():
        try:
            client.api.v2010.accounts(account.account_sid).fetch()
        except TwilioRestException as exc:
            if exc.status in REFUSED:
                return ["Twilio refused this account SID and auth token."]
            raise
        if account.from_number and not client.incoming_phone_numbers.list(
            phone_number=account.from_number, limit=1
        ):
            found.append(f"{account.from_number} is not a number of this Twilio account.")
        if account.messaging_service_sid:
            try:
                client.messaging.v1.services(account.messaging_service_sid).fetch()
            except TwilioRestException as exc:
                if exc.status != 404:
                    raise
                found.append(
                    f"This Twilio account has no messaging service {account.messaging_service_sid}."
                )
    return found
