"""API test fixtures: a client that speaks JSON with a key of ``mine`` (write and read), and
one of the other tenant (``theirs``); the rate counters start empty in every test."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from integrations.api.keys import create_key
from integrations.api.models import Scope


class Api:
    """A JSON client with one API key (or none)."""

    def __init__(self, secret: str | None = None) -> None:
        self.client = Client()
        self.secret = secret

    def _headers(self, headers: dict | None) -> dict:
        merged = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        return {**merged, **(headers or {})}

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def send(self, method: str, path: str, body=None, headers: dict | None = None, raw=None):
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return getattr(self.client, method)(
            path, data, content_type="application/json", headers=self._headers(headers)
        )

    def post(self, path: str, body=None, **kwargs):
        return self.send("post", path, body, **kwargs)

    def put(self, path: str, body=None, **kwargs):
        return self.send("put", path, body, **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.send("patch", path, body, **kwargs)


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()


@pytest.fixture
def api(mine) -> Api:
    """A client with a write key of ``mine``'s tenant."""
    return Api(create_key(mine.tenant, "Test ERP", Scope.WRITE)[1])


@pytest.fixture
def read_api(mine) -> Api:
    return Api(create_key(mine.tenant, "Reporting", Scope.READ)[1])


@pytest.fixture
def their_api(theirs) -> Api:
    """A write key of the other tenant."""
    return Api(create_key(theirs.tenant, "Their ERP", Scope.WRITE)[1])


@pytest.fixture
def anonymous(db) -> Api:
    return Api()


def problem(response) -> dict:
    """The problem details of an error response, checked for the shape every error has."""
    assert response["Content-Type"] == "application/problem+json", response.content
    body = response.json()
    assert set(body) == {"type", "title", "status", "detail", "errors"}, body
    assert body["status"] == response.status_code
    assert body["type"].startswith("urn:kapittx:problem:")
    for error in body["errors"]:
        assert (
            {"code", "detail", "pointer"}
            <= set(error)
            <= {
                "code",
                "detail",
                "pointer",
                "parameter",
            }
        ), error
    return body


def pointers(response) -> list[tuple[str, str]]:
    """(pointer, code) of each error of a problem response."""
    return [(error["pointer"], error["code"]) for error in problem(response)["errors"]]
