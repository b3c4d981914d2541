"""Phone numbers are stored in E.164: contacts, a tenant's Twilio senders, and the sender of
an inbound text matched against contacts."""

import pytest
from django.core.exceptions import ValidationError

from receivables.models import Contact, Customer
from receivables.phones import to_e164
from reminders.channels.accounts import set_provider_account
from reminders.channels.twilio.settings_form import TwilioAccountForm
from tests.reminders.fakes import twilio_post

SID, TOKEN = "AC" + "a" * 32, "token-of-acme"


@pytest.mark.parametrize(
    "raw, region, e164",
    [
        ("", "DE", ""),
        ("+4930123456", "", "+4930123456"),
        ("+49 (30) 123-456", "", "+4930123456"),
        ("030 1234567", "DE", "+49301234567"),
        ("030 1234567", "de", "+49301234567"),
        ("0049 30 1234567", "DE", "+49301234567"),
        ("+49 30 1234567", "US", "+49301234567"),
        ("(415) 555-0100", "US", "+14155550100"),
        ("07700 900123", "GB", "+447700900123"),  # a range reserved for fiction, as in the demo
        ("  0151 12345678 ", "DE", "+4915112345678"),
    ],
)
def test_it_writes_numbers_in_e164(raw, region, e164):
    assert to_e164(raw, region) == e164


@pytest.mark.parametrize(
    "raw, region",
    [
        ("hello", "DE"),
        ("12", "DE"),
        ("+49 30", ""),
        ("+999 1234567", ""),
        ("030 1234567", ""),  # a national number needs a country to be read in
        ("030 1234567", "XX"),
        ("+4930123456 ext. no", "DE"),  # letters would be read as a keypad's digits
        ("+4930123456 ext. 12", "DE"),  # E.164 has no room for an extension
        ("030 FLOWERS", "DE"),
    ],
)
def test_it_refuses_what_is_not_a_phone_number(raw, region):
    with pytest.raises(ValidationError, match="is not a phone number"):
        to_e164(raw, region)


@pytest.fixture
def customer(tenant) -> Customer:
    return Customer.objects.create(
        tenant=tenant, external_id="C-1", name="Müller GmbH", currency="EUR", country="DE"
    )


def contact(customer: Customer, **numbers) -> Contact:
    return Contact(tenant=customer.tenant, customer=customer, name="Pat", **numbers)


def test_a_contact_keeps_its_numbers_in_e164(customer):
    pat = contact(customer, phone="030 1234567", whatsapp="+49 151 12345678")
    pat.full_clean()
    assert (pat.phone, pat.whatsapp) == ("+49301234567", "+4915112345678")


def test_a_contact_may_have_no_numbers(customer):
    pat = contact(customer, phone="", whatsapp="", email="pat@customer.test")
    pat.full_clean()
    assert (pat.phone, pat.whatsapp) == ("", "")


def test_a_contact_without_a_country_needs_international_numbers(customer):
    customer.country = ""
    pat = contact(customer, phone="+49 30 1234567", whatsapp="030 1234567")
    with pytest.raises(ValidationError) as caught:
        pat.full_clean()
    assert set(caught.value.message_dict) == {"whatsapp"}
    assert pat.phone == "+49301234567"


def test_a_contact_with_a_number_that_is_none_is_refused_by_field(customer):
    pat = contact(customer, phone="call reception", whatsapp="12")
    with pytest.raises(ValidationError) as caught:
        pat.full_clean()
    errors = caught.value.message_dict
    assert set(errors) == {"phone", "whatsapp"}
    assert "is not a phone number" in errors["phone"][0]


def twilio_form(**changes) -> TwilioAccountForm:
    data = {
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+4915112345678",
        "whatsapp_from": "",
        "messaging_service_sid": "",
        "rate_per_second": "5",
        **changes,
    }
    return TwilioAccountForm(data)


@pytest.mark.parametrize("field", ["from_number", "whatsapp_from"])
@pytest.mark.parametrize("number", ["not a number", "+49 30", "0151 12345678"])
def test_the_twilio_form_refuses_what_is_not_a_number(field, number):
    form = twilio_form(**{field: number})
    assert not form.is_valid()
    assert "is not a phone number" in form.errors[field][0]
    assert "international format" in form.errors[field][0]


def test_the_twilio_form_stores_senders_in_e164():
    form = twilio_form(from_number="+49 151 1234-5678", whatsapp_from="+1 (415) 523-8886")
    assert form.is_valid(), form.errors
    config = form.cleaned_data["config"]
    assert (config["from_number"], config["whatsapp_from"]) == ("+4915112345678", "+14155238886")


def test_the_twilio_form_keeps_the_whatsapp_prefix():
    form = twilio_form(whatsapp_from="whatsapp:+1 415 523 8886")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["config"]["whatsapp_from"] == "whatsapp:+14155238886"
    assert not twilio_form(whatsapp_from="whatsapp:").is_valid()


@pytest.fixture
def hooks(settings, tenant) -> None:
    settings.KAPITTX_PUBLIC_URL = "https://ar.example.com"
    settings.TWILIO_ACCOUNT_SID = settings.TWILIO_AUTH_TOKEN = ""
    set_provider_account(tenant, "twilio", {"account_sid": SID, "auth_token": TOKEN})


def text_in(client, sender: str, body: str = "STOP"):
    params = {
        "AccountSid": SID,
        "MessageSid": "SMin1",
        "From": sender,
        "To": "+4930555000",
        "Body": body,
    }
    return twilio_post(client, "/hooks/twilio/inbound/", params, TOKEN)


@pytest.mark.parametrize(
    "sender, channel",
    [
        ("+49 30 1234567", "sms"),
        ("+49 (0)30 123 4567", "sms"),
        ("whatsapp:+49 151 1234 5678", "whatsapp"),
    ],
)
def test_a_stop_from_the_number_written_otherwise_opts_the_contact_out(
    client, hooks, customer, sender, channel
):
    pat = contact(customer, phone="030 1234567", whatsapp="0151 12345678")
    pat.full_clean()
    pat.save()
    assert text_in(client, sender).status_code == 200
    pat.refresh_from_db()
    assert pat.opted_out_channels == [channel]


def test_a_sender_that_is_no_number_is_matched_as_given(client, hooks, customer):
    # Stored before numbers were checked, e.g. by an import.
    pat = contact(customer, phone="Reception 1234")
    pat.save()
    assert text_in(client, "Reception 1234").status_code == 200
    pat.refresh_from_db()
    assert pat.opted_out_channels == ["sms"]
