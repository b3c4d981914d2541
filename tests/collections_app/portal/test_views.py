"""The payment-status page behind the signed link in every reminder."""

from datetime import date, timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from collections_app.events import Kind
from collections_app.models import Dispute, PromiseToPay, Task, TimelineEvent
from collections_app.portal.links import SALT, portal_url
from kapittx.models import Tenant
from receivables import ledger
from reminders.outbox import sweep
from tests.collections_app.portal.tokens import contact_of, path_of, token_for
from tests.reminders.scenario import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def page(client, customer):
    return client.get(f"/portal/{token_for(customer)}/")


def test_the_link_in_reminders_opens_the_customers_page(client, tenant):
    customer = make_customer(tenant, "C-1")
    link = portal_url(contact_of(customer), timezone.now() + timedelta(days=1))
    assert client.get(path_of(link)).status_code == 200


def test_it_shows_open_balances_overdue_days_and_totals(client, tenant):
    customer = make_customer(tenant, "C-1", name="Brix GmbH")
    today = customer.local_today()  # the portal speaks in the customer's own date
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


def test_it_says_how_to_pay_while_something_is_open(client, tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today(), "300.00")
    assert 'id="how-to-pay"' not in page(client, customer).content.decode()

    Tenant.objects.filter(pk=tenant.pk).update(
        payment_instructions="IBAN DE89 3704 0044 0532 0130 00\n<b>Quote INV-1</b>"
    )
    html = page(client, customer).content.decode()
    assert "IBAN DE89 3704 0044 0532 0130 00<br>&lt;b&gt;Quote INV-1&lt;/b&gt;" in html

    ledger.record_payment(tenant, customer, amount="300.00", received_on=invoice.due_date)
    assert 'id="how-to-pay"' not in page(client, customer).content.decode()


def test_paid_invoices_move_to_paid_lately(client, tenant):
    customer = make_customer(tenant, "C-1")
    today = customer.local_today()  # the portal speaks in the customer's own date
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
    token = token_for(mine)
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
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


# --- what the customer can tell the tenant ---------------------------------------------


def post(client, customer, action, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(f"/portal/{token_for(customer)}/", data)


def test_a_promise_holds_reminders_until_the_day_after_its_date(client, tenant):
    customer = make_customer(tenant, "C-1")
    today = customer.local_today()  # the portal speaks in the customer's own date
    make_invoice(tenant, customer, "INV-1", today - timedelta(days=8))
    response = post(client, customer, "promise", promised_on=today + timedelta(days=5))
    assert response.status_code == 302 and response["Location"].endswith("?done=promise")
    promise = PromiseToPay.objects.get(customer=customer)
    assert (promise.promised_on, promise.source) == (today + timedelta(days=5), "portal")
    assert TimelineEvent.objects.filter(customer=customer, kind=Kind.PROMISE_MADE).exists()
    html = client.get(response["Location"]).content.decode()
    assert "data-done" in html and "data-promise" in html
    # The engine sees the promise: nothing is planned for the customer meanwhile.
    assert sweep.plan(tenant, timezone.now()).due == []


def test_a_new_promise_replaces_the_open_one(client, tenant):
    customer = make_customer(tenant, "C-1")
    today = customer.local_today()  # the portal speaks in the customer's own date
    make_invoice(tenant, customer, "INV-1", today)
    post(client, customer, "promise", promised_on=today + timedelta(days=3))
    post(client, customer, "promise", promised_on=today + timedelta(days=9), amount="120.50")
    statuses = dict(PromiseToPay.objects.values_list("promised_on", "status"))
    assert statuses == {
        today + timedelta(days=3): PromiseToPay.Status.CANCELLED,
        today + timedelta(days=9): PromiseToPay.Status.OPEN,
    }


@pytest.mark.parametrize("days", [-1, 61])
def test_a_promise_must_be_between_today_and_sixty_days_ahead(client, tenant, days):
    customer = make_customer(tenant, "C-1")
    today = customer.local_today()  # the portal speaks in the customer's own date
    make_invoice(tenant, customer, "INV-1", today)
    response = post(client, customer, "promise", promised_on=today + timedelta(days=days))
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not PromiseToPay.objects.exists()


def test_a_dispute_holds_reminders_for_that_invoice(client, tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", timezone.now().date())
    response = post(client, customer, "dispute", invoice=invoice.pk, reason="Goods arrived broken")
    assert response.status_code == 302
    dispute = Dispute.objects.get(invoice=invoice)
    assert (dispute.status, dispute.reason) == (Dispute.Status.OPEN, "Goods arrived broken")
    assert "data-disputed" in client.get(response["Location"]).content.decode()
    post(client, customer, "dispute", invoice=invoice.pk, reason="And two were missing")
    dispute.refresh_from_db()
    assert Dispute.objects.count() == 1 and "two were missing" in dispute.reason


def test_a_customer_cannot_dispute_someone_elses_invoice(client, tenant, other_tenant):
    customer = make_customer(tenant, "C-1")
    make_invoice(tenant, customer, "INV-1", timezone.now().date())
    neighbour = make_invoice(tenant, make_customer(tenant, "C-2"), "N-1", date(2026, 3, 1))
    stranger = make_invoice(
        other_tenant, make_customer(other_tenant, "C-1"), "S-1", date(2026, 3, 1)
    )
    for invoice in (neighbour, stranger):
        response = post(client, customer, "dispute", invoice=invoice.pk, reason="Not ours at all")
        assert response.status_code == 400
    assert not Dispute.objects.exists()


def test_already_paid_holds_reminders_and_asks_the_owner_to_check(client, tenant, owner):
    customer = make_customer(tenant, "C-1", owner=owner)
    today = customer.local_today()  # the portal speaks in the customer's own date
    first = make_invoice(tenant, customer, "INV-1", today - timedelta(days=20))
    make_invoice(tenant, customer, "INV-2", today - timedelta(days=5))
    response = post(
        client,
        customer,
        "paid",
        invoices=[first.pk],
        paid_on=today - timedelta(days=1),
        reference="TRX-991",
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.reminders_on_hold and "INV-1" in customer.reminders_hold_reason
    task = Task.objects.get(customer=customer)
    assert task.assignee == owner and "TRX-991" in task.details
    assert TimelineEvent.objects.filter(customer=customer, kind=Kind.PAYMENT_REPORTED).exists()
    assert sweep.plan(tenant, timezone.now()).due == []


def test_bad_input_changes_nothing(client, tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    tomorrow = customer.local_today() + timedelta(days=1)
    response = post(client, customer, "paid", invoices=[invoice.pk], paid_on=tomorrow)
    assert response.status_code == 400
    assert post(client, customer, "dispute", invoice=invoice.pk, reason="no").status_code == 400
    assert client.post(f"/portal/{token_for(customer)}/", {"action": "x"}).status_code == 200
    customer.refresh_from_db()
    assert not customer.reminders_on_hold
    assert not (Task.objects.exists() or Dispute.objects.exists())


def test_forms_need_the_pages_csrf_token(tenant):
    customer = make_customer(tenant, "C-1")
    make_invoice(tenant, customer, "INV-1", timezone.now().date())
    strict = Client(enforce_csrf_checks=True)
    response = post(strict, customer, "promise", promised_on=timezone.now().date())
    assert response.status_code == 403 and not PromiseToPay.objects.exists()
