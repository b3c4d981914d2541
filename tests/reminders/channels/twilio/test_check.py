"""A tenant's Twilio account is checked with Twilio before it is stored (from the settings
page): refused credentials and senders the account does not have store nothing; an
account Twilio cannot be asked about is stored with a warning."""

import pytest
import requests

from reminders.channels.accounts import provider_config
from reminders.models import ProviderAccount
from tests.reminders.fakes import FakeTwilioHttp, error, found
from tests.reminders.settings_page import SID, TOKEN, twilio_post, url

pytestmark = pytest.mark.usefixtures("fake_twilio")


def test_twilio_refusing_the_credentials_stores_nothing(client, tenant, owner):
    FakeTwilioHttp.replies.append(error(401, 20003, "Authenticate"))
    client.force_login(owner)
    response = client.post(url(tenant), twilio_post())
    assert response.status_code == 400
    assert "Twilio refused this account SID and auth token." in response.content.decode()
    assert not ProviderAccount.objects.filter(tenant=tenant).exists()


def test_a_number_or_service_the_account_does_not_have_stores_nothing(client, tenant, owner):
    service = "MG" + "ab" * 16
    FakeTwilioHttp.replies.extend(
        [
            found({"sid": SID}),
            found({"incoming_phone_numbers": []}),
            error(404, 20404, "The requested resource was not found"),
        ]
    )
    client.force_login(owner)
    response = client.post(url(tenant), twilio_post(messaging_service_sid=service))
    html = response.content.decode()
    assert response.status_code == 400
    assert "+4915112345678 is not a number of this Twilio account." in html
    assert f"This Twilio account has no messaging service {service}." in html
    assert not ProviderAccount.objects.filter(tenant=tenant).exists()


def test_an_account_twilio_cannot_be_asked_about_is_stored_with_a_warning(client, tenant, owner):
    FakeTwilioHttp.replies.append(requests.ConnectionError("no route to api.twilio.com"))
    client.force_login(owner)
    response = client.post(url(tenant), twilio_post(), follow=True)
    html = response.content.decode()
    assert "Twilio account saved." in html
    assert "Twilio could not be reached to check the account" in html
    assert provider_config(tenant.pk, "twilio")["auth_token"] == TOKEN
