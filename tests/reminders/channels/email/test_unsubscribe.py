"""One-click unsubscribe: a signed link per tenant and address; opening it asks first."""

import pytest

import reminders.channels.email.webhooks  # noqa: F401  (connects the anymail receivers)
from collections_app.events import Kind
from collections_app.models import TimelineEvent
from reminders.channels.email.unsubscribe import unsubscribe_token
from tests.reminders.channels.providers import EMAIL, refreshed, timeline

pytestmark = pytest.mark.usefixtures("webhook_providers")


def test_one_click_post_opts_the_address_out_in_that_tenant_only(
    client, tenant, contact, other_contact
):
    url = f"/hooks/unsubscribe/{unsubscribe_token(tenant.pk, EMAIL)}/"

    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    client.post(url, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert refreshed(contact).opted_out_channels == ["email"]
    assert refreshed(other_contact).opted_out_channels == []
    assert len(timeline(contact.customer, Kind.OPTED_OUT)) == 1


def test_opening_the_link_asks_first_and_changes_nothing(client, tenant, contact):
    response = client.get(f"/hooks/unsubscribe/{unsubscribe_token(tenant.pk, EMAIL)}/")

    assert response.status_code == 200
    assert b'method="post"' in response.content
    assert refreshed(contact).opted_out_channels == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, tenant, contact, method):
    token = unsubscribe_token(tenant.pk, EMAIL)
    forged = token[:-4] + ("abcd" if not token.endswith("abcd") else "wxyz")

    response = getattr(client, method)(f"/hooks/unsubscribe/{forged}/")

    assert response.status_code == 400
    assert refreshed(contact).opted_out_channels == []
    assert not TimelineEvent.objects.exists()
