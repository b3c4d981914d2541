"""Changing an endpoint's events and description, on its page and through
``change_subscription``: events are sent by the new list from then on, to the same address,
signed with the same secret — the receiver changes nothing."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from standardwebhooks import Webhook

from integrations.outgoing import delivery as worker
from integrations.outgoing.models import WebhookDelivery, WebhookSubscription
from integrations.outgoing.subscriptions import (
    change_subscription,
    create_subscription,
    disable_subscription,
)
from kapittx.events import publish, publish_many
from kapittx.roles import Role
from tests.conftest import make_member


def url(name, tenant, **kwargs):
    return reverse(name, kwargs={"tenant_slug": tenant.slug, **kwargs})


def checked(page: str) -> list[str]:
    """The event types ticked in the page's change form."""
    boxes = re.findall(r"<input [^>]*name=\"event_types\"[^>]*>", page)
    return [re.search(r'value="([^"]+)"', box)[1] for box in boxes if " checked" in box]


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_an_owner_subscribes_an_endpoint_to_more_events_and_its_secret_still_signs_them(
    signed_in, tenant, receiver
):
    created = create_subscription(tenant, receiver.url, ["promise.made"], description="ERP")
    endpoint = created.subscription
    detail = url("webhook_detail", tenant, webhook_id=endpoint.pk)
    assert checked(signed_in.get(detail).content.decode()) == ["promise.made"]

    response = signed_in.post(
        url("webhook_change", tenant, webhook_id=endpoint.pk),
        {"event_types": ["promise.made", "payment.recorded"], "description": "ERP and bank"},
    )
    publish(tenant.pk, "payment.recorded", {"id": 5, "amount": "80.00", "currency": "EUR"})
    worker.deliver_due(tenant.pk, budget=2)

    assert response.status_code == 302 and response.url == detail
    [request] = receiver.received
    payload = Webhook(created.secret).verify(request.body, request.headers)
    assert payload["type"] == "payment.recorded" and payload["data"]["id"] == 5
    page = signed_in.get(detail).content.decode()
    assert checked(page) == ["payment.recorded", "promise.made"]
    assert "ERP and bank" in page and "Saved: events from now on are sent by the new list." in page
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.secret_hint) == (receiver.url, created.secret[:12])


def test_an_event_dropped_from_the_list_is_no_longer_delivered(signed_in, tenant, subscribe):
    endpoint = subscribe(tenant, ["promise.made", "dispute.opened"])
    publish(tenant.pk, "promise.made", {"id": 1})

    signed_in.post(
        url("webhook_change", tenant, webhook_id=endpoint.pk), {"event_types": ["dispute.opened"]}
    )
    publish_many(tenant.pk, [("promise.made", {"id": 2}), ("dispute.opened", {"id": 3})])

    sent = WebhookDelivery.objects.filter(subscription=endpoint).order_by("pk")
    assert [(d.event_type, d.status) for d in sent] == [
        ("promise.made", "pending"),  # made before the change: still sent
        ("dispute.opened", "pending"),
    ]


@pytest.mark.parametrize(
    ("events", "error"),
    [
        ([], "Choose at least one event."),
        (["promise.made", "invoice.deleted"], "Select a valid choice. invoice.deleted is not"),
    ],
)
def test_the_page_refuses_no_events_or_unknown_ones(signed_in, tenant, subscribe, events, error):
    endpoint = subscribe(tenant, ["promise.made"])

    response = signed_in.post(
        url("webhook_change", tenant, webhook_id=endpoint.pk),
        {"event_types": events, "description": "Changed"},
    )

    assert response.status_code == 400
    assert error in response.content.decode()
    endpoint.refresh_from_db()
    assert (endpoint.event_types, endpoint.description) == (["promise.made"], "")


@pytest.mark.parametrize(
    ("events", "error"),
    [
        ([], "Choose at least one event."),
        (["invoice.paid", "promise.made", "ping"], "Unknown event types: invoice.paid, ping."),
    ],
)
def test_the_operation_refuses_no_events_or_unknown_ones(tenant, subscribe, events, error):
    endpoint = subscribe(tenant, ["promise.made"])

    with pytest.raises(ValidationError) as refused:
        change_subscription(endpoint, event_types=events, description="Changed")

    assert refused.value.message_dict == {"event_types": [error]}
    endpoint.refresh_from_db()
    assert (endpoint.event_types, endpoint.description) == (["promise.made"], "")


def test_a_change_writes_only_what_changed(tenant, subscribe, django_assert_num_queries):
    endpoint = subscribe(tenant, ["promise.made", "reply.received"])
    stale = WebhookSubscription.objects.get(pk=endpoint.pk)
    disable_subscription(endpoint, "Switched off by a colleague.")

    assert change_subscription(stale, event_types=["reply.received"]) == ["event_types"]
    with django_assert_num_queries(0):
        unchanged = change_subscription(
            stale, event_types=["reply.received", "reply.received"], description=" "
        )

    assert unchanged == []
    endpoint.refresh_from_db()
    assert (endpoint.event_types, endpoint.enabled, endpoint.disabled_reason) == (
        ["reply.received"],
        False,
        "Switched off by a colleague.",
    )


def test_only_owners_and_admins_change_an_endpoint_and_only_their_tenants(
    client, tenant, other_tenant, teammate, subscribe
):
    mine, theirs = subscribe(tenant, ["promise.made"]), subscribe(other_tenant, ["promise.made"])
    change = {"event_types": ["payment.recorded"], "description": "Changed"}

    client.force_login(teammate)  # a collector
    assert client.post(url("webhook_change", tenant, webhook_id=mine.pk), change).status_code == 403

    client.force_login(make_member(tenant, "admin@acme.test", Role.ADMIN))
    theirs_under_my_slug = url("webhook_change", tenant, webhook_id=theirs.pk)
    assert client.post(theirs_under_my_slug, change).status_code == 404
    assert (
        client.post(url("webhook_change", other_tenant, webhook_id=theirs.pk), change).status_code
        == 404
    )

    theirs.refresh_from_db()
    assert (theirs.event_types, theirs.description) == (["promise.made"], "")
    mine.refresh_from_db()
    assert mine.event_types == ["promise.made"]
    assert client.post(url("webhook_change", tenant, webhook_id=mine.pk), change).status_code == 302
    mine.refresh_from_db()
    assert (mine.event_types, mine.description) == (["payment.recorded"], "Changed")
