"""No API endpoint shows or changes a tenant's data for a key of another tenant, for a read
key writing, or without a key.

The endpoints are not listed here: every URL pattern under ``/api/v1/`` is found by walking
the URL map (``endpoints.py``) with its methods, and its ids are filled from one tenant's
objects. An endpoint taking an id the walk cannot fill, or about a kind of object it has no
example of, fails by name, so a new endpoint cannot escape these checks.
"""

import json

import pytest

from integrations.api.keys import create_key
from integrations.api.models import Scope
from kapittx.tenancy import scoped
from receivables.models import Customer
from tests.integrations.api.conftest import Api, problem
from tests.integrations.api.endpoints import (
    Endpoint,
    Targets,
    api_endpoints,
    build_targets,
    hijack_body,
    snapshot,
)
from tests.tenant_pages import on_every_page

ENDPOINTS = api_endpoints()
OBJECT_ENDPOINTS = [e for e in ENDPOINTS if e.kwargs]
LISTS = [e for e in ENDPOINTS if not e.kwargs and "get" in e.methods]
WRITES = [e for e in ENDPOINTS if e.writes]


@pytest.fixture
def my_targets(mine) -> Targets:
    return build_targets(mine)


@pytest.fixture
def their_targets(theirs) -> Targets:
    return build_targets(theirs)


def _call(api: Api, method: str, path: str, body=None):
    if method == "get":
        return api.get(path)
    return api.send(method, path, body if body is not None else {})


def _check(endpoints, check) -> None:
    on_every_page(endpoints, check)


def test_every_endpoint_wants_a_key(anonymous, my_targets):
    def refuses(endpoint: Endpoint) -> None:
        for method in endpoint.methods:
            response = _call(anonymous, method, my_targets.path(endpoint))
            assert response.status_code == 401, f"{method.upper()} answered {response.status_code}"
            problem(response)
            assert response["WWW-Authenticate"].startswith("Bearer")

    _check(ENDPOINTS, refuses)


def test_a_revoked_or_unknown_key_is_refused_everywhere(my_targets):
    key, secret = create_key(my_targets.world.tenant, "Old", Scope.WRITE)
    key.revoked = True
    key.save()
    revoked, unknown = Api(secret), Api(secret[:-4] + "xxxx")

    def refuses(endpoint: Endpoint) -> None:
        for api in (revoked, unknown):
            response = _call(api, endpoint.methods[0], my_targets.path(endpoint))
            assert response.status_code == 401, f"answered {response.status_code}"

    _check(ENDPOINTS, refuses)


def test_a_read_key_cannot_write_anywhere(read_api, my_targets):
    before = snapshot(my_targets.world.tenant)

    def refuses(endpoint: Endpoint) -> None:
        for method in endpoint.writes:
            body = hijack_body(endpoint, my_targets)
            response = _call(read_api, method, my_targets.path(endpoint), body)
            assert response.status_code == 403, f"{method.upper()} answered {response.status_code}"
            problem(response)

    _check(WRITES, refuses)
    assert snapshot(my_targets.world.tenant) == before


def test_another_tenants_key_gets_404_on_my_objects(their_api, my_targets, their_targets):
    before = snapshot(my_targets.world.tenant)

    def finds_nothing(endpoint: Endpoint) -> None:
        path = my_targets.path(endpoint)
        for method in endpoint.methods:
            response = _call(their_api, method, path, hijack_body(endpoint, my_targets))
            if method == "put" and "external_id" in endpoint.kwargs:
                # Putting an external id creates it in the key's own tenant: not mine.
                assert response.status_code in (200, 201, 400, 422), response.status_code
            else:
                assert response.status_code == 404, (
                    f"{method.upper()} answered {response.status_code}"
                )
                problem(response)
            assert "Acme" not in response.content.decode()

    _check(OBJECT_ENDPOINTS, finds_nothing)
    assert snapshot(my_targets.world.tenant) == before


def test_another_tenants_lists_never_hold_my_rows(their_api, my_targets, their_targets):
    theirs = their_targets.world.tenant

    def shows_only_theirs(endpoint: Endpoint) -> None:
        response = their_api.get(my_targets.path(endpoint))
        assert response.status_code == 200, f"GET answered {response.status_code}"
        body = response.json()
        assert "Acme" not in json.dumps(body)
        if endpoint.model is None:  # a report: its rows name customers
            rows, model, key = body["customers"], Customer, "customer"
        else:
            rows, model, key = body["results"], endpoint.model, "id"
        listed = {row[key] for row in rows}
        own = set(scoped(model, theirs).values_list("pk", flat=True))
        assert listed, "the other tenant sees none of its own rows either"
        assert listed <= own, f"listed {listed}, the tenant's own are {own}"

    _check(LISTS, shows_only_theirs)


def test_another_tenants_writes_never_touch_my_books(their_api, my_targets, their_targets):
    before = snapshot(my_targets.world.tenant)

    def leaves_mine_alone(endpoint: Endpoint) -> None:
        for method in endpoint.writes:
            body = hijack_body(endpoint, my_targets)
            response = _call(their_api, method, my_targets.path(endpoint), body)
            assert response.status_code < 500, f"{method.upper()} answered {response.status_code}"
            assert "Acme" not in response.content.decode()

    _check([e for e in WRITES if not e.kwargs], leaves_mine_alone)
    assert snapshot(my_targets.world.tenant) == before


def test_the_walk_finds_every_resource_and_its_actions():
    names = {endpoint.name for endpoint in ENDPOINTS}
    assert {
        "api:customer-list",
        "api:customer-detail",
        "api:customer-by-external-id",
        "api:customer-bulk",
        "api:invoice-write-off",
        "api:invoice-void",
        "api:payment-bulk",
        "api:credit-note-list",
        "api:dispatch-detail",
        "api:timeline-event-list",
        "api:workflow-detail",
        "api:dispute-list",
        "api:promise-detail",
        "api:report-aging",
        "api:webhook-endpoint-list",
        "api:webhook-endpoint-detail",
        "api:webhook-endpoint-test",
        "api:webhook-endpoint-deliveries",
        "api:webhook-delivery-detail",
        "api:webhook-delivery-send-again",
    } <= names
    assert not names & {"api:schema", "api:docs", "api:redoc"}
    detail = next(e for e in ENDPOINTS if e.name == "api:customer-detail")
    assert set(detail.methods) == {"get", "patch"}


def test_an_endpoint_nobody_can_fill_fails_by_name(my_targets):
    unknown = Endpoint("api:thing-detail", ("thing_id",), ("get",), "thing")
    with pytest.raises(pytest.fail.Exception, match=r"api:thing-detail takes thing_id"):
        unknown.path({})
    with pytest.raises(pytest.fail.Exception, match=r"no thing object"):
        my_targets.pk_of("thing")
