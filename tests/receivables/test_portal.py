"""The payment-status page behind the signed link in every reminder."""

from datetime import date, timedelta

import pytest
from django.core import signing
from django.utils import timezone

from receivables import ledger
from receivables.portal import SALT, portal_token, portal_url
from tests.reminders.scenario import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def page(client, customer):
    return client.get(f"/portal/{portal_token(customer)}/")


def test_the_link_in_reminders_opens_the_customers_page(client, tenant):
    customer = make_customer(tenant, "C-1")
    assert portal_url(customer).endswith(f"/portal/{portal_token(customer)}/")
    assert page(client, customer).status_code == 200


def test_it_shows_open_balances_overdue_days_and_totals(client, tenant):
    customer = make_customer(tenant, "C-1", name="Brix GmbH")
    today = timezone.now().date()
    late = make_invoice(tenant, customer, "INV-LATE", today - timedelta(days=10), "300.00")
    make_invoice(tenant, customer, "INV-SOON", today + timedelta(days=5), "200.00")
    ledger.record_payment(tenant, customer, amount="100.00", received_on=today)
    html = page(client, customer).content.decode()
    assert "Brix GmbH" in html and tenant.name in html
    assert 'data-invoice="INV-LATE"' in html and 'data-invoice="INV-SOON"' in html
    # 100.00 paid on the oldest invoice: 200.00 still to pay on it, overdue.
    assert 'data-total="open-EUR">400.00<' in html
    assert 'data-total="overdue-EUR">200.00<' in html
    assert late.number in html and ">10<" in html


def test_paid_invoices_move_to_paid_lately(client, tenant):
    customer = make_customer(tenant, "C-1")
    today = timezone.now().date()
    make_invoice(tenant, customer, "INV-1", today - timedelta(days=3), "50.00")
    ledger.record_payment(tenant, customer, amount="50.00", received_on=today)
    html = page(client, customer).content.decode()
    assert 'data-paid="INV-1"' in html and 'data-invoice="INV-1"' not in html
    assert "Nothing is open" in html


def test_it_shows_only_that_customers_invoices(client, tenant, other_tenant):
    mine = make_customer(tenant, "C-1")
    neighbour = make_customer(tenant, "C-2")
    stranger = make_customer(other_tenant, "C-1")
    make_invoice(tenant, neighbour, "NEIGHBOUR-1", date(2026, 3, 1))
    make_invoice(other_tenant, stranger, "STRANGER-1", date(2026, 3, 1))
    html = page(client, mine).content.decode()
    assert "NEIGHBOUR-1" not in html and "STRANGER-1" not in html


def test_forged_or_retargeted_links_answer_404(client, tenant, other_tenant):
    mine = make_customer(tenant, "C-1")
    theirs = make_customer(other_tenant, "C-9")
    token = portal_token(mine)
    assert client.get(f"/portal/{token[:-2]}xx/").status_code == 404
    assert client.get("/portal/not-a-token/").status_code == 404
    # A correctly signed token that pairs one tenant with another tenant's customer.
    crossed = signing.dumps({"t": tenant.pk, "c": theirs.pk}, salt=SALT, compress=True)
    assert client.get(f"/portal/{crossed}/").status_code == 404
    # Signed with another salt (an unsubscribe token, say): not a portal link.
    other = signing.dumps({"t": tenant.pk, "c": mine.pk}, salt="kapittx.unsubscribe")
    assert client.get(f"/portal/{other}/").status_code == 404


def test_the_page_keeps_its_address_out_of_referrers_and_indexes(client, tenant):
    response = page(client, make_customer(tenant, "C-1"))
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
