"""Portal links: signed for one contact, working until their end, revocable per contact."""

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from collections_app.models import PromiseToPay
from collections_app.portal.links import SALT, State, portal_token, read_link, revoke_links
from tests.collections_app.portal.tokens import contact_of, token_for
from tests.reminders.scenario import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def later(monkeypatch, days: int) -> None:
    """Move the clock ``days`` ahead."""
    moved = timezone.now() + timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_a_link_works_until_its_end_and_then_offers_a_fresh_one(client, tenant, monkeypatch):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    token = token_for(customer, days=60)
    assert client.get(f"/portal/{token}/").status_code == 200

    later(monkeypatch, 61)
    response = client.get(f"/portal/{token}/")
    html = response.content.decode()
    assert response.status_code == 410
    assert "This link has expired" in html and 'data-form="fresh-link"' in html
    assert f'action="/portal/{token}/fresh-link/"' in html
    # Nothing of the account shows on it, and it takes no post.
    assert invoice.number not in html and customer.name not in html
    tomorrow = (customer.local_today() + timedelta(days=1)).isoformat()
    posted = client.post(
        f"/portal/{token}/", {"action": "promise", "promise-promised_on": tomorrow}
    )
    assert posted.status_code == 410 and not PromiseToPay.objects.exists()
    assert posted["Referrer-Policy"] == "same-origin"


def test_a_revoked_link_is_refused_while_a_fresh_one_works(client, tenant, owner):
    customer = make_customer(tenant, "C-1")
    contact = contact_of(customer)
    old = token_for(customer)
    revoke_links(contact, owner)

    response = client.get(f"/portal/{old}/")
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()
    assert 'data-form="fresh-link"' not in response.content.decode()
    assert client.get(f"/portal/{token_for(customer)}/").status_code == 200
    assert customer.timeline.filter(kind="portal_links_revoked").exists()


def test_revoking_one_contacts_links_leaves_the_others(client, tenant, owner):
    customer = make_customer(tenant, "C-1")
    first = contact_of(customer)
    second = customer.contacts.create(tenant=tenant, name="Sam", email="sam@x.test")
    end = timezone.now() + timedelta(days=5)
    kept = portal_token(second, end)
    revoke_links(first, owner)
    assert client.get(f"/portal/{kept}/").status_code == 200
    assert read_link(portal_token(first, end)).state == State.VALID


def test_a_link_of_a_removed_contact_is_refused(client, tenant):
    customer = make_customer(tenant, "C-1")
    token = token_for(customer)
    contact_of(customer).delete()
    assert client.get(f"/portal/{token}/").status_code == 410


def test_links_without_a_contact_or_an_end_count_as_expired(client, tenant):
    customer = make_customer(tenant, "C-1")
    first_kind = signing.dumps({"t": tenant.pk, "c": customer.pk}, salt=SALT, compress=True)
    link = read_link(first_kind)
    assert (link.state, link.contact) == (State.EXPIRED, None)
    response = client.get(f"/portal/{first_kind}/")
    assert response.status_code == 410 and 'data-form="fresh-link"' in response.content.decode()


def test_an_end_or_generation_changed_in_the_token_breaks_its_signature(client, tenant):
    customer = make_customer(tenant, "C-1")
    contact = contact_of(customer)
    forged = signing.dumps(
        {"t": tenant.pk, "c": customer.pk, "p": contact.pk, "g": 0, "e": 2**40},
        salt=SALT,
        key="not-our-secret-key",
        compress=True,
    )
    assert read_link(forged) is None
    assert client.get(f"/portal/{forged}/").status_code == 404
