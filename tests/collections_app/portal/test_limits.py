"""What one link may do: a few posts an hour, bodies of a bounded size, a bounded dispute."""

from datetime import timedelta

import pytest

from collections_app.actions import MAX_DISPUTE_REASON
from collections_app.models import Dispute, PaymentReport, PromiseToPay, Task, TimelineEvent
from collections_app.portal.limits import MAX_BODY_BYTES, POSTS_PER_WINDOW
from tests.collections_app.portal.tokens import token_for
from tests.reminders.scenario import make_customer, make_invoice

pytestmark = pytest.mark.django_db


def post(client, token: str, action: str, **fields):
    data = {"action": action, **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(f"/portal/{token}/", data)


def test_a_burst_of_posts_from_one_link_is_throttled_and_writes_stop(client, tenant):
    customer = make_customer(tenant, "C-1")
    today = customer.local_today()
    invoice = make_invoice(tenant, customer, "INV-1", today - timedelta(days=3))
    token = token_for(customer)
    answers = [
        post(client, token, "promise", promised_on=today + timedelta(days=1)).status_code
        for _ in range(POSTS_PER_WINDOW + 15)
    ]
    assert answers == [302] * POSTS_PER_WINDOW + [429] * 15
    assert PromiseToPay.objects.count() == POSTS_PER_WINDOW
    assert TimelineEvent.objects.filter(customer=customer).count() == POSTS_PER_WINDOW

    refused = post(client, token, "dispute", invoice=invoice.pk, reason="Broken goods")
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert "many messages from this link" in refused.content.decode()
    assert not Dispute.objects.exists()
    # The page itself still opens, and another customer's link is counted on its own.
    assert client.get(f"/portal/{token}/").status_code == 200
    other = make_customer(tenant, "C-2")
    make_invoice(tenant, other, "INV-2", today)
    tomorrow = today + timedelta(days=1)
    assert post(client, token_for(other), "promise", promised_on=tomorrow).status_code == 302


def test_a_body_larger_than_the_page_takes_is_refused_unread(client, tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    response = post(
        client, token_for(customer), "dispute", invoice=invoice.pk, reason="x" * MAX_BODY_BYTES
    )
    assert response.status_code == 413
    assert not Dispute.objects.exists() and not TimelineEvent.objects.exists()


def test_a_reason_longer_than_the_field_takes_is_refused(client, tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    response = post(client, token_for(customer), "dispute", invoice=invoice.pk, reason="x" * 2001)
    assert response.status_code == 400 and not Dispute.objects.exists()


def test_a_dispute_explanation_stops_growing_at_its_bound(client, tenant):
    customer = make_customer(tenant, "C-1")
    invoice = make_invoice(tenant, customer, "INV-1", customer.local_today())
    token = token_for(customer)
    responses = [
        post(client, token, "dispute", invoice=invoice.pk, reason=f"{n}" * 2000) for n in range(6)
    ]
    assert [r.status_code for r in responses] == [302, 302, 302, 302, 400, 400]
    assert "please reply to our message" in responses[-1].content.decode()
    dispute = Dispute.objects.get()
    assert len(dispute.reason) <= MAX_DISPUTE_REASON and "4" * 2000 not in dispute.reason


def test_a_second_already_paid_report_for_an_invoice_is_refused(client, tenant):
    customer = make_customer(tenant, "C-1")
    today = customer.local_today()
    first = make_invoice(tenant, customer, "INV-1", today - timedelta(days=9))
    second = make_invoice(tenant, customer, "INV-2", today - timedelta(days=2))
    token = token_for(customer)
    yesterday = today - timedelta(days=1)
    assert post(client, token, "paid", invoices=[first.pk], paid_on=yesterday).status_code == 302

    again = post(client, token, "paid", invoices=[first.pk, second.pk], paid_on=yesterday)
    assert again.status_code == 400
    assert "You already told us INV-1 is paid" in again.content.decode()
    assert Task.objects.count() == 1
    assert list(PaymentReport.objects.values_list("invoice__number", flat=True)) == ["INV-1"]
    # The other invoice on its own is a report of its own.
    assert post(client, token, "paid", invoices=[second.pk], paid_on=yesterday).status_code == 302
    assert PaymentReport.objects.count() == 2
