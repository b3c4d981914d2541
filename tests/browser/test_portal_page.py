"""The customer's payment-status page in a real browser, opened from a reminder's link."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from collections_app.models import PromiseToPay
from receivables import ledger
from receivables.models import Customer
from tests.collections_app.portal.tokens import token_for

pytestmark = pytest.mark.browser


def test_customer_opens_the_link_and_sees_what_is_open(page, live_server, tenant, tmp_path):
    today = timezone.localdate()
    customer = Customer.objects.create(
        tenant=tenant, external_id="C1", name="Baltic Freight", currency="EUR"
    )
    for number, days_overdue, amount in [("P-1", 12, 300), ("P-2", -4, 150)]:
        due = today - timedelta(days=days_overdue)
        ledger.create_invoice(
            tenant,
            customer,
            number=number,
            issue_date=due - timedelta(days=30),
            due_date=due,
            subtotal=Decimal(amount),
        )
    response = page.goto(f"{live_server.url}/portal/{token_for(customer)}/")
    assert response.status == 200
    assert page.locator("h1").inner_text() == f"Your account with {tenant.name}"
    assert page.locator("[data-total=open-EUR]").inner_text() == "450.00"
    assert page.locator("[data-total=overdue-EUR]").inner_text() == "300.00"
    assert page.locator("[data-invoice=P-1]").get_attribute("class") == "overdue"
    assert page.locator("[data-invoice=P-2] td").nth(5).inner_text() == "–"
    # The page needs nothing from outside the app: every stylesheet loads from it.
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href)")
    assert sheets and all(href.startswith(live_server.url) for href in sheets)
    page.screenshot(path=str(tmp_path / "portal.png"), full_page=True)
    assert page.goto(f"{live_server.url}/portal/forged/").status == 404


def test_customer_promises_a_date_from_the_page(page, live_server, tenant):
    today = timezone.localdate()
    customer = Customer.objects.create(
        tenant=tenant, external_id="C2", name="Nordic Parts", currency="EUR"
    )
    ledger.create_invoice(
        tenant,
        customer,
        number="Q-1",
        issue_date=today - timedelta(days=40),
        due_date=today - timedelta(days=10),
        subtotal=Decimal(80),
    )
    page.goto(f"{live_server.url}/portal/{token_for(customer)}/")
    page.click("text=I will pay by a date")
    promised = today + timedelta(days=7)
    page.fill("#id_promise-promised_on", promised.isoformat())
    page.click("[data-form=promise] button[type=submit]")
    page.wait_for_selector("[data-done]")
    assert promised.strftime("%-d %b %Y") in page.locator("[data-promise]").inner_text()
    assert PromiseToPay.objects.get(customer=customer).promised_on == promised
