"""A tenant's own ESP account reports to the tenant's own addresses, with its own password,
and only about the tenant's own mail."""

import json

import pytest
from cryptography.fernet import Fernet

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from reminders.channels.accounts import provider_config, set_provider_account
from reminders.channels.email.tenant_webhooks import webhook_urls
from reminders.models import DeliveryEvent, Dispatch
from tests.reminders.channels.email.esp_reports import MAILGUN_KEY, mailgun_event
from tests.reminders.channels.providers import (
    EMAIL,
    S,
    basic_auth,
    refreshed,
    sent,
)

pytestmark = pytest.mark.usefixtures("webhook_providers")


HOOK_SECRET = "own-hook-password-of-acme"


def own_postmark(tenant) -> str:
    set_provider_account(
        tenant,
        "email",
        {
            "backend": "anymail.backends.postmark.EmailBackend",
            "server_token": "pm",
            "webhook_secret": HOOK_SECRET,
        },
    )
    return f"/hooks/t/{tenant.pk}/anymail/postmark/"


def delivery_report(dispatch: Dispatch) -> str:
    return json.dumps(
        {
            "RecordType": "Delivery",
            "MessageID": dispatch.provider_message_id,
            "Recipient": EMAIL,
            "DeliveredAt": "2026-03-27T10:00:00Z",
            "Metadata": {"dispatch_id": str(dispatch.pk), "tenant_id": str(dispatch.tenant_id)},
        }
    )


def test_a_tenants_own_esp_reports_to_its_own_address(client, tenant, contact):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    response = client.post(
        own_postmark(tenant) + "tracking/",
        delivery_report(dispatch),
        content_type="application/json",
        **basic_auth(f"kapittx:{HOOK_SECRET}"),
    )
    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


@pytest.mark.parametrize("credentials", ["kapittx:guess", "hooks:s3cret", None])
def test_a_tenants_own_address_wants_its_own_password(client, tenant, contact, credentials):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    auth = basic_auth(credentials) if credentials else {}
    response = client.post(
        own_postmark(tenant) + "tracking/",
        delivery_report(dispatch),
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT


def test_a_tenants_own_address_cannot_report_on_another_tenants_mail(
    client, tenant, other_tenant, contact, other_contact
):
    theirs = sent(other_contact, "email", provider_message_id="pm-theirs")
    hook = own_postmark(tenant)
    for body in (
        delivery_report(theirs),  # named by metadata
        json.dumps(
            {
                "RecordType": "Bounce",
                "MessageID": "pm-theirs",
                "Email": EMAIL,
                "Type": "HardBounce",
                "BouncedAt": "2026-03-27T10:00:00Z",
            }
        ),  # by its id
    ):
        response = client.post(
            hook + "tracking/",
            body,
            content_type="application/json",
            **basic_auth(f"kapittx:{HOOK_SECRET}"),
        )
        assert response.status_code == 200
    assert refreshed(theirs).status == S.SENT
    assert refreshed(other_contact).invalid_channels == []
    assert not DeliveryEvent.objects.exists()


def test_a_reply_through_a_tenants_own_address_holds_only_its_customer(
    client, tenant, contact, other_contact
):
    sent(other_contact, "email")  # the other tenant wrote to the same address last
    body = {
        "FromFull": {"Email": EMAIL, "Name": "Pat"},
        "ToFull": [{"Email": "ar@acme.test", "Name": ""}],
        "Subject": "Re: Rechnung 2026-001",
        "TextBody": "Wir haben gestern bezahlt.",
        "MessageID": "in-1",
        "Headers": [],
    }
    response = client.post(
        own_postmark(tenant) + "inbound/",
        json.dumps(body),
        content_type="application/json",
        **basic_auth(f"kapittx:{HOOK_SECRET}"),
    )
    assert response.status_code == 200
    assert refreshed(contact.customer).reminders_on_hold
    assert not refreshed(other_contact.customer).reminders_on_hold


def test_own_addresses_follow_the_public_address_with_its_password(tenant, settings):
    settings.KAPITTX_PUBLIC_URL = "https://ar.example.com/kapittx"
    own_postmark(tenant)
    urls = webhook_urls(tenant.pk, provider_config(tenant.pk, "email"))
    assert urls == {
        kind: f"https://kapittx:{HOOK_SECRET}@ar.example.com/kapittx/hooks/t/{tenant.pk}"
        f"/anymail/postmark/{kind}/"
        for kind in ("tracking", "inbound")
    }


def test_own_addresses_exist_only_for_a_tenants_own_account(client, tenant, other_tenant):
    auth = basic_auth(f"kapittx:{HOOK_SECRET}")
    assert (
        client.post(
            f"/hooks/t/{tenant.pk}/anymail/postmark/tracking/",
            "{}",
            content_type="application/json",
            **auth,
        ).status_code
        == 404
    )
    hook = own_postmark(tenant)
    for path in (
        hook.replace("postmark", "sendgrid") + "tracking/",  # not the tenant's provider
        hook + "nonsense/",
        f"/hooks/t/{other_tenant.pk}/anymail/postmark/tracking/",
    ):
        response = client.post(path, "{}", content_type="application/json", **auth)
        assert response.status_code == 404, path


def own_mailgun(tenant, signing_key=MAILGUN_KEY) -> str:
    set_provider_account(
        tenant,
        "email",
        {
            "backend": "anymail.backends.mailgun.EmailBackend",
            "api_key": "mg",
            "webhook_signing_key": signing_key,
            "webhook_secret": HOOK_SECRET,
        },
    )
    return f"/hooks/t/{tenant.pk}/anymail/mailgun/tracking/"


def test_a_tenants_signed_report_is_taken_and_a_tampered_one_is_not(client, tenant, contact):
    dispatch = sent(contact, "email", provider_message_id="<mg-1@mg.acme.test>")
    hook = own_mailgun(tenant)
    auth = basic_auth(f"kapittx:{HOOK_SECRET}")

    forged = mailgun_event("<mg-1@mg.acme.test>", "failed", key="the-platforms-key", token="t2")
    response = client.post(hook, json.dumps(forged), content_type="application/json", **auth)
    assert response.status_code == 400
    assert refreshed(dispatch).status == S.SENT

    signed = mailgun_event("<mg-1@mg.acme.test>", "delivered")
    response = client.post(hook, json.dumps(signed), content_type="application/json", **auth)
    assert response.status_code == 200
    assert refreshed(dispatch).status == S.DELIVERED


def test_each_kind_of_address_needs_the_key_its_esp_signs_it_with(tenant, settings):
    settings.KAPITTX_PUBLIC_URL = "https://ar.example.com"
    config = {
        "backend": "anymail.backends.resend.EmailBackend",
        "api_key": "re",
        "webhook_secret": HOOK_SECRET,
    }
    assert webhook_urls(tenant.pk, config) == {}
    config["signing_secret"] = "whsec_tracking"
    assert set(webhook_urls(tenant.pk, config)) == {"tracking"}
    config["inbound_secret"] = "whsec_inbound"
    assert set(webhook_urls(tenant.pk, config)) == {"tracking", "inbound"}
    # SendGrid signs its delivery reports only; its inbound address needs no key.
    sendgrid = {"backend": "anymail.backends.sendgrid.EmailBackend", "webhook_secret": "x"}
    assert set(webhook_urls(tenant.pk, sendgrid)) == {"inbound"}


def test_a_tenants_address_answers_503_while_its_account_cannot_be_decrypted(
    client, tenant, contact, settings
):
    dispatch = sent(contact, "email", provider_message_id="pm-1")
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    hook = own_postmark(tenant)
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()  # the old one lost

    response = client.post(
        hook + "tracking/",
        delivery_report(dispatch),
        content_type="application/json",
        **basic_auth(f"kapittx:{HOOK_SECRET}"),
    )

    assert response.status_code == 503
    assert refreshed(dispatch).status == S.SENT
