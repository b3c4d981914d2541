"""The providers as the channel tests see them: the platform's accounts, each tenant's own
Twilio account, and reminders as they stand when a provider reports on them.

Adapter tests run with ``adapter_providers``, webhook tests with ``webhook_providers``
(both in ``conftest.py``)."""

import base64

from django.utils import timezone

from collections_app.models import TimelineEvent
from receivables.models import Contact, Customer
from reminders.models import Dispatch, DispatchStatus
from tests.reminders.fakes import FAKE_TWILIO_HTTP, make_dispatch

PUBLIC = "https://ar.example.com"
#: The platform's own Twilio account (adapter tests).
PLATFORM_SID = "AC" + "a" * 32
#: Each tenant's own Twilio account (webhook tests): Acme's and Globex's.
SID_A, TOKEN_A = "AC" + "a" * 32, "token-of-acme"
SID_B, TOKEN_B = "AC" + "b" * 32, "token-of-globex"
PHONE, EMAIL = "+4930123456", "pat@customer.test"
S = DispatchStatus


def use_adapter_providers(settings) -> None:
    """The platform's providers, Twilio replaced at its HTTP boundary, ESPs by anymail's test
    backend."""
    settings.KAPITTX_PUBLIC_URL = PUBLIC
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.KAPITTX_TWILIO_HTTP_CLIENT = FAKE_TWILIO_HTTP
    settings.TWILIO_ACCOUNT_SID = PLATFORM_SID
    settings.TWILIO_AUTH_TOKEN = "platform-token"
    settings.TWILIO_FROM_NUMBER = "+4930999000"
    settings.TWILIO_WHATSAPP_FROM = "+14155238886"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""


def use_webhook_providers(settings) -> None:
    """No platform Twilio account (each tenant has its own), mail kept in memory, and the
    password of the platform's ESP webhooks."""
    settings.KAPITTX_PUBLIC_URL = PUBLIC
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hooks:s3cret"}


def sent(contact: Contact, channel: str, **fields) -> Dispatch:
    fields = {"status": S.SENT, "sent_at": timezone.now(), **fields}
    return make_dispatch(contact, channel, **fields)


def refreshed(obj):
    obj.refresh_from_db()
    return obj


def timeline(customer: Customer, kind: str) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.filter(customer=customer, kind=kind))


def basic_auth(credentials: str = "hooks:s3cret") -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(credentials.encode()).decode()}
