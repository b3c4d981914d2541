"""The webhook pages: adding an endpoint (its secret shown once), switching it off and on,
removing it, a test event, the delivery log and "send again" — each tenant seeing only its
own."""

import json

import pytest
from django.urls import reverse

from integrations.outgoing import delivery as worker
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.outgoing.signing import secret_of
from integrations.outgoing.subscriptions import create_subscription
from kapittx.events import publish

S = DeliveryStatus


def url(name, tenant, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def signed_in(client, owner, fake_dns):
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    client.force_login(owner)
    return client


def test_an_owner_adds_an_endpoint_and_sees_its_secret_once(signed_in, tenant):
    response = signed_in.post(
        url("webhook_list", tenant),
        {
            "url": "https://hooks.example.com/kapittx",
            "description": "ERP",
            "event_types": ["invoice.overdue", "payment.recorded"],
        },
    )

    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get(tenant=tenant)
    secret = secret_of(subscription)
    assert secret.startswith("whsec_") and secret in response.content.decode()
    assert secret not in subscription.secret_encrypted
    assert subscription.event_types == ["invoice.overdue", "payment.recorded"]
    for page in (
        url("webhook_list", tenant),
        url("webhook_detail", tenant, webhook_id=subscription.pk),
    ):
        shown = signed_in.get(page).content.decode()
        assert "hooks.example.com/kapittx" in shown and secret not in shown


@pytest.mark.parametrize(
    ("address", "dns", "error"),
    [
        ("https://169.254.169.254/latest", None, "169.254.169.254 is a link-local address"),
        ("https://crm.example.com/in", ["10.2.3.4"], "resolves to 10.2.3.4, a private address"),
        ("https://localhost/in", ["127.0.0.1"], "resolves to 127.0.0.1, a loopback address"),
        ("http://hooks.example.com/in", None, "plain http:// is not allowed"),
        ("https://nowhere.example.com/in", None, "nowhere.example.com cannot be found"),
    ],
)
def test_an_address_inside_the_network_is_refused_when_subscribing(
    signed_in, tenant, fake_dns, address, dns, error
):
    if dns:
        fake_dns[address.split("/")[2]] = dns
    response = signed_in.post(
        url("webhook_list", tenant), {"url": address, "event_types": ["invoice.overdue"]}
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not WebhookSubscription.objects.exists()


def test_the_operator_setting_allows_a_private_endpoint(signed_in, tenant, fake_dns, settings):
    settings.KAPITTX_EGRESS_ALLOW_PRIVATE = True
    fake_dns["crm.example.com"] = ["10.2.3.4"]
    signed_in.post(
        url("webhook_list", tenant),
        {"url": "https://crm.example.com/in", "event_types": ["invoice.overdue"]},
    )
    assert WebhookSubscription.objects.get(tenant=tenant).url == "https://crm.example.com/in"


def test_an_endpoint_needs_known_events(signed_in, tenant):
    for events in ([], ["invoice.deleted"]):
        response = signed_in.post(
            url("webhook_list", tenant),
            {"url": "https://hooks.example.com/in", "event_types": events},
        )
        assert response.status_code == 400
    assert not WebhookSubscription.objects.exists()


def test_switching_off_cancels_what_waits_and_switching_on_sends_new_events(
    signed_in, tenant, subscribe
):
    endpoint = subscribe(tenant, ["promise.made"])
    publish(tenant.pk, "promise.made", {"id": 1})
    detail = url("webhook_detail", tenant, webhook_id=endpoint.pk)

    assert signed_in.post(url("webhook_disable", tenant, webhook_id=endpoint.pk)).url == detail
    endpoint.refresh_from_db()
    assert not endpoint.enabled and "Switched off by owner@acme.test" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get().status == S.CANCELLED
    publish(tenant.pk, "promise.made", {"id": 2})
    assert WebhookDelivery.objects.count() == 1

    signed_in.post(url("webhook_enable", tenant, webhook_id=endpoint.pk))
    endpoint.refresh_from_db()
    assert endpoint.enabled and endpoint.disabled_reason == ""
    publish(tenant.pk, "promise.made", {"id": 3})
    assert WebhookDelivery.objects.filter(status=S.PENDING).count() == 1


def test_an_endpoint_whose_name_now_leads_inside_is_not_switched_back_on(
    signed_in, tenant, subscribe, fake_dns
):
    endpoint = subscribe(tenant, ["promise.made"])
    WebhookSubscription.objects.update(enabled=False)
    fake_dns["hooks.example.com"] = ["192.168.0.10"]

    page = signed_in.post(url("webhook_enable", tenant, webhook_id=endpoint.pk), follow=True)

    assert "Not switched on: hooks.example.com resolves to 192.168.0.10" in page.content.decode()
    endpoint.refresh_from_db()
    assert not endpoint.enabled


def test_removing_an_endpoint_takes_a_confirmation_and_its_log(signed_in, tenant, subscribe):
    endpoint = subscribe(tenant, ["promise.made"])
    publish(tenant.pk, "promise.made", {"id": 1})
    delete = url("webhook_delete", tenant, webhook_id=endpoint.pk)

    signed_in.post(delete)
    assert WebhookSubscription.objects.exists()

    assert signed_in.post(delete, {"confirm": "delete"}).url == url("webhook_list", tenant)
    assert not WebhookSubscription.objects.exists() and not WebhookDelivery.objects.exists()


def test_a_test_event_is_delivered_like_any_other(signed_in, tenant, receiver):
    endpoint = create_subscription(tenant, receiver.url, ["promise.made"]).subscription

    signed_in.post(url("webhook_test", tenant, webhook_id=endpoint.pk))
    worker.deliver_due(tenant.pk, budget=2)

    [request] = receiver.received
    body = json.loads(request.body)
    assert body["type"] == "ping" and body["data"]["subscription"] == endpoint.pk
    assert WebhookDelivery.objects.get().status == S.SUCCEEDED


def test_the_log_shows_what_was_sent_and_answered_and_sends_again(signed_in, tenant, subscribe):
    endpoint = subscribe(tenant, ["promise.made"])
    publish(tenant.pk, "promise.made", {"id": 41, "note": "Täglich <b>"})
    WebhookDelivery.objects.update(
        status=S.FAILED, attempts=10, response_status=500, response_body="Oops at receiver"
    )
    sent = WebhookDelivery.objects.get()

    log = signed_in.get(url("webhook_detail", tenant, webhook_id=endpoint.pk)).content.decode()
    page = signed_in.get(url("webhook_delivery", tenant, webhook_delivery_id=sent.pk))

    assert sent.event_id in log and "promise.made" in log
    shown = page.content.decode()
    assert "&quot;note&quot;: &quot;Täglich &lt;b&gt;&quot;" in shown
    assert "Oops at receiver" in shown
    assert sent.event_id in shown and ">500<" in shown.replace(" ", "")

    signed_in.post(url("webhook_send_again", tenant, webhook_delivery_id=sent.pk))
    sent.refresh_from_db()
    assert (sent.status, sent.attempts) == (S.PENDING, 0)


def test_send_again_waits_for_the_endpoint_to_be_switched_on(signed_in, tenant, subscribe):
    endpoint = subscribe(tenant, ["promise.made"])
    publish(tenant.pk, "promise.made", {"id": 1})
    signed_in.post(url("webhook_disable", tenant, webhook_id=endpoint.pk))
    sent = WebhookDelivery.objects.get()

    page = signed_in.post(
        url("webhook_send_again", tenant, webhook_delivery_id=sent.pk), follow=True
    )

    assert "Switch the endpoint on before sending to it again." in page.content.decode()
    sent.refresh_from_db()
    assert sent.status == S.CANCELLED


def test_another_tenants_deliveries_are_never_shown(signed_in, tenant, other_tenant, subscribe):
    mine, theirs = subscribe(tenant, ["promise.made"]), subscribe(other_tenant, ["promise.made"])
    publish(tenant.pk, "promise.made", {"id": 1, "who": "acme-event"})
    publish(other_tenant.pk, "promise.made", {"id": 2, "who": "globex-event"})
    their_delivery = WebhookDelivery.objects.get(tenant=other_tenant)

    listing = signed_in.get(url("webhook_list", tenant)).content.decode()
    log = signed_in.get(url("webhook_detail", tenant, webhook_id=mine.pk)).content.decode()

    assert (
        their_delivery.event_id not in log
        and str(theirs.pk) not in listing.split("data-webhook")[-1][:20]
    )
    for name, kwargs in (
        ("webhook_detail", {"webhook_id": theirs.pk}),
        ("webhook_delivery", {"webhook_delivery_id": their_delivery.pk}),
    ):
        assert signed_in.get(url(name, tenant, **kwargs)).status_code == 404
    for name, kwargs in (
        ("webhook_send_again", {"webhook_delivery_id": their_delivery.pk}),
        ("webhook_disable", {"webhook_id": theirs.pk}),
        ("webhook_delete", {"webhook_id": theirs.pk}),
    ):
        assert signed_in.post(url(name, tenant, **kwargs), {"confirm": "delete"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled and WebhookDelivery.objects.filter(tenant=other_tenant).count() == 1


def test_members_who_do_not_manage_the_tenant_cannot_open_the_pages(client, tenant, teammate):
    client.force_login(teammate)
    assert client.get(url("webhook_list", tenant)).status_code == 403
