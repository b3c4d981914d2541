"""The integrations page, the "Integrations" entry of the navigation, and the ways in that a
new tenant's empty pages lead to."""

from datetime import timedelta
from html import escape

import pytest
from django.urls import reverse

from integrations import hub
from kapittx.roles import Role
from receivables import ledger
from tests.conftest import make_member
from tests.reminders.pages import today, url
from tests.reminders.scenario import make_customer, make_invoice

CURL = escape('curl -H "Authorization: Bearer <key>" https://kapittx.example/api/v1/customers/')


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.KAPITTX_PUBLIC_URL = "https://kapittx.example"


def link(name: str, tenant) -> str:
    return f'data-way="{name}"><a href="{url(name, tenant)}">'


@pytest.mark.urls("tests.integrations.urls_all_ways")
def test_the_page_links_every_way_in_and_out(client, tenant, owner):
    client.force_login(owner)
    page = client.get(url("integrations_home", tenant)).content.decode()
    for name in ("import_start", "api_keys", "add_by_hand", "webhook_list"):
        assert link(name, tenant) in page
    assert CURL in page
    aging = url("aging_export", tenant)
    assert f'href="{aging}?format=xlsx"' in page and f'href="{aging}?format=csv"' in page
    assert 'data-way="statement_export"' in page


def test_a_page_that_is_not_installed_is_left_out(client, tenant, owner, monkeypatch):
    monkeypatch.setattr(
        hub, "WAYS_IN", [hub.Way("no_such_page", "Nowhere", "Not here."), *hub.WAYS_IN]
    )
    client.force_login(owner)
    response = client.get(url("integrations_home", tenant))
    assert response.status_code == 200
    assert "no_such_page" not in response.content.decode()
    assert link("add_by_hand", tenant) in response.content.decode()


def test_members_are_not_offered_what_their_role_cannot_do(client, tenant):
    client.force_login(make_member(tenant, "viewer@acme.test", Role.VIEWER))
    page = client.get(url("integrations_home", tenant)).content.decode()
    assert 'data-way="add_by_hand"' not in page
    assert 'data-way="aging_export"' in page


def test_the_navigation_leads_to_the_integrations_page(client, tenant, owner):
    client.force_login(owner)
    hub_url = url("integrations_home", tenant)
    assert (
        f'<a href="{hub_url}">Integrations</a>'
        in client.get(url("overview", tenant)).content.decode()
    )
    for page in (hub_url, url("add_by_hand", tenant)):
        assert f'<a href="{hub_url}" aria-current="page">Integrations</a>' in (
            client.get(page).content.decode()
        )


def panel_loader(page: str, tenant) -> bool:
    return f'hx-get="{url("integrations_ways_in", tenant)}"' in page


@pytest.mark.urls("tests.integrations.urls_all_ways")
def test_an_empty_tenants_pages_lead_to_the_three_ways_in(client, tenant, owner):
    client.force_login(owner)
    customers = client.get(url("customer_list", tenant)).content.decode()
    overview = client.get(url("overview", tenant)).content.decode()
    assert "No customers yet." in customers
    assert panel_loader(customers, tenant) and panel_loader(overview, tenant)
    panel = client.get(url("integrations_ways_in", tenant)).content.decode()
    assert "Bring in your customers and invoices" in panel
    for name in ("import_start", "api_keys", "add_by_hand"):
        assert link(name, tenant) in panel
    assert CURL in panel
    assert 'data-way="webhook_list"' not in panel
    outbox = client.get(url("outbox", tenant)).content.decode()
    assert f'href="{url("integrations_home", tenant)}">bring in customers and invoices' in outbox


def test_the_ways_in_are_gone_once_there_is_data(client, tenant, owner):
    customer = make_customer(tenant, "C-1")
    client.force_login(owner)
    assert not panel_loader(client.get(url("customer_list", tenant)).content.decode(), tenant)
    assert client.get(url("integrations_ways_in", tenant)).content == b""
    # Nothing open: the overview asks, and the panel answers that there is data.
    overview = client.get(url("overview", tenant)).content.decode()
    assert panel_loader(overview, tenant)
    invoice = make_invoice(tenant, customer, "INV-1", today() - timedelta(days=3))
    overview = client.get(url("overview", tenant)).content.decode()
    assert not panel_loader(overview, tenant)
    aging = url("aging_export", tenant)
    assert f'href="{aging}?format=xlsx"' in overview and f'href="{aging}?format=csv"' in overview
    ledger.void_invoice(invoice, today())
    assert client.get(url("integrations_ways_in", tenant)).content == b""


def test_a_search_that_finds_nothing_is_not_an_empty_tenant(client, tenant, owner):
    client.force_login(owner)
    page = client.get(url("customer_list", tenant), {"q": "nobody"}).content.decode()
    assert not panel_loader(page, tenant)


def test_a_customers_page_offers_its_statement(client, mine, owner):
    client.force_login(owner)
    page = client.get(url("customer_detail", mine.tenant, customer_id=mine.customer.pk))
    statement = reverse(
        "statement_export",
        kwargs={"tenant_slug": mine.tenant.slug, "customer_id": mine.customer.pk},
    )
    html = page.content.decode()
    assert f'href="{statement}?format=pdf"' in html and f'href="{statement}?format=csv"' in html
    assert client.get(f"{statement}?format=pdf").status_code == 200
