"""The reminder settings page: who may see and change what, bad input, what a change does,
and provider credentials that are stored encrypted and never shown again."""

import re
from datetime import time, timedelta

import pytest
import requests
from anymail.exceptions import AnymailAPIError
from anymail.signals import pre_send
from cryptography.fernet import Fernet
from django.core import mail
from django.utils import timezone

from kapittx.models import Tenant
from kapittx.roles import Role
from reminders.channels.accounts import provider_config, set_provider_account
from reminders.models import Dispatch, DispatchStatus, ProviderAccount, ReminderSettings, Tone
from tests.conftest import make_member
from tests.reminders.channels.email.esp_reports import postal_public_key
from tests.reminders.fakes import FakeTwilioHttp
from tests.reminders.scenario import make_customer
from tests.reminders.settings_page import (
    OTHER_SID,
    SID,
    TOKEN,
    row,
    settings_post,
    twilio_knows,
    twilio_post,
    url,
)

pytestmark = pytest.mark.usefixtures("fake_twilio")


def test_members_see_the_page_and_outsiders_get_404(client, tenant, other_tenant, outsider):
    viewer = make_member(tenant, "viewer@acme.test", Role.VIEWER)
    client.force_login(viewer)
    page = client.get(url(tenant))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reminder settings" in html and 'id="save-settings"' not in html
    assert "can view these settings but not change them" in html
    assert 'id="twilio-account-form"' not in html

    client.force_login(outsider)
    assert client.get(url(tenant)).status_code == 404
    assert client.post(url(tenant), settings_post()).status_code == 404
    assert row(tenant).sender_name == "Acme Trading"


def test_anonymous_visitors_are_sent_to_log_in(client, tenant):
    response = client.get(url(tenant))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_member_who_configures_reminders_saves_the_window_and_branding(client, tenant):
    client.force_login(make_member(tenant, "admin@acme.test", Role.ADMIN))
    response = client.post(
        url(tenant),
        settings_post(send_weekdays=["1", "3", "6"], send_until="15:30", min_days_between="4"),
    )
    assert response.status_code == 302
    saved = row(tenant)
    assert saved.send_weekdays == [1, 3, 6]
    assert (saved.send_from, saved.send_until) == (time(9), time(15, 30))
    assert saved.min_days_between == 4
    assert (saved.sender_name, saved.sender_email, saved.brand_color) == (
        "Acme AR",
        "ar@acme.test",
        "#0f5bd8",
    )
    tenant.refresh_from_db()
    assert tenant.payment_instructions == "IBAN DE89 3704 0044 0532 0130 00"
    page = client.get(url(tenant)).content.decode()
    assert "Reminder settings saved." in page
    checked = re.findall(r'name="send_weekdays" value="(\d)"[^>]*checked', page)
    assert checked == ["1", "3", "6"]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"send_from": "17:00", "send_until": "09:00"}, "must end after it starts"),
        ({"send_weekdays": None}, "Choose at least one day."),
        ({"brand_color": "red"}, "Give a colour as #rrggbb."),
        ({"brand_color": "#12345g"}, "Give a colour as #rrggbb."),
        ({"sender_email": "not an address"}, "Enter a valid email address."),
        ({"send_from": "25:00"}, "Enter a valid time."),
        ({"min_days_between": "61"}, "less than or equal to 60"),
        ({"min_days_between": "-1"}, "greater than or equal to 0"),
    ],
)
def test_bad_settings_are_refused_and_change_nothing(client, tenant, owner, changes, message):
    before = row(tenant)
    client.force_login(owner)
    response = client.post(url(tenant), settings_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    after = row(tenant)
    assert [getattr(after, f.attname) for f in ReminderSettings._meta.fields] == [
        getattr(before, f.attname) for f in ReminderSettings._meta.fields
    ]


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COLLECTOR, Role.SALES])
def test_roles_without_configure_rights_cannot_change_settings(client, tenant, role):
    client.force_login(make_member(tenant, f"{role}@acme.test", role))
    assert client.post(url(tenant), settings_post()).status_code == 403
    assert row(tenant).sender_name == "Acme Trading"


def test_an_unknown_section_is_refused(client, tenant, owner):
    client.force_login(owner)
    assert client.post(url(tenant), {"section": "bogus"}).status_code == 400


def _planned(tenant, customer, key, *, attempts=0, wait=timedelta(days=2)) -> Dispatch:
    due = timezone.now() - timedelta(hours=1)
    return Dispatch.objects.create(
        tenant=tenant,
        key=key,
        customer=customer,
        channel="email",
        tone=Tone.REMINDER,
        template_key="overdue-polite",
        status=DispatchStatus.PLANNED,
        due_at=due,
        send_after=due + wait,
        attempts=attempts,
    )


def test_a_new_window_retimes_untried_reminders_and_keeps_retry_backoff(client, tenant, owner):
    customer = make_customer(tenant, "C-1")
    untried = _planned(tenant, customer, "a")
    retrying = _planned(tenant, customer, "b", attempts=1)
    client.force_login(owner)

    # Only the sender changes: nothing is retimed.
    client.post(url(tenant), settings_post(sender_name="Acme receivables"))
    assert Dispatch.objects.get(pk=untried.pk).send_after == untried.send_after

    client.post(url(tenant), settings_post(send_weekdays=["1", "2", "3", "4", "5", "6", "7"]))
    assert Dispatch.objects.get(pk=untried.pk).send_after == untried.due_at
    assert Dispatch.objects.get(pk=retrying.pk).send_after == retrying.send_after


def test_switching_sending_back_on_retimes_what_waited(client, tenant, owner):
    ReminderSettings.objects.filter(tenant=tenant).update(sending_enabled=False)
    waiting = _planned(tenant, make_customer(tenant, "C-1"), "a", wait=timedelta(days=1))
    client.force_login(owner)
    client.post(url(tenant), settings_post())
    assert row(tenant).sending_enabled
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.due_at


def test_the_owner_stores_twilio_credentials_encrypted_and_never_sees_the_token(
    client, tenant, owner
):
    client.force_login(owner)
    twilio_knows()
    assert client.post(url(tenant), twilio_post()).status_code == 302
    # Twilio was asked, with these credentials, for the account and for the number.
    asked = FakeTwilioHttp.requests
    assert [(r.method, r.url.split("/2010-04-01")[-1], r.auth) for r in asked] == [
        ("GET", f"/Accounts/{SID}.json", (SID, TOKEN)),
        ("GET", f"/Accounts/{SID}/IncomingPhoneNumbers.json", (SID, TOKEN)),
    ]
    account = ProviderAccount.objects.get(tenant=tenant, provider="twilio")
    assert TOKEN not in account.secret_config and SID not in account.secret_config
    assert account.rate_per_second == 5
    assert provider_config(tenant.pk, "twilio") == {
        "account_sid": SID,
        "auth_token": TOKEN,
        "from_number": "+4915112345678",
    }
    page = client.get(url(tenant)).content.decode()
    assert SID in page and TOKEN not in page
    assert "Own account, 5 messages per second" in page
    assert "/hooks/twilio/inbound/" in page

    # An empty token keeps the stored one.
    twilio_knows()
    client.post(url(tenant), twilio_post(auth_token="", whatsapp_from="+4915187654321"))
    config = provider_config(tenant.pk, "twilio")
    assert config["auth_token"] == TOKEN and config["whatsapp_from"] == "+4915187654321"

    # Another account needs its own token.
    response = client.post(url(tenant), twilio_post(account_sid=OTHER_SID, auth_token=""))
    assert response.status_code == 400 and "This is needed." in response.content.decode()
    assert provider_config(tenant.pk, "twilio")["account_sid"] == SID


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"account_sid": "AC123"}, "AC followed by 32 hexadecimal digits"),
        ({"from_number": "015112345678"}, "international format"),
        ({"from_number": ""}, "Give at least one sender"),
        ({"messaging_service_sid": "MGxyz"}, "MG followed by 32 hexadecimal digits"),
        ({"auth_token": ""}, "This is needed."),
        ({"rate_per_second": "0"}, "greater than or equal to 1"),
    ],
)
def test_bad_twilio_details_store_nothing(client, tenant, owner, changes, message):
    client.force_login(owner)
    response = client.post(url(tenant), twilio_post(**changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProviderAccount.objects.filter(tenant=tenant).exists()


def test_only_the_owner_may_touch_provider_accounts(client, tenant, other_tenant):
    set_provider_account(tenant, "twilio", {"account_sid": SID, "auth_token": TOKEN})
    client.force_login(make_member(tenant, "admin@acme.test", Role.ADMIN))
    page = client.get(url(tenant)).content.decode()
    assert "Own account" in page and SID not in page and TOKEN not in page
    assert "Only the owner can change provider accounts." in page
    assert client.post(url(tenant), twilio_post(account_sid=OTHER_SID)).status_code == 403
    assert client.post(url(tenant), {"section": "twilio", "remove": "1"}).status_code == 403
    assert provider_config(tenant.pk, "twilio")["account_sid"] == SID


def test_email_accounts_per_provider_and_removal(client, tenant, owner, other_tenant):
    set_provider_account(other_tenant, "email", {"backend": "x", "api_key": "theirs"})
    client.force_login(owner)
    post = {"section": "email", "rate_per_second": "20", "secret_key": "", "sender_domain": ""}
    response = client.post(url(tenant), {**post, "esp": "postmark", "api_key": "pm-token"})
    assert response.status_code == 302
    stored = provider_config(tenant.pk, "email")
    webhook_secret = stored.pop("webhook_secret")
    assert len(webhook_secret) >= 32
    assert stored == {
        "backend": "anymail.backends.postmark.EmailBackend",
        "server_token": "pm-token",
    }
    page = client.get(url(tenant)).content.decode()
    assert "Own account at Postmark, 20 messages per second" in page and "pm-token" not in page
    # The owner gets the account's own webhook addresses, with its password.
    assert (
        f"http://kapittx:{webhook_secret}@127.0.0.1:8000/hooks/t/{tenant.pk}/anymail/postmark/"
        "tracking/" in page
    )

    # A different provider does not inherit the stored secret.
    response = client.post(url(tenant), {**post, "esp": "mailjet", "api_key": ""})
    assert response.status_code == 400
    assert response.content.decode().count("This is needed.") == 2
    response = client.post(
        url(tenant), {**post, "esp": "mailjet", "api_key": "mj-key", "secret_key": "mj-secret"}
    )
    assert provider_config(tenant.pk, "email") == {
        "backend": "anymail.backends.mailjet.EmailBackend",
        "api_key": "mj-key",
        "secret_key": "mj-secret",
        "webhook_secret": webhook_secret,
    }
    # Mailgun signs its webhooks: without the signing key no address is offered.
    client.post(url(tenant), {**post, "esp": "mailgun", "api_key": "mg-key"})
    page = client.get(url(tenant)).content.decode()
    assert 'id="email-webhooks-missing"' in page and "/anymail/mailgun/" not in page
    client.post(url(tenant), {**post, "esp": "mailgun", "api_key": "", "signing_key": "mg-sign"})
    assert provider_config(tenant.pk, "email")["webhook_signing_key"] == "mg-sign"
    assert "/anymail/mailgun/tracking/" in client.get(url(tenant)).content.decode()
    response = client.post(url(tenant), {**post, "esp": "postal", "api_key": "p"})
    assert response.status_code == 400 and "Postal needs the address of its API." in (
        response.content.decode()
    )

    response = client.post(url(tenant), {"section": "email", "remove": "1"})
    assert response.status_code == 302
    assert provider_config(tenant.pk, "email") is None
    assert "The platform's email provider." in client.get(url(tenant)).content.decode()
    # The other tenant's account is untouched.
    assert provider_config(other_tenant.pk, "email") == {"backend": "x", "api_key": "theirs"}


def test_a_test_email_shows_the_tenants_sender_and_branding_through_its_account(
    client, tenant, owner, settings
):
    settings.KAPITTX_LOCAL_CHANNELS = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_provider_account(tenant, "email", {"backend": "anymail.backends.test.EmailBackend"})
    ReminderSettings.objects.filter(tenant=tenant).update(
        sender_name="Acme AR",
        sender_email="ar@acme.test",
        reply_to="books@acme.test",
        brand_color="#aa3300",
    )
    Tenant.objects.filter(pk=tenant.pk).update(
        payment_instructions="IBAN DE89 3704 0044 0532 0130 00"
    )
    client.force_login(owner)
    response = client.post(url(tenant), {"section": "email_sample"}, follow=True)
    assert f"Test email sent to {owner.email}" in response.content.decode()
    [message] = mail.outbox
    assert message.to == [owner.email] and message.subject.startswith("[Test] ")
    assert message.from_email == "Acme AR <ar@acme.test>"
    assert message.reply_to == ["books@acme.test"]
    html = message.alternatives[0][0]
    assert "#aa3300" in html and "IBAN DE89 3704 0044 0532 0130 00" in html
    # Through the tenant's own account (the anymail test backend), not the platform's.
    assert message.anymail_test_params["tags"] == ["sample"]


def test_a_test_email_the_provider_refuses_says_why(client, tenant, owner, settings):
    settings.KAPITTX_LOCAL_CHANNELS = False
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    response = requests.Response()
    response.status_code, response.reason, response._content = 401, "Unauthorized", b"{}"

    def refuse(sender, message, **kwargs):
        message.anymail_test_response = AnymailAPIError(
            "bad server token", status_code=401, response=response
        )

    pre_send.connect(refuse, weak=False)
    try:
        client.force_login(owner)
        page = client.post(url(tenant), {"section": "email_sample"}, follow=True)
    finally:
        pre_send.disconnect(refuse)
    assert "The test email was not sent: Email provider error (HTTP 401)" in (page.content.decode())


def test_a_public_signing_key_is_checked_and_resends_inbound_secret_kept_apart(
    client, tenant, owner, fake_dns
):
    fake_dns["postal.acme.test"] = ["93.184.215.14"]
    client.force_login(owner)
    post = {"section": "email", "rate_per_second": "5", "api_url": "https://postal.acme.test"}
    response = client.post(
        url(tenant), {**post, "esp": "postal", "api_key": "p", "signing_key": "x"}
    )
    assert response.status_code == 400
    assert "This is not Postal&#x27;s public key" in response.content.decode()
    assert provider_config(tenant.pk, "email") is None

    key = postal_public_key()
    client.post(url(tenant), {**post, "esp": "postal", "api_key": "p", "signing_key": key})
    assert provider_config(tenant.pk, "email")["webhook_key"] == key

    client.post(
        url(tenant),
        {
            **post,
            "esp": "resend",
            "api_key": "re",
            "signing_key": "whsec_t",
            "inbound_signing_key": "whsec_i",
        },
    )
    stored = provider_config(tenant.pk, "email")
    assert (stored["signing_secret"], stored["inbound_secret"]) == ("whsec_t", "whsec_i")


def test_with_local_channels_the_test_email_stays_in_the_local_mailbox(
    client, tenant, owner, settings, tmp_path
):
    settings.KAPITTX_LOCAL_CHANNELS = True
    settings.VAR_DIR = tmp_path
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    set_provider_account(tenant, "email", {"backend": "anymail.backends.test.EmailBackend"})
    client.force_login(owner)

    page = client.post(url(tenant), {"section": "email_sample"}, follow=True).content.decode()

    # Neither the tenant's ESP (anymail's test backend) nor the platform's got it.
    assert mail.outbox == []
    assert "Local channels are on, so nothing was sent" in page
    [kept] = (tmp_path / "mail").iterdir()
    text = kept.read_text()
    assert f"To: {owner.email}" in text and "Subject: [Test] " in text


def test_an_account_stored_under_a_lost_key_shows_as_such_and_can_be_replaced(
    client, tenant, owner, settings
):
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    set_provider_account(tenant, "twilio", {"account_sid": SID, "auth_token": TOKEN})
    settings.KAPITTX_ENCRYPTION_KEY = Fernet.generate_key().decode()
    client.force_login(owner)

    page = client.get(url(tenant))

    assert page.status_code == 200
    assert 'data-unreadable="Twilio"' in page.content.decode()
    twilio_knows()
    assert client.post(url(tenant), twilio_post()).status_code == 302
    assert provider_config(tenant.pk, "twilio")["auth_token"] == TOKEN


def test_viewers_cannot_send_test_emails(client, tenant, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(make_member(tenant, "viewer@acme.test", Role.VIEWER))
    assert client.post(url(tenant), {"section": "email_sample"}).status_code == 403
    assert mail.outbox == []


def defaults_post(**changes) -> dict:
    data = {
        "section": "tenant",
        "name": "Acme Trading",
        "time_zone": "Europe/Berlin",
        "country": "DE",
        "language": "en",
    }
    data.update(changes)
    return data


def test_the_owner_changes_the_defaults_and_waiting_reminders_are_timed_again(
    client, tenant, owner
):
    customer = make_customer(tenant, "C-1")
    waiting = _planned(tenant, customer, "a")
    client.force_login(owner)
    # The name alone: nothing is timed again.
    client.post(url(tenant), defaults_post(name="Acme Trading GmbH"))
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.send_after
    response = client.post(
        url(tenant),
        defaults_post(
            name="Acme Trading GmbH", time_zone="Europe/Vienna", country="AT", language="de"
        ),
    )
    assert response.status_code == 302
    tenant.refresh_from_db()
    assert (tenant.name, tenant.time_zone, tenant.country, tenant.language) == (
        "Acme Trading GmbH",
        "Europe/Vienna",
        "AT",
        "de",
    )
    assert Dispatch.objects.get(pk=waiting.pk).send_after == waiting.due_at


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice."),
        ({"country": "de"}, "two-letter ISO 3166 code"),
        ({"language": "Deutsch"}, "Give a language code"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_bad_defaults_change_nothing(client, tenant, owner, changes, message):
    client.force_login(owner)
    response = client.post(url(tenant), defaults_post(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert "Acme Trading · Kapittx" in response.content.decode()  # the page's own tenant
    tenant.refresh_from_db()
    assert (tenant.name, tenant.time_zone, tenant.country, tenant.language) == (
        "Acme Trading",
        "Europe/Berlin",
        "DE",
        "en",
    )


def test_only_the_owner_changes_the_defaults(client, tenant):
    client.force_login(make_member(tenant, "admin@acme.test", Role.ADMIN))
    assert 'id="tenant-defaults-form"' not in client.get(url(tenant)).content.decode()
    assert client.post(url(tenant), defaults_post(time_zone="UTC")).status_code == 403
    tenant.refresh_from_db()
    assert tenant.time_zone == "Europe/Berlin"
