"""Asking for a fresh link from the page an expired one shows."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from collections_app.portal.limits import FRESH_LINKS_PER_WINDOW
from collections_app.portal.links import revoke_links
from reminders.models import Dispatch
from tests.collections_app.portal.tokens import contact_of, token_for
from tests.reminders.outbox.test_portal_links import NOW, deliver
from tests.reminders.scenario import make_customer, make_invoice


@pytest.fixture(autouse=True)
def nothing_counted() -> None:
    cache.clear()


@pytest.fixture
def customer(tenant):
    customer = make_customer(tenant, "C-1")
    make_invoice(tenant, customer, "INV-1", NOW.date() - timedelta(days=20))
    return customer


@pytest.fixture
def expired(customer, monkeypatch) -> str:
    """A token sent 61 days before ``NOW``, and the clock at ``NOW``."""
    token = token_for(customer, days=60, now=NOW - timedelta(days=61))
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return token


def test_an_expired_link_has_a_fresh_one_sent_to_the_address_on_file(
    client, tenant, customer, expired, settings
):
    settings.KAPITTX_LOCAL_CHANNELS = False
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    page = client.get(f"/portal/{expired}/")
    assert page.status_code == 410 and 'data-form="fresh-link"' in page.content.decode()

    # An address typed into the request is not where it goes.
    response = client.post(f"/portal/{expired}/fresh-link/", {"email": "me@elsewhere.test"})
    assert response.status_code == 200
    assert "data-fresh-link" in response.content.decode()
    assert "ap-C-1@x.test" not in response.content.decode()
    assert response["Referrer-Policy"] == "same-origin"

    [dispatch] = deliver(tenant)
    [message] = mail.outbox
    assert message.to == [contact_of(customer).email] == [dispatch.recipient]
    [link] = [word for word in message.body.split() if "/portal/" in word]
    path = "/portal/" + link.split("/portal/")[1]
    assert client.get(path).status_code == 200
    assert not any("elsewhere" in m.to[0] for m in mail.outbox)


def test_asking_again_and_again_sends_one_and_then_is_refused(client, customer, expired):
    address = f"/portal/{expired}/fresh-link/"
    answers = [client.post(address).status_code for _ in range(FRESH_LINKS_PER_WINDOW + 2)]
    assert answers == [200] * FRESH_LINKS_PER_WINDOW + [429, 429]
    assert Dispatch.objects.count() == 1


def test_a_revoked_link_gets_no_fresh_one(client, customer, owner, expired):
    revoke_links(contact_of(customer), owner)
    response = client.post(f"/portal/{expired}/fresh-link/")
    assert response.status_code == 410 and not Dispatch.objects.exists()


def test_a_working_link_goes_to_its_page_and_a_forged_one_is_404(client, customer):
    token = token_for(customer)
    response = client.post(f"/portal/{token}/fresh-link/")
    assert response.status_code == 302 and response["Location"] == f"/portal/{token}/"
    assert client.post("/portal/forged/fresh-link/").status_code == 404
    assert client.get(f"/portal/{token}/fresh-link/").status_code == 405
    assert not Dispatch.objects.exists()
