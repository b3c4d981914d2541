"""The overview in a real browser: log in, read the figures, see the chart, switch tenants."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kapittx.models import Membership
from kapittx.roles import Role
from receivables import ledger
from receivables.models import Customer
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


@pytest.fixture
def receivables(tenant):
    today = timezone.localdate()
    customer = Customer.objects.create(
        tenant=tenant, external_id="C1", name="Baltic Freight", currency="EUR"
    )
    for number, days_overdue, amount in [("A-1", -5, 100), ("A-2", 10, 200), ("A-3", 95, 700)]:
        due = today - timedelta(days=days_overdue)
        ledger.create_invoice(
            tenant,
            customer,
            number=number,
            issue_date=due - timedelta(days=30),
            due_date=due,
            subtotal=Decimal(amount),
        )
    return customer


def test_owner_logs_in_and_sees_figures_and_chart(
    page, live_server, tenant, owner, receivables, tmp_path
):
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/t/acme/")
    assert page.locator("[data-currency=EUR] [data-kpi=receivable]").inner_text() == "1,000.00"
    assert page.locator("[data-currency=EUR] [data-kpi=overdue]").inner_text() == "900.00"
    bars = page.locator("[data-currency=EUR] svg rect")
    assert bars.count() == 5
    heights = [float(bars.nth(i).get_attribute("height")) for i in range(5)]
    # 90+ holds the most (700), so its bar is the tallest; 31–60 and 61–90 are empty.
    assert heights[4] == max(heights) and heights[2] == heights[3] == 0
    assert page.locator(".top-overdue").inner_text().count("Baltic Freight") == 1
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)


def test_switcher_moves_between_tenants(page, live_server, tenant, other_tenant, owner):
    Membership.objects.create(tenant=other_tenant, user=owner, role=Role.VIEWER)
    log_in(page, live_server, owner.email)
    page.wait_for_url(f"{live_server.url}/tenants/")
    page.click(".tenant-list >> text=Globex")
    page.wait_for_url(f"{live_server.url}/t/globex/")
    page.select_option("#tenant-switcher", label="Acme Trading (Owner)")
    page.wait_for_url(f"{live_server.url}/t/acme/")
    assert "Acme Trading" in page.locator(".page-head").inner_text()


def test_outsider_sees_not_found(page, live_server, tenant, owner, outsider):
    log_in(page, live_server, outsider.email)
    page.wait_for_url(f"{live_server.url}/t/globex/")
    response = page.goto(f"{live_server.url}/t/acme/")
    assert response.status == 404
    assert "Acme" not in page.content()
