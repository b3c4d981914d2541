"""No address a tenant types — a webhook endpoint, an email provider's API address — makes
the workers call inside the network: refused when it is entered and again when it is called
(the name may lead elsewhere by then)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from integrations.outgoing import delivery as worker
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery
from integrations.outgoing.subscriptions import create_subscription
from kapittx.events import publish
from reminders.channels.accounts import provider_config, set_provider_account
from reminders.channels.base import ChannelError, SendResult
from reminders.channels.email.adapter import EmailAdapter
from tests.integrations.outgoing.receiver import Receiver
from tests.reminders.channels.providers import use_adapter_providers
from tests.reminders.fakes import make_contact, make_customer, make_dispatch

POSTAL = "anymail.backends.postal.EmailBackend"


@pytest.fixture
def plain_http(settings):
    """Allow http (the local receiver speaks no TLS), but not private addresses."""
    settings.KAPITTX_EGRESS_ALLOW_HTTP = True


def test_a_name_pointed_inside_after_subscribing_is_not_called(tenant, fake_dns, plain_http):
    # Given: an endpoint whose name led to a public address when it was added
    inside = Receiver().start()
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    address = f"http://hooks.example.com:{inside.server.server_port}/hooks"
    create_subscription(tenant, address, ["promise.made"])
    publish(tenant.pk, "promise.made", {"id": 1})

    # When: by the time it is called the name leads to this machine
    fake_dns["hooks.example.com"] = ["127.0.0.1"]
    try:
        worker.deliver_due(tenant.pk, budget=1)
    finally:
        inside.stop()

    # Then: nothing was sent there; the attempt failed, to be retried
    assert inside.received == []
    sent = WebhookDelivery.objects.get()
    assert sent.status == DeliveryStatus.PENDING and sent.attempts == 1
    assert sent.last_error == (
        "Not called: hooks.example.com resolves to 127.0.0.1, a loopback address: only public "
        "addresses can be called."
    )


def test_the_subscribe_function_refuses_what_the_page_refuses(tenant, fake_dns):
    fake_dns["metadata.example.com"] = ["169.254.169.254"]
    with pytest.raises(ValidationError) as refused:
        create_subscription(tenant, "https://metadata.example.com/", ["promise.made"])
    assert "169.254.169.254, a link-local address" in refused.value.message_dict["url"][0]


def _settings_post(client, tenant, api_url):
    return client.post(
        reverse("reminder_settings", kwargs={"tenant_slug": tenant.slug}),
        {
            "section": "email",
            "rate_per_second": "5",
            "esp": "postal",
            "api_key": "postal-key",
            "api_url": api_url,
        },
    )


@pytest.mark.parametrize(
    ("api_url", "dns", "error"),
    [
        ("https://127.0.0.1:5000/", None, "127.0.0.1 is a loopback address"),
        ("https://postal.corp.example/", ["10.9.8.7"], "resolves to 10.9.8.7, a private address"),
        ("https://[fd00::7]/", None, "fd00::7 is a private address"),
    ],
)
def test_an_email_providers_address_inside_the_network_is_refused_on_the_settings_page(
    client, tenant, owner, fake_dns, api_url, dns, error
):
    if dns:
        fake_dns["postal.corp.example"] = dns
    client.force_login(owner)

    response = _settings_post(client, tenant, api_url)

    assert response.status_code == 400 and error in response.content.decode()
    assert provider_config(tenant.pk, "email") is None


def test_a_public_email_provider_address_is_kept(client, tenant, owner, fake_dns):
    fake_dns["postal.example.com"] = ["93.184.215.14"]
    client.force_login(owner)
    _settings_post(client, tenant, "https://postal.example.com")
    assert provider_config(tenant.pk, "email")["api_url"] == "https://postal.example.com"


@pytest.fixture
def reminder(tenant, settings):
    use_adapter_providers(settings)
    return make_dispatch(make_contact(make_customer(tenant)), "email")


def test_an_email_providers_address_pointed_inside_is_not_called_at_send_time(
    tenant, fake_dns, reminder
):
    fake_dns["postal.example.com"] = ["93.184.215.14"]
    config = {"backend": POSTAL, "api_key": "k", "api_url": "https://postal.example.com"}
    set_provider_account(tenant, "email", config)
    fake_dns["postal.example.com"] = ["10.9.8.7"]

    with pytest.raises(ChannelError) as refused:
        EmailAdapter().send(reminder)

    # Retrying cannot help until the address is corrected: the reminder fails for good.
    assert refused.value.permanent
    assert refused.value.message == (
        "The email provider's address was not called: postal.example.com resolves to "
        "10.9.8.7, a private address: only public addresses can be called."
    )


def test_a_tenants_email_provider_is_called_through_the_guard(tenant, fake_dns, reminder, settings):
    # A self-hosted Postal on this machine, allowed by the operator.
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = settings.KAPITTX_EGRESS_ALLOW_HTTP = True
    postal = Receiver().start()
    postal.reply(
        200,
        {"Content-Type": "application/json"},
        json.dumps(
            {"status": "success", "data": {"messages": {reminder.recipient: {"id": 4711}}}}
        ).encode(),
    )
    fake_dns["postal.corp.example"] = ["127.0.0.1"]
    api_url = f"http://postal.corp.example:{postal.server.server_port}"
    set_provider_account(tenant, "email", {"backend": POSTAL, "api_key": "k", "api_url": api_url})
    try:
        result = EmailAdapter().send(reminder)
    finally:
        postal.stop()

    assert result == SendResult("4711")
    [request] = postal.received
    assert request.path == "/api/v1/send/message"
    assert request.headers["Host"] == f"postal.corp.example:{postal.server.server_port}"
