"""An endpoint's page changes the events it is sent, under the Content-Security-Policy."""

import pytest

from integrations.outgoing.models import WebhookSubscription
from integrations.outgoing.signing import secret_of
from integrations.outgoing.subscriptions import create_subscription
from tests.browser.test_signin_pages import sign_in

pytestmark = pytest.mark.browser


def test_an_owner_ticks_other_events_for_an_endpoint(page, live_server, tenant, owner, fake_dns):
    fake_dns["hooks.example.com"] = ["93.184.215.14"]
    created = create_subscription(
        tenant, "https://hooks.example.com/in", ["promise.made"], description="ERP"
    )
    detail = f"{live_server.url}/t/acme/integrations/webhooks/{created.subscription.pk}/"
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")

    page.goto(detail)
    form = page.locator("#webhook-change-form")
    form.locator("input[value='promise.made']").uncheck()
    form.locator("input[value='payment.recorded']").check()
    form.locator("input[value='dispute.opened']").check()
    form.locator("input[name=description]").fill("ERP and bank")
    form.locator("#change-webhook").click()
    page.wait_for_url(detail)

    assert "Saved: events from now on are sent by the new list." in page.content()
    facts = page.locator("dl.facts").inner_text()
    assert "payment.recorded" in facts and "dispute.opened" in facts
    assert "promise.made" not in facts and "ERP and bank" in facts
    endpoint = WebhookSubscription.objects.get()
    assert endpoint.event_types == ["payment.recorded", "dispute.opened"]
    assert secret_of(endpoint) == created.secret
