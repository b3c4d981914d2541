"""``/webhook-endpoints/`` and ``/webhook-deliveries/``: a tenant's outgoing webhooks through
the API, with the page's rules (the secret shown once, public addresses only)."""

import json

import pytest

from integrations.api.models import IdempotencyRecord
from integrations.outgoing.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from integrations.outgoing.signing import secret_of
from tests.integrations.api.conftest import pointers, problem

ENDPOINTS = "/api/v1/webhook-endpoints/"
NEW = {
    "url": "https://hooks.example.com/kapittx",
    "event_types": ["promise.made", "invoice.created"],
    "description": "ERP sync",
}


@pytest.fixture
def public_dns(fake_dns):
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    return fake_dns


def _create(api, body=None, **kwargs) -> dict:
    response = api.post(ENDPOINTS, body or NEW, **kwargs)
    assert response.status_code == 201, response.content
    return response.json()


def test_the_secret_is_in_the_create_answer_and_never_again(api, mine, public_dns):
    created = _create(api)

    stored = WebhookSubscription.objects.get(pk=created["id"])
    assert created["secret"].startswith("whsec_") and created["secret"] == secret_of(stored)
    assert created["event_types"] == ["invoice.created", "promise.made"]  # catalogue order
    assert (created["url"], created["description"], created["enabled"]) == (
        NEW["url"],
        "ERP sync",
        True,
    )
    later = [
        api.get(f"{ENDPOINTS}{created['id']}/"),
        api.get(ENDPOINTS),
        api.patch(f"{ENDPOINTS}{created['id']}/", {"enabled": True}),
    ]
    for response in later:
        assert response.status_code == 200
        assert created["secret"] not in response.content.decode()
        assert "secret" not in json.dumps(response.json()).replace("secret_hint", "")
    assert later[0].json()["secret_hint"] == created["secret"][:12]


def test_a_retried_create_makes_one_endpoint_and_keeps_no_secret(api, mine, public_dns):
    key = {"Idempotency-Key": "create-hook-1"}
    first = _create(api, headers=key)
    again = api.post(ENDPOINTS, NEW, headers=key)

    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == {**first, "secret": None}
    assert WebhookSubscription.objects.filter(tenant=mine.tenant, url=NEW["url"]).count() == 1
    kept = IdempotencyRecord.objects.get(tenant=mine.tenant, key="create-hook-1")
    assert first["secret"].encode() not in bytes(kept.body)


@pytest.mark.parametrize(
    "host, addresses",
    [
        ("metadata.example.com", ["169.254.169.254"]),
        ("db.example.com", ["10.0.0.5"]),
        ("mixed.example.com", ["93.184.215.14", "127.0.0.1"]),
    ],
)
def test_an_address_inside_the_network_is_refused(api, mine, fake_dns, host, addresses):
    fake_dns[host] = addresses
    before = WebhookSubscription.objects.filter(tenant=mine.tenant).count()

    response = api.post(ENDPOINTS, {**NEW, "url": f"https://{host}/hook"})

    assert response.status_code == 422
    assert pointers(response) == [("/url", "refused")]
    assert WebhookSubscription.objects.filter(tenant=mine.tenant).count() == before


def test_unknown_events_and_missing_fields_point_at_the_field(api, mine, public_dns):
    unknown = api.post(ENDPOINTS, {**NEW, "event_types": ["promise.made", "invoice.paid"]})
    empty = api.post(ENDPOINTS, {"url": "not a url", "event_types": []})

    assert unknown.status_code == 400
    assert pointers(unknown) == [("/event_types/1", "invalid_choice")]
    assert empty.status_code == 400
    assert sorted(pointers(empty)) == [("/event_types", "min_length"), ("/url", "invalid")]


def test_patch_switches_off_and_on(api, mine, public_dns):
    created = _create(api)
    path = f"{ENDPOINTS}{created['id']}/"
    waiting = WebhookDelivery.objects.create(
        tenant=mine.tenant,
        subscription_id=created["id"],
        event_id="msg_wait",
        event_type="promise.made",
        body="{}",
    )

    off = api.patch(path, {"enabled": False})
    waiting.refresh_from_db()

    assert off.status_code == 200 and off.json()["enabled"] is False
    assert off.json()["disabled_reason"] == "Switched off through the API (key Test ERP)."
    assert waiting.status == DeliveryStatus.CANCELLED
    on = api.patch(path, {"enabled": True})
    assert on.status_code == 200 and on.json()["enabled"] is True
    assert on.json()["disabled_at"] is None


def test_switching_on_an_address_that_now_points_inside_is_refused(api, mine, public_dns):
    created = _create(api)
    path = f"{ENDPOINTS}{created['id']}/"
    api.patch(path, {"enabled": False})
    public_dns["hooks.example.com"] = ["192.168.1.20"]

    response = api.patch(path, {"enabled": True})

    assert response.status_code == 422
    assert pointers(response) == [("/url", "refused")]
    assert WebhookSubscription.objects.get(pk=created["id"]).enabled is False


def test_delete_removes_the_endpoint_and_its_log(api, mine):
    path = f"{ENDPOINTS}{mine.webhook.pk}/"

    response = api.send("delete", path)

    assert response.status_code == 204
    assert not WebhookSubscription.objects.filter(pk=mine.webhook.pk).exists()
    assert not WebhookDelivery.objects.filter(pk=mine.webhook_delivery.pk).exists()
    assert api.get(path).status_code == 404


def test_a_test_event_queues_a_ping_delivery(api, mine):
    response = api.post(f"{ENDPOINTS}{mine.webhook.pk}/test/")

    assert response.status_code == 201
    delivery = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert (delivery.subscription_id, delivery.event_type, delivery.status) == (
        mine.webhook.pk,
        "ping",
        DeliveryStatus.PENDING,
    )
    assert response.json()["event_id"] == delivery.event_id


def test_a_switched_off_endpoint_gets_no_test_event(api, mine):
    api.patch(f"{ENDPOINTS}{mine.webhook.pk}/", {"enabled": False})
    before = WebhookDelivery.objects.count()

    response = api.post(f"{ENDPOINTS}{mine.webhook.pk}/test/")

    assert response.status_code == 409
    assert pointers(response) == [("", "endpoint_disabled")]
    assert WebhookDelivery.objects.count() == before


def test_deliveries_are_listed_newest_first_without_body_or_secret(api, mine):
    api.post(f"{ENDPOINTS}{mine.webhook.pk}/test/")
    path = f"{ENDPOINTS}{mine.webhook.pk}/deliveries/"

    rows = api.get(path).json()["results"]
    failed = api.get(path, {"status": "failed"}).json()["results"]
    first_page = api.get(path, {"limit": 1}).json()

    assert [row["event_type"] for row in rows] == ["ping", "invoice.overdue"]
    old = rows[1]
    assert (old["id"], old["endpoint"], old["event_id"]) == (
        mine.webhook_delivery.pk,
        mine.webhook.pk,
        "msg_Acme",
    )
    assert (old["status"], old["attempts"], old["response_status"]) == ("failed", 10, 500)
    assert {"next_attempt_at", "last_attempt_at", "created_at", "succeeded_at"} <= set(old)
    assert "body" not in old and "Acme-1" not in json.dumps(rows)
    assert secret_of(mine.webhook) not in json.dumps(rows)
    assert [row["id"] for row in failed] == [mine.webhook_delivery.pk]
    assert len(first_page["results"]) == 1
    rest = api.get(first_page["next"]).json()
    assert [row["id"] for row in rest["results"]] == [mine.webhook_delivery.pk]
    assert problem(api.get(path, {"status": "lost"}))["errors"][0]["parameter"] == "status"


def test_send_again_puts_a_failed_delivery_back_in_line(api, mine):
    response = api.post(f"/api/v1/webhook-deliveries/{mine.webhook_delivery.pk}/send-again/")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["attempts"]) == ("pending", 0)
    mine.webhook_delivery.refresh_from_db()
    assert mine.webhook_delivery.status == DeliveryStatus.PENDING


def test_send_again_to_a_switched_off_endpoint_is_a_conflict(api, mine):
    api.patch(f"{ENDPOINTS}{mine.webhook.pk}/", {"enabled": False})

    response = api.post(f"/api/v1/webhook-deliveries/{mine.webhook_delivery.pk}/send-again/")

    assert response.status_code == 409
    mine.webhook_delivery.refresh_from_db()
    assert mine.webhook_delivery.status == DeliveryStatus.FAILED


def test_other_tenants_read_keys_and_no_key(api, read_api, their_api, anonymous, mine, theirs):
    mine_paths = [
        ("get", f"{ENDPOINTS}{mine.webhook.pk}/"),
        ("patch", f"{ENDPOINTS}{mine.webhook.pk}/"),
        ("delete", f"{ENDPOINTS}{mine.webhook.pk}/"),
        ("post", f"{ENDPOINTS}{mine.webhook.pk}/test/"),
        ("get", f"{ENDPOINTS}{mine.webhook.pk}/deliveries/"),
        ("get", f"/api/v1/webhook-deliveries/{mine.webhook_delivery.pk}/"),
        ("post", f"/api/v1/webhook-deliveries/{mine.webhook_delivery.pk}/send-again/"),
    ]
    for method, path in mine_paths:
        theirs_sees = their_api.get(path) if method == "get" else their_api.send(method, path, {})
        assert theirs_sees.status_code == 404, (method, path)
        assert "acme" not in theirs_sees.content.decode().lower()
        nobody = anonymous.get(path) if method == "get" else anonymous.send(method, path, {})
        assert nobody.status_code == 401, (method, path)
        if method != "get":
            assert read_api.send(method, path, {}).status_code == 403, (method, path)
    assert read_api.post(ENDPOINTS, NEW).status_code == 403
    listed = their_api.get(ENDPOINTS).json()["results"]
    assert [row["id"] for row in listed] == [theirs.webhook.pk]
    assert WebhookSubscription.objects.filter(pk=mine.webhook.pk, enabled=True).exists()
    assert WebhookDelivery.objects.get(pk=mine.webhook_delivery.pk).status == "failed"
    assert read_api.get(f"{ENDPOINTS}{mine.webhook.pk}/").status_code == 200
