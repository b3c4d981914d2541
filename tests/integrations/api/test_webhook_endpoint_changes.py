"""``PATCH /webhook-endpoints/{id}/`` with ``event_types`` and ``description``: an endpoint
is sent other events from then on, keeping its address and its secret."""

import pytest

from integrations.outgoing.catalogue import EVENT_TYPES
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.outgoing.signing import secret_of
from kapittx.events import publish, publish_many
from tests.integrations.api.conftest import pointers, problem
from tests.integrations.api.test_reference import schema
from tests.integrations.api.test_webhook_endpoints import ENDPOINTS, NEW


@pytest.fixture
def created(api, mine, fake_dns) -> dict:
    """An endpoint added through the API, with the secret its answer carried."""
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    response = api.post(ENDPOINTS, NEW)
    assert response.status_code == 201, response.content
    return response.json()


def path_of(created: dict) -> str:
    return f"{ENDPOINTS}{created['id']}/"


def stored(created: dict) -> WebhookSubscription:
    return WebhookSubscription.objects.get(pk=created["id"])


def test_patch_changes_the_events_and_description_and_keeps_the_secret(api, created):
    response = api.patch(
        path_of(created),
        {"event_types": ["payment.recorded", "invoice.created"], "description": "ERP and bank"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["event_types"] == ["invoice.created", "payment.recorded"]  # catalogue order
    assert (body["description"], body["url"], body["enabled"]) == (
        "ERP and bank",
        NEW["url"],
        True,
    )
    assert body["secret_hint"] == created["secret_hint"] and "secret" not in body
    endpoint = stored(created)
    assert secret_of(endpoint) == created["secret"]
    assert endpoint.event_types == ["invoice.created", "payment.recorded"]


def test_patch_changes_only_what_it_names(api, created):
    api.patch(path_of(created), {"description": "  Bank feed  "})
    assert (stored(created).description, stored(created).event_types) == (
        "Bank feed",
        ["invoice.created", "promise.made"],
    )

    api.patch(path_of(created), {"event_types": ["reply.received"], "enabled": False})
    endpoint = stored(created)
    assert (endpoint.description, endpoint.event_types, endpoint.enabled) == (
        "Bank feed",
        ["reply.received"],
        False,
    )


def test_after_a_patch_new_events_are_delivered_and_dropped_ones_are_not(api, mine, created):
    publish(mine.tenant.pk, "promise.made", {"id": 1})
    waiting = WebhookDelivery.objects.get(subscription_id=created["id"])

    api.patch(path_of(created), {"event_types": ["invoice.created", "payment.recorded"]})
    publish_many(
        mine.tenant.pk,
        [("promise.made", {"id": 2}), ("payment.recorded", {"id": 3}), ("invoice.created", {})],
    )

    later = WebhookDelivery.objects.filter(subscription_id=created["id"]).exclude(pk=waiting.pk)
    assert sorted(later.values_list("event_type", flat=True)) == [
        "invoice.created",
        "payment.recorded",
    ]
    waiting.refresh_from_db()
    assert waiting.status == DeliveryStatus.PENDING  # made before the change: still sent


def test_unknown_events_and_an_empty_list_are_refused_and_change_nothing(api, created):
    unknown = api.patch(path_of(created), {"event_types": ["promise.made", "invoice.paid"]})
    empty = api.patch(path_of(created), {"event_types": [], "description": "None at all"})

    assert unknown.status_code == 400
    assert pointers(unknown) == [("/event_types/1", "invalid_choice")]
    assert "invoice.created" in problem(unknown)["errors"][0]["detail"]  # the choices named
    assert empty.status_code == 400
    assert pointers(empty) == [("/event_types", "min_length")]
    endpoint = stored(created)
    assert (endpoint.event_types, endpoint.description) == (
        ["invoice.created", "promise.made"],
        "ERP sync",
    )


def test_the_address_cannot_be_changed(api, created):
    response = api.patch(
        path_of(created),
        {"url": "https://hooks.example.com/elsewhere", "event_types": ["reply.received"]},
    )

    assert response.status_code == 400
    assert pointers(response) == [("/url", "immutable")]
    assert "add a new endpoint" in problem(response)["errors"][0]["detail"]
    endpoint = stored(created)
    assert (endpoint.url, endpoint.event_types) == (NEW["url"], ["invoice.created", "promise.made"])


def test_a_refused_switch_on_keeps_the_old_events(api, created, fake_dns):
    api.patch(path_of(created), {"enabled": False})
    fake_dns["hooks.example.com"] = ["192.168.1.20"]

    response = api.patch(path_of(created), {"enabled": True, "event_types": ["reply.received"]})

    assert response.status_code == 422
    assert pointers(response) == [("/url", "refused")]
    endpoint = stored(created)
    assert (endpoint.enabled, endpoint.event_types) == (False, ["invoice.created", "promise.made"])


def test_a_read_key_or_another_tenant_cannot_change_the_events(read_api, their_api, mine, theirs):
    body = {"event_types": ["payment.recorded"], "description": "Hijack"}
    mine_path = f"{ENDPOINTS}{mine.webhook.pk}/"

    read = read_api.patch(mine_path, body)
    other = their_api.patch(mine_path, body)

    assert read.status_code == 403 and problem(read)
    assert other.status_code == 404 and problem(other)
    mine.webhook.refresh_from_db()
    assert (mine.webhook.event_types, mine.webhook.description) == (["invoice.overdue"], "")
    # The same body changes the other tenant's own endpoint.
    assert their_api.patch(f"{ENDPOINTS}{theirs.webhook.pk}/", body).status_code == 200
    theirs.webhook.refresh_from_db()
    assert theirs.webhook.event_types == ["payment.recorded"]


def test_the_schema_documents_what_a_patch_may_change(db):
    document = schema()
    operation = document["paths"]["/api/v1/webhook-endpoints/{id}/"]["patch"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = document["components"]["schemas"]
    body = components[ref.rsplit("/", 1)[1]]

    assert set(body["properties"]) == {"event_types", "description", "enabled"}
    assert body["additionalProperties"] is False
    event_types = body["properties"]["event_types"]
    assert (event_types["minItems"], event_types["maxItems"]) == (1, len(EVENT_TYPES))
    choices = components[event_types["items"]["$ref"].rsplit("/", 1)[1]]["enum"]
    assert choices == list(EVENT_TYPES)
    assert "`url`" in operation["description"] and "immutable" in operation["description"]
