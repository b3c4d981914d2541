"""Every change the ledger makes is announced once, with what changed, for the webhooks."""

from datetime import date

import pytest

from kapittx import events
from receivables.ledger import (
    Split,
    issue_invoice,
    record_credit_note,
    record_payment,
    void_invoice,
    write_off,
)
from tests.receivables.ledger.books import JAN_1, bill


@pytest.fixture
def announced():
    heard: list[tuple[int, str, dict]] = []

    def listen(sender, tenant_id, events, **kwargs):
        heard.extend((tenant_id, kind, data) for kind, data in events)

    events.published.connect(listen)
    yield heard
    events.published.disconnect(listen)


def test_a_new_invoice_is_announced_with_its_figures(tenant, customer, announced):
    customer.external_id = "C-77"
    customer.save()
    invoice = bill(tenant, customer, "INV-1", "100", tax="19", external_id="X-1")
    [(tenant_id, kind, data)] = announced
    assert (tenant_id, kind) == (tenant.pk, "invoice.created")
    assert data["id"] == invoice.pk and data["external_id"] == "X-1"
    assert (data["customer_external_id"], data["total"], data["status"]) == (
        "C-77",
        "119.00",
        "open",
    )


def test_issuing_voiding_and_writing_off_are_announced_as_updates(tenant, customer, announced):
    draft = bill(tenant, customer, "INV-1", "50", draft=True)
    issue_invoice(draft)
    void_invoice(draft, date(2024, 2, 1))
    other = bill(tenant, customer, "INV-2", "80")
    write_off(other, date(2024, 2, 1))
    assert [(kind, data["number"], data["status"]) for _t, kind, data in announced] == [
        ("invoice.created", "INV-1", "draft"),
        ("invoice.updated", "INV-1", "open"),
        ("invoice.updated", "INV-1", "void"),
        ("invoice.created", "INV-2", "open"),
        ("invoice.updated", "INV-2", "written_off"),
    ]
    assert {tenant_id for tenant_id, _k, _d in announced} == {tenant.pk}


def test_a_payment_is_announced_with_where_it_went(tenant, customer, announced):
    invoice = bill(tenant, customer, "INV-1", "100")
    announced.clear()
    payment = record_payment(
        tenant,
        customer,
        amount="150",
        received_on=date(2024, 1, 15),
        reference="Wire 1",
        splits=[Split(invoice, "60")],
    )
    [(tenant_id, kind, data)] = announced
    assert (tenant_id, kind, data["id"]) == (tenant.pk, "payment.recorded", payment.pk)
    assert (data["reference"], data["unallocated"]) == ("Wire 1", "90.00")
    assert data["allocations"] == [{"invoice": invoice.pk, "amount": "60.00"}]


def test_a_credit_note_announces_nothing_of_its_own(tenant, customer, announced):
    bill(tenant, customer, "INV-1", "100")
    announced.clear()
    record_credit_note(tenant, customer, number="CN-1", amount="10", issued_on=JAN_1)
    assert announced == []
