"""API keys: bearer only, hashed, scoped, revocable, and used at most one write a minute."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrations.api.keys import create_key, revoke_key
from integrations.api.models import KEY_PREFIX, ApiKey, Scope
from tests.integrations.api.conftest import Api, problem


def test_only_a_hash_and_the_prefix_are_kept(mine):
    key, secret = create_key(mine.tenant, "ERP", Scope.READ)

    assert secret.startswith(KEY_PREFIX) and secret.startswith(key.prefix + ".")
    stored = ApiKey.objects.get(pk=key.pk)
    assert secret not in (stored.hashed_key, stored.id)
    assert stored.hashed_key.startswith("sha512$$")
    assert ApiKey.objects.get_from_key(secret) == stored


def test_a_key_works_as_bearer_and_nothing_else(mine):
    _, secret = create_key(mine.tenant, "ERP")
    customers = "/api/v1/customers/"

    assert Api(secret).get(customers).status_code == 200
    for header in (f"Api-Key {secret}", f"Basic {secret}", "Bearer", f"Bearer{secret}"):
        response = Api().get(customers, headers={"Authorization": header})
        assert response.status_code == 401, header
        problem(response)


def test_a_revoked_key_gets_401(mine):
    key, secret = create_key(mine.tenant, "ERP")
    api = Api(secret)
    assert api.get("/api/v1/customers/").status_code == 200

    revoke_key(mine.tenant, key.prefix)

    response = api.get("/api/v1/customers/")
    assert response.status_code == 401
    assert problem(response)["detail"] == "Unknown or revoked API key."


def test_a_read_key_reads_and_cannot_write(read_api, mine):
    assert read_api.get("/api/v1/invoices/").status_code == 200

    response = read_api.post("/api/v1/customers/", {"external_id": "R", "name": "R"})

    assert response.status_code == 403
    assert "write scope" in problem(response)["detail"]


def test_last_used_is_written_at_most_once_a_minute(api, mine):
    key = ApiKey.objects.get(tenant=mine.tenant, name="Test ERP")
    assert key.last_used_at is None

    api.get("/api/v1/workflows/")
    first = ApiKey.objects.get(pk=key.pk).last_used_at
    with CaptureQueriesContext(connection) as queries:
        api.get("/api/v1/workflows/")
    assert ApiKey.objects.get(pk=key.pk).last_used_at == first
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]

    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    api.get("/api/v1/workflows/")
    assert ApiKey.objects.get(pk=key.pk).last_used_at > first


def test_keys_need_a_name_and_a_known_scope(mine):
    for name, scope in (("  ", Scope.READ), ("ERP", "admin")):
        try:
            create_key(mine.tenant, name, scope)
        except ValueError:
            continue
        raise AssertionError(f"{name!r}/{scope!r} was accepted")
