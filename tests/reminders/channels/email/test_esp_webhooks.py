"""anymail's webhook views as the addresses run them: an ESP that is not set up is not found
rather than a server error, and a report that cannot be read is a bad request."""

import pytest
from django.test import Client

from reminders.models import DeliveryEvent
from tests.reminders.channels.providers import basic_auth

pytestmark = pytest.mark.usefixtures("webhook_providers")


@pytest.fixture
def web() -> Client:
    """A client that gets the server's answer, 500 included, instead of its exception."""
    return Client(raise_request_exception=False)


@pytest.mark.parametrize(
    "esp",
    [
        "mailgun",  # a signing key missing …
        "postal",
        "mandrill",
        "mailersend",
        "unisender_go",
        "resend",  # … where the ESP signs, though anymail would take it without
        "sendgrid",
        "amazon_ses",  # boto3 is not installed
    ],
)
def test_an_esp_that_is_not_set_up_is_not_found(web, db, esp):
    response = web.post(
        f"/hooks/anymail/{esp}/tracking/", "{}", content_type="application/json", **basic_auth()
    )

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("esp", "body"),
    [
        ("postmark", "this is not JSON"),
        ("mailjet", "{}"),
        ("sparkpost", '{"msys": 1}'),
        ("brevo", "[1, 2]"),
    ],
)
def test_a_checked_report_that_cannot_be_read_is_a_bad_request(web, db, esp, body):
    response = web.post(
        f"/hooks/anymail/{esp}/tracking/", body, content_type="application/json", **basic_auth()
    )

    assert response.status_code == 400
    assert not DeliveryEvent.objects.exists()


@pytest.mark.parametrize(
    "path",
    ["/hooks/anymail/nosuchesp/tracking/", "/hooks/anymail/postmark/nonsense/"],
)
def test_an_address_anymail_does_not_have_is_not_found(web, db, path):
    response = web.post(path, "{}", content_type="application/json", **basic_auth())

    assert response.status_code == 404


def test_an_esp_checking_its_address_gets_an_answer(web, db):
    assert web.head("/hooks/anymail/postmark/tracking/", **basic_auth()).status_code == 200
