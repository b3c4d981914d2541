"""Every failure under /api/ answers RFC 9457 problem details, whatever its status."""

import pytest
from django.test import Client

from integrations.api.throttling import parse_rate
from integrations.api.views.customers import CustomerViewSet
from tests.integrations.api.conftest import Api, problem


def test_400_malformed_json(api, mine):
    response = api.send("post", "/api/v1/customers/", raw='{"external_id": ')

    body = problem(response)
    assert body["status"] == 400
    assert body["title"] == "Bad Request"
    assert body["errors"][0]["pointer"] == ""


def test_400_json_nested_beyond_reason(api, mine):
    response = api.send("post", "/api/v1/customers/bulk/", raw="[" * 100_000)

    assert problem(response)["status"] == 400


def test_401_without_a_key(anonymous):
    body = problem(anonymous.get("/api/v1/customers/"))

    assert (body["status"], body["type"]) == (401, "urn:kapittx:problem:unauthorized")


def test_403_read_key_writing(read_api, mine):
    assert problem(read_api.patch(f"/api/v1/customers/{mine.customer.pk}/", {}))["status"] == 403


def test_404_unknown_object_and_unknown_addresses(api, mine):
    assert problem(api.get("/api/v1/customers/999999/"))["status"] == 404
    assert problem(api.get("/api/v1/customers/99999999999999999999999/"))["status"] == 404
    assert problem(api.get("/api/v1/no-such-thing/"))["status"] == 404
    assert problem(Api().post("/api/v2/anything"))["status"] == 404
    hint = problem(api.get("/api/v1/customers"))
    assert hint["detail"].endswith("/api/v1/customers/")


def test_405_method_not_allowed(api, mine):
    response = api.send("delete", f"/api/v1/customers/{mine.customer.pk}/")

    assert problem(response)["status"] == 405
    assert "GET" in response["Allow"]


def test_409_conflict(api, mine):
    body = {"external_id": mine.customer.external_id, "name": "Again"}

    assert problem(api.post("/api/v1/customers/", body))["status"] == 409


def test_413_too_large(api, mine, settings):
    settings.KAPITTX_API_MAX_BODY = 100

    response = api.post("/api/v1/customers/bulk/", {"items": [{"external_id": "x" * 200}]})

    assert problem(response)["status"] == 413


def test_415_not_json(api, mine):
    response = api.client.post(
        "/api/v1/customers/",
        "external_id=1",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {api.secret}"},
    )

    assert problem(response)["status"] == 415


def test_422_refused_by_the_rules(api, mine):
    response = api.post("/api/v1/customers/", {"external_id": "NEW"})

    assert problem(response)["type"] == "urn:kapittx:problem:refused"


def test_429_too_many_requests(api, mine, settings):
    settings.KAPITTX_API_RATE = "3/min"
    statuses = [api.get("/api/v1/workflows/").status_code for _ in range(4)]

    response = api.get("/api/v1/workflows/")

    assert statuses == [200, 200, 200, 429]
    body = problem(response)
    assert body["status"] == 429
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_rate_is_counted_per_key(api, read_api, mine, settings):
    settings.KAPITTX_API_RATE = "2/min"
    for _ in range(2):
        api.get("/api/v1/workflows/")

    assert api.get("/api/v1/workflows/").status_code == 429
    assert read_api.get("/api/v1/workflows/").status_code == 200


def test_the_rate_is_counted_in_redis_when_there_is_one(api, mine, settings, redis_url):
    settings.KAPITTX_API_RATE = "2/min"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"api-test-{api.secret[:12]}",
        }
    }
    statuses = [api.get("/api/v1/workflows/").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_500_hides_the_cause_and_keeps_the_shape(api, mine, monkeypatch):
    def broken(self, request, *args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(CustomerViewSet, "list", broken)
    api.client = Client(raise_request_exception=False)  # answer as the server does

    response = api.get("/api/v1/customers/")

    body = problem(response)
    assert body["status"] == 500
    assert "secret detail" not in response.content.decode()


@pytest.mark.parametrize("debug", [True, False])
def test_the_shape_holds_with_debug_on_and_off(api, mine, settings, debug):
    settings.DEBUG = debug

    assert problem(api.get("/api/v1/customers/0/"))["status"] == 404


def test_options_is_not_an_endpoint(api, mine):
    response = api.send("options", "/api/v1/customers/by-external-id/C-1/")

    assert problem(response)["status"] == 405


def test_rates_are_written_as_people_write_them():
    assert parse_rate("600/min") == parse_rate("600/minute") == (600, 60)
    assert parse_rate("10/s") == (10, 1)
    assert parse_rate("5000/day") == (5000, 86400)
