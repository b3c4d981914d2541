"""A new tenant's empty pages load the ways in under the Content-Security-Policy, and the
hand-entry form they lead to adds a customer and an invoice."""

import pytest

from receivables.models import Invoice
from tests.browser.test_signin_pages import sign_in

pytestmark = pytest.mark.browser


def test_an_empty_account_leads_to_adding_an_invoice_by_hand(page, live_server, tenant, owner):
    sign_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    page.locator("#ways-in").wait_for()  # the overview's panel, loaded as a fragment
    page.goto(f"{live_server.url}/t/acme/customers/")
    page.locator("#ways-in [data-way=add_by_hand] a").click()
    page.wait_for_url(f"{live_server.url}/t/acme/integrations/new/")
    page.fill("#id_name", "Łódź Müller 株式会社")
    page.fill("#id_number", "H-1")
    page.fill("#id_issue_date", "2024-06-01")
    page.fill("#id_due_date", "2024-07-01")
    page.fill("#id_amount", "99.90")
    page.click("#add-by-hand button[type=submit]")
    page.wait_for_url(f"{live_server.url}/t/acme/customers/*/")
    assert "Invoice H-1 added for the new customer." in page.content()
    assert Invoice.objects.get(number="H-1").customer.name == "Łódź Müller 株式会社"
    page.goto(f"{live_server.url}/t/acme/customers/", wait_until="networkidle")
    assert page.locator("#ways-in").count() == 0
