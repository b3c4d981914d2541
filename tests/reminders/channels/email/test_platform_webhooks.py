"""The platform ESP's webhook addresses: closed without the platform's password, checked
with it and with the ESP's own signature where the ESP signs, and a report reaches only the
email its message id names."""

import json

import pytest

from reminders.models import DeliveryEvent
from tests.reminders.channels.email.esp_reports import (
    MAILGUN_KEY,
    mailgun_event,
    postal_public_key,
    postal_sent,
    postal_signature,
    postmark_bounce,
    postmark_delivery,
)
from tests.reminders.channels.providers import S, basic_auth, refreshed, sent

pytestmark = pytest.mark.usefixtures("webhook_providers")

POSTMARK = "/hooks/anymail/postmark/tracking/"


def post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", **headers)


def test_without_the_platform_password_set_a_report_is_refused_and_changes_nothing(
    client, contact, settings
):
    settings.ANYMAIL = {}
    dispatch = sent(contact, "email", provider_message_id="pm-1")

    response = post(client, POSTMARK, postmark_bounce("pm-1"))

    assert response.status_code == 404
    assert refreshed(dispatch).status == S.SENT
    assert refreshed(contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()


def test_a_report_with_the_platform_password_reaches_its_email(client, contact):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    metadata = {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)}

    response = post(client, POSTMARK, postmark_delivery("pm-1", metadata), **basic_auth())

    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


@pytest.mark.parametrize("credentials", ["hooks:guess", None])
def test_a_report_without_the_platform_password_changes_nothing(client, contact, credentials):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    auth = basic_auth(credentials) if credentials else {}

    response = post(client, POSTMARK, postmark_bounce("pm-1"), **auth)

    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT
    assert refreshed(contact).invalid_channels == []


def test_a_forged_report_naming_another_tenants_email_in_metadata_changes_nothing(
    client, contact, other_contact
):
    mine = sent(contact, "email", provider_message_id="pm-mine")
    theirs = sent(other_contact, "email", provider_message_id="pm-theirs")
    forged = {"dispatch_id": str(theirs.pk), "tenant_id": str(theirs.tenant_id)}

    response = post(client, POSTMARK, postmark_bounce("pm-mine", forged), **basic_auth())

    assert response.status_code == 200
    assert refreshed(mine).status == refreshed(theirs).status == S.SENT
    assert refreshed(other_contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()


def test_the_platform_password_may_be_one_of_several_while_it_changes(client, contact, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": ["hooks:new-one", "hooks:s3cret"]}
    dispatch = sent(contact, "email", provider_message_id="pm-1")

    response = post(client, POSTMARK, postmark_delivery("pm-1"), **basic_auth("hooks:new-one"))

    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


# ESPs that sign their reports: the signature is checked as well as the password.


@pytest.fixture
def mailgun(settings, webhook_providers):
    settings.ANYMAIL = {**settings.ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}
    return "/hooks/anymail/mailgun/tracking/"


def test_a_mailgun_report_with_a_valid_signature_is_taken(client, contact, mailgun):
    dispatch = sent(contact, "email", provider_message_id="<mg-1@mg.acme.test>")

    body = json.dumps(mailgun_event("<mg-1@mg.acme.test>"))
    response = post(client, mailgun, body, **basic_auth())

    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


def test_a_mailgun_report_with_a_forged_signature_changes_nothing(client, contact, mailgun):
    dispatch = sent(contact, "email", provider_message_id="<mg-1@mg.acme.test>")

    forged = mailgun_event("<mg-1@mg.acme.test>", "failed", key="a-guessed-key")
    response = post(client, mailgun, json.dumps(forged), **basic_auth())

    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT


def test_a_mailgun_report_without_the_password_changes_nothing_even_when_signed(
    client, contact, mailgun
):
    dispatch = sent(contact, "email", provider_message_id="<mg-1@mg.acme.test>")

    response = post(client, mailgun, json.dumps(mailgun_event("<mg-1@mg.acme.test>")))

    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT


@pytest.fixture
def postal(settings, webhook_providers):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTAL_WEBHOOK_KEY": postal_public_key()}
    return "/hooks/anymail/postal/tracking/"


def test_a_signed_postal_report_finds_its_email_by_message_id_alone(client, contact, postal):
    dispatch = sent(contact, "email", provider_message_id="4711")
    body = postal_sent(4711)

    response = post(
        client, postal, body, HTTP_X_POSTAL_SIGNATURE=postal_signature(body), **basic_auth()
    )

    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


def test_a_tampered_postal_report_changes_nothing(client, contact, other_contact, postal):
    theirs = sent(other_contact, "email", provider_message_id="4712")
    signature = postal_signature(postal_sent(4711))

    response = post(
        client, postal, postal_sent(4712), HTTP_X_POSTAL_SIGNATURE=signature, **basic_auth()
    )

    assert response.status_code == 400
    assert refreshed(theirs).status == S.SENT
