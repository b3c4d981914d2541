"""Texts that come back: STOP, START and HELP, and any other reply holds the customer, in the
tenant whose number received it."""

import xml.etree.ElementTree as ET

import pytest
from cryptography.fernet import Fernet

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from collections_app.events import Kind
from collections_app.models import TimelineEvent
from kapittx.onboarding import create_tenant
from reminders.channels.accounts import set_provider_account
from tests.reminders.channels.providers import (
    PHONE,
    SID_A,
    TOKEN_A,
    TOKEN_B,
    S,
    refreshed,
    sent,
    timeline,
)
from tests.reminders.fakes import make_contact, make_customer, twilio_post

pytestmark = pytest.mark.usefixtures("webhook_providers")


def text_in(client, body, *, sender=PHONE, sid=SID_A, token=TOKEN_A, message_sid="SMin1", **kw):
    params = {
        "AccountSid": sid,
        "MessageSid": message_sid,
        "From": sender,
        "To": "+4930555000",
        "Body": body,
    }
    return twilio_post(client, "/hooks/twilio/inbound/", params, token, **kw)


def test_stop_opts_out_only_in_the_tenant_whose_number_received_it(
    client, accounts, contact, other_contact
):
    response = text_in(client, "Stop.")

    assert response.status_code == 200
    assert refreshed(contact).opted_out_channels == ["sms"]
    assert refreshed(other_contact).opted_out_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_OUT)) == 1
    assert not timeline(other_contact.customer, Kind.OPTED_OUT)


def test_start_opts_back_in(client, accounts, contact):
    text_in(client, "STOP", message_sid="SM1")
    text_in(client, "start", message_sid="SM2")

    assert refreshed(contact).opted_out_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_IN)) == 1


def test_whatsapp_stop_opts_out_of_whatsapp_only(client, accounts, contact):
    text_in(client, "STOP", sender="whatsapp:+4915112345678")

    assert refreshed(contact).opted_out_channels == ["whatsapp"]


def test_help_answers_with_the_tenant_and_how_to_stop(client, accounts, contact):
    response = text_in(client, "help")

    root = ET.fromstring(response.content)
    [message] = root.findall("Message")
    assert "Acme Trading" in message.text
    assert "STOP" in message.text


def test_any_other_text_holds_the_customer_once(client, accounts, contact, other_contact):
    dispatch = sent(contact, "sms")

    text_in(client, "We paid on Monday, see remittance.")
    text_in(client, "We paid on Monday, see remittance.")

    customer = refreshed(contact.customer)
    assert customer.reminders_on_hold
    assert customer.reminders_hold_reason
    assert refreshed(dispatch).status == S.REPLIED
    [reply] = timeline(customer, Kind.REPLY_RECEIVED)
    assert "remittance" in reply.data["text"]
    assert not refreshed(other_contact.customer).reminders_on_hold


def test_inbound_signed_with_another_tenants_token_is_refused(client, accounts, contact):
    response = text_in(client, "STOP", sid=SID_A, token=TOKEN_B)

    assert response.status_code == 403
    assert refreshed(contact).opted_out_channels == []


@pytest.mark.parametrize("tamper", ["signature", "param", "missing header"])
def test_inbound_without_a_valid_signature_changes_nothing(client, accounts, contact, tamper):
    forged = {
        "signature": {"signature": "bm90IGEgcmVhbCBzaWduYXR1cmU="},
        "param": {
            "signed_params": {
                "AccountSid": SID_A,
                "MessageSid": "SMin1",
                "From": PHONE,
                "To": "+4930555000",
                "Body": "hello",
            }
        },
        "missing header": {"signature": ""},
    }[tamper]

    response = text_in(client, "STOP", **forged)

    assert response.status_code == 403
    assert refreshed(contact).opted_out_channels == []
    assert not TimelineEvent.objects.exists()


def test_inbound_for_an_unknown_account_is_refused(client, accounts, contact):
    response = text_in(client, "STOP", sid="AC" + "0" * 32)
    assert response.status_code == 403


def test_stop_on_the_platform_account_reaches_tenants_without_their_own(
    client, accounts, contact, settings
):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "p" * 32, "platform"
    initech = create_tenant("initech", "Initech")
    shared = make_contact(make_customer(initech, "I-1"))

    text_in(client, "STOP", sid=settings.TWILIO_ACCOUNT_SID, token="platform")

    assert refreshed(shared).opted_out_channels == ["sms"]
    assert refreshed(contact).opted_out_channels == []


@pytest.mark.parametrize("field", ["From", "Body"])
@pytest.mark.services
def test_a_signed_message_with_a_nul_character_is_refused_clearly(
    postgres, client, accounts, contact, field
):
    sent(contact, "sms")
    params = {
        "AccountSid": SID_A,
        "MessageSid": "SMnul",
        "From": PHONE,
        "To": "+4930555000",
        "Body": "We paid.",
    }
    params[field] += "\x00"

    response = twilio_post(client, "/hooks/twilio/inbound/", params, TOKEN_A)

    assert response.status_code == 400
    assert not refreshed(contact.customer).reminders_on_hold
    assert not TimelineEvent.objects.exists()


def test_an_unsigned_message_with_a_nul_character_is_refused_as_unsigned(client, accounts, contact):
    response = text_in(client, "STOP\x00", token=TOKEN_B)

    assert response.status_code == 403


def test_only_the_named_accounts_credentials_are_read(client, accounts, contact, settings):
    # Another tenant's account stored under a key since lost: never decrypted here.
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    set_provider_account(
        create_tenant("initech", "Initech"),
        "twilio",
        {"account_sid": "AC" + "c" * 32, "auth_token": "x"},
    )
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()

    response = text_in(client, "STOP")

    assert response.status_code == 200
    assert refreshed(contact).opted_out_channels == ["sms"]
