"""Shared fixtures: every test gets a tenant with an owner and a teammate, and an outsider
with a tenant of their own, so checking isolation costs one line; the page tests get a
reminder set-up in each (``mine`` and ``theirs``)."""

import ipaddress
import os
import socket
import time
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from kapittx.models import Membership, Tenant, User
from kapittx.onboarding import create_tenant
from kapittx.roles import Role
from tests.reminders.pages import World, build_world, today
from tests.reminders.scenario import make_customer, make_invoice

PASSWORD = "correct-horse-battery"


def _require_services() -> bool:
    return os.environ.get("KAPITTX_REQUIRE_SERVICES", "") == "1"


def _missing(reason: str) -> None:
    if _require_services():
        pytest.fail(f"{reason} (KAPITTX_REQUIRE_SERVICES=1 makes this a failure)")
    pytest.skip(reason)


#: The process time zone the tests run in, when not UTC. Django sets the process zone to
#: ``TIME_ZONE`` (UTC) as it loads, so ``TZ=…`` alone changes nothing here; with
#: ``KAPITTX_TEST_TZ=Pacific/Auckland`` every test runs with the process in that zone, so code
#: that leans on the process zone (a naive ``now()``, ``astimezone()`` without a zone,
#: ``date.today()``) fails where it would be wrong off UTC.
PROCESS_ZONE = os.environ.get("KAPITTX_TEST_TZ", "")


def _enter_process_zone() -> None:
    if PROCESS_ZONE and os.environ.get("TZ") != PROCESS_ZONE:
        os.environ["TZ"] = PROCESS_ZONE
        time.tzset()


_enter_process_zone()


@pytest.fixture(autouse=True)
def _process_zone() -> None:
    """Keep the process in ``KAPITTX_TEST_TZ`` (a settings change puts it back to UTC)."""
    _enter_process_zone()


@pytest.fixture
def postgres(db) -> None:
    """Need the suite to run on PostgreSQL."""
    if connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://…")


@pytest.fixture
def redis_url() -> str:
    """Return a reachable Redis URL."""
    url = settings.REDIS_URL
    if not url:
        _missing("needs Redis: set REDIS_URL=redis://…")
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2).close()
    except OSError as exc:
        _missing(f"Redis at {url} is not reachable: {exc}")
    return url


@pytest.fixture(autouse=True)
def _no_webhook_kicks(settings):
    """Webhook deliveries wait for the worker a test runs itself; none is woken through the
    broker when they are committed."""
    settings.KAPITTX_WEBHOOKS_KICK = False


@pytest.fixture
def fake_dns(monkeypatch) -> dict[str, list[str]]:
    """Resolve host names from the returned dict (name → addresses); addresses resolve to
    themselves and every other name is unknown, so no test asks the real DNS."""
    names: dict[str, list[str]] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in names:
            port = int(port or 0)
            return [
                (
                    socket.AF_INET6 if ":" in address else socket.AF_INET,
                    socket.SOCK_STREAM,
                    socket.IPPROTO_TCP,
                    "",
                    (address, port, 0, 0) if ":" in address else (address, port),
                )
                for address in names[host]
            ]
        try:
            ipaddress.ip_address(str(host).partition("%")[0])
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def log_in(client, email: str, password: str = PASSWORD) -> bool:
    """Sign in through the login page, as a browser does; return whether it let us in.

    (``client.login`` cannot: the sign-in throttle needs the request it counts.)
    """
    response = client.post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302 and "_auth_user_id" in client.session


def make_member(tenant: Tenant, email: str, role: str = Role.OWNER) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(email, PASSWORD)
    Membership.objects.create(tenant=tenant, user=user, role=role)
    return user


@pytest.fixture
def tenant(db) -> Tenant:
    return create_tenant(
        "acme", "Acme Trading", currency="EUR", time_zone="Europe/Berlin", country="DE"
    )


@pytest.fixture
def other_tenant(db) -> Tenant:
    return create_tenant("globex", "Globex", currency="USD")


@pytest.fixture
def owner(tenant) -> User:
    return make_member(tenant, "owner@acme.test", Role.OWNER)


@pytest.fixture
def teammate(tenant) -> User:
    return make_member(tenant, "collector@acme.test", Role.COLLECTOR)


@pytest.fixture
def outsider(other_tenant) -> User:
    return make_member(other_tenant, "owner@globex.test", Role.OWNER)


# One reminder set-up per tenant, for the page tests (built by ``tests/reminders/pages.py``).


@pytest.fixture
def mine(tenant, owner, teammate) -> World:
    return build_world(tenant, "Acme")


@pytest.fixture
def theirs(other_tenant, outsider) -> World:
    return build_world(other_tenant, "Globex")


@pytest.fixture
def customers(mine):
    """Three more customers: one in Austria, one owing 5,000, one tagged key-account."""
    austria = make_customer(mine.tenant, "C-AT", country="AT")
    rich = make_customer(mine.tenant, "C-BIG")
    make_invoice(mine.tenant, rich, "BIG-1", today() + timedelta(days=20), "5000.00")
    make_customer(mine.tenant, "C-KEY", tags=["key-account"])
    return austria, rich
