"""The email adapter against the ESP (anymail's test backend): what goes out, the sender, the
tenant's own account, and the ESP's errors as transient or permanent."""

from contextlib import contextmanager

import pytest
import requests
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus
from anymail.signals import pre_send
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from reminders.channels.accounts import set_provider_account
from reminders.channels.base import AddressRefused, ChannelError, SendResult
from reminders.channels.email.adapter import EmailAdapter
from reminders.channels.email.unsubscribe import read_unsubscribe_token
from reminders.models import ReminderSettings
from tests.reminders.channels.providers import PUBLIC
from tests.reminders.fakes import make_dispatch

pytestmark = pytest.mark.usefixtures("adapter_providers")


@contextmanager
def esp_answers(response):
    """Make the test ESP answer the next send with ``response`` (a status or an error)."""

    def attach(sender, message, **kwargs):
        message.anymail_test_response = response

    pre_send.connect(attach, weak=False)
    try:
        yield
    finally:
        pre_send.disconnect(attach)


def api_error(status: int | None) -> AnymailAPIError:
    if status is None:
        return AnymailAPIError("connection reset")
    response = requests.Response()
    response.status_code, response.reason, response._content = status, "Err", b"{}"
    return AnymailAPIError("ESP said no", status_code=status, response=response)


def test_email_goes_out_with_text_html_sender_reply_to_and_metadata(tenant, contact):
    ReminderSettings.objects.update_or_create(
        tenant=tenant,
        defaults={
            "sender_name": "Acme Accounts",
            "sender_email": "accounts@acme.test",
            "reply_to": "ar@acme.test",
        },
    )
    dispatch = make_dispatch(contact, "email")

    result = EmailAdapter().send(dispatch)

    [message] = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["pat@customer.test"]
    assert message.from_email == "Acme Accounts <accounts@acme.test>"
    assert message.reply_to == ["ar@acme.test"]
    assert message.subject == dispatch.subject
    assert message.body == dispatch.body_text
    assert message.alternatives[0][0] == dispatch.body_html
    params = message.anymail_test_params
    assert params["metadata"] == {"dispatch_id": str(dispatch.pk), "tenant_id": str(tenant.pk)}
    assert params["tags"] == ["overdue-polite"]
    assert result == SendResult(str(message.anymail_status.message_id))


def test_email_carries_one_click_unsubscribe_headers(tenant, contact):
    ReminderSettings.objects.update_or_create(tenant=tenant, defaults={"reply_to": "ar@acme.test"})
    dispatch = make_dispatch(contact, "email")

    EmailAdapter().send(dispatch)

    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    mailto, url = [part.strip(" <>") for part in headers["List-Unsubscribe"].split(",")]
    assert mailto == "mailto:ar@acme.test?subject=unsubscribe"
    assert url.startswith(f"{PUBLIC}/hooks/unsubscribe/")
    token = url.removeprefix(f"{PUBLIC}/hooks/unsubscribe/").rstrip("/")
    assert read_unsubscribe_token(token) == (tenant.pk, "pat@customer.test")


def test_email_without_a_sender_address_uses_the_default_address(tenant, contact, settings):
    settings.DEFAULT_FROM_EMAIL = "Kapittx <no-reply@kapittx.test>"
    ReminderSettings.objects.filter(tenant=tenant).update(sender_name="Acme AR", sender_email="")

    EmailAdapter().send(make_dispatch(contact, "email"))

    assert mail.outbox[0].from_email == "Acme AR <no-reply@kapittx.test>"
    assert mail.outbox[0].reply_to == []


def test_email_without_tenant_settings_uses_the_default_sender(tenant, contact, settings):
    settings.DEFAULT_FROM_EMAIL = "Kapittx <no-reply@kapittx.test>"
    ReminderSettings.objects.filter(tenant=tenant).delete()

    EmailAdapter().send(make_dispatch(contact, "email"))

    assert mail.outbox[0].from_email == "Kapittx <no-reply@kapittx.test>"


def test_email_goes_through_the_tenants_own_esp_account(tenant, contact, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_provider_account(tenant, "email", {"backend": "anymail.backends.test.EmailBackend"})

    EmailAdapter().send(make_dispatch(contact, "email"))

    assert hasattr(mail.outbox[0], "anymail_test_params")


def test_refused_recipient_is_a_permanent_address_error(contact):
    refused = {"recipient_status": {contact.email: AnymailRecipientStatus(None, "rejected")}}
    with esp_answers(refused), pytest.raises(AddressRefused) as caught:
        EmailAdapter().send(make_dispatch(contact, "email"))
    assert caught.value.permanent


@pytest.mark.parametrize(
    ("status", "permanent"),
    [
        (503, False),
        (500, False),
        (429, False),
        (None, False),
        (400, True),
        (401, True),
        (422, True),
    ],
)
def test_esp_api_errors_map_to_transient_or_permanent(contact, status, permanent):
    with esp_answers(api_error(status)), pytest.raises(ChannelError) as caught:
        EmailAdapter().send(make_dispatch(contact, "email"))
    assert caught.value.permanent is permanent
    assert not isinstance(caught.value, AddressRefused)


def test_malformed_address_is_a_permanent_address_error(contact):
    dispatch = make_dispatch(contact, "email", recipient="not an address")
    with pytest.raises(AddressRefused):
        EmailAdapter().send(dispatch)
