"""Every ESP a tenant can pick takes a reminder as the adapter composes it: its real anymail
backend builds the request, and only the HTTP call is replaced."""

import json
from dataclasses import dataclass

import pytest
import requests

from reminders.channels.accounts import set_provider_account
from reminders.channels.base import ChannelError, SendResult
from reminders.channels.email.adapter import EmailAdapter
from reminders.channels.email.esps import ESP_REQUIRES, ESPS
from tests.reminders.fakes import make_dispatch

pytestmark = pytest.mark.usefixtures("adapter_providers")


@dataclass
class EspHttp:
    """The ESP at the requests boundary: records each call, answers with ``reply``."""

    reply: dict | None = None  # JSON of a 200 answer; None: the ESP cannot be reached
    calls: list | None = None

    def request(self, method, url, **kwargs) -> requests.Response:
        self.calls.append((method, url, kwargs))
        if self.reply is None:
            raise requests.ConnectionError("connection refused")
        response = requests.Response()
        response.status_code, response.url = 200, url
        response._content = json.dumps(self.reply).encode()
        response.headers["Content-Type"] = "application/json"
        return response


@pytest.fixture
def esp_http(monkeypatch) -> EspHttp:
    http = EspHttp(calls=[])
    monkeypatch.setattr(requests.Session, "request", http.request)
    return http


def own_account(tenant, esp: str) -> None:
    _label, backend, secret_name = ESPS[esp]
    config = {"backend": backend, secret_name: f"{esp}-key"}
    if esp in ESP_REQUIRES["secret_key"]:
        config["secret_key"] = f"{esp}-secret"
    if esp in ESP_REQUIRES["api_url"]:
        config["api_url"] = "https://postal.acme.test"
    set_provider_account(tenant, "email", config)


def test_postal_sends_a_reminder_with_its_tag_and_headers_but_no_metadata(
    tenant, contact, esp_http
):
    own_account(tenant, "postal")
    esp_http.reply = {
        "status": "success",
        "data": {"message_id": "m@postal", "messages": {contact.email: {"id": 4711}}},
    }
    dispatch = make_dispatch(contact, "email")

    result = EmailAdapter().send(dispatch)

    # The id Postal's reports name the message by, which the worker stores.
    assert result == SendResult("4711")
    [(method, url, kwargs)] = esp_http.calls
    assert (method, url) == ("POST", "https://postal.acme.test/api/v1/send/message")
    sent = json.loads(kwargs["data"])
    assert "metadata" not in sent and sent["tag"] == "overdue-polite"
    assert sent["to"] == [contact.email] and "List-Unsubscribe" in sent["headers"]


@pytest.mark.parametrize("esp", ESPS)
def test_every_esp_on_offer_builds_its_request_for_a_reminder(tenant, contact, esp_http, esp):
    own_account(tenant, esp)
    dispatch = make_dispatch(contact, "email")

    with pytest.raises(ChannelError) as refused:
        EmailAdapter().send(dispatch)

    # The request was built and sent: only the unreachable ESP stopped it, and it is retried.
    assert len(esp_http.calls) == 1
    assert not refused.value.permanent, refused.value.message
