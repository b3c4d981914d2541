"""The reminder settings page as its tests post to it: its address, the data of its forms,
and Twilio's answers about an account (with the ``fake_twilio`` fixture)."""

from django.urls import reverse

from reminders.models import ReminderSettings
from tests.reminders.fakes import FakeTwilioHttp, found

SID = "AC" + "0123456789abcdef" * 2
OTHER_SID = "AC" + "fedcba9876543210" * 2
TOKEN = "tok-3f9a1c77e2b54d0a"


def url(tenant) -> str:
    return reverse("reminder_settings", kwargs={"tenant_slug": tenant.slug})


def settings_post(**changes) -> dict:
    data = {
        "section": "settings",
        "sending_enabled": "on",
        "send_weekdays": ["1", "2", "3", "4", "5"],
        "send_from": "09:00",
        "send_until": "17:00",
        "skip_public_holidays": "on",
        "min_days_between": "3",  # the default for a new tenant
        "portal_link_days": "60",
        "sender_name": "Acme AR",
        "sender_email": "ar@acme.test",
        "reply_to": "",
        "brand_color": "#0F5BD8",
        "signature": "Acme accounts team",
        "payment_instructions": "IBAN DE89 3704 0044 0532 0130 00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def twilio_knows(number: str = "+4915112345678") -> None:
    FakeTwilioHttp.replies.extend(
        [
            found({"sid": SID, "status": "active"}),
            found({"incoming_phone_numbers": [{"sid": "PN1", "phone_number": number}]}),
        ]
    )


def twilio_post(**changes) -> dict:
    data = {
        "section": "twilio",
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+4915112345678",
        "whatsapp_from": "",
        "messaging_service_sid": "",
        "rate_per_second": "5",
    }
    data.update(changes)
    return data


def row(tenant) -> ReminderSettings:
    return ReminderSettings.objects.get(tenant=tenant)
