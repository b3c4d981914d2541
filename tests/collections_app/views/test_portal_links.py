"""Revoking a contact's payment-page links from the customer's page."""

from kapittx.roles import Role
from tests.collections_app.portal.tokens import contact_of, token_for
from tests.conftest import make_member
from tests.reminders.pages import url
from tests.reminders.scenario import make_customer


def revoke_address(tenant, customer, contact) -> str:
    return url(
        "contact_revoke_portal_links", tenant, customer_id=customer.pk, contact_id=contact.pk
    )


def test_only_a_member_who_runs_collections_revokes_links(client, tenant, teammate):
    customer = make_customer(tenant, "C-1")
    token = token_for(customer)
    address = revoke_address(tenant, customer, contact_of(customer))
    page = url("customer_detail", tenant, customer_id=customer.pk)
    client.force_login(make_member(tenant, "viewer@acme.test", Role.VIEWER))
    assert f'action="{address}"' not in client.get(page).content.decode()
    assert client.post(address).status_code == 403
    assert client.get(f"/portal/{token}/").status_code == 200

    client.force_login(teammate)  # a collector
    assert f'action="{address}"' in client.get(page).content.decode()
    assert client.post(address)["Location"] == page
    assert client.get(f"/portal/{token}/").status_code == 410
    assert client.get(f"/portal/{token_for(customer)}/").status_code == 200


def test_a_contact_of_another_customer_is_404(client, tenant, teammate):
    customer = make_customer(tenant, "C-1")
    neighbour = make_customer(tenant, "C-2")
    token = token_for(neighbour)
    client.force_login(teammate)
    response = client.post(revoke_address(tenant, customer, contact_of(neighbour)))
    assert response.status_code == 404
    assert client.get(f"/portal/{token}/").status_code == 200
