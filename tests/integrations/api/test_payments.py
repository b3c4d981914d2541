"""Payments and credit notes through the API: applied as told, or oldest invoice first."""

from datetime import timedelta
from decimal import Decimal

from receivables.models import CreditNote, Invoice, Payment, PaymentSource
from tests.integrations.api.conftest import pointers
from tests.reminders.pages import today
from tests.reminders.scenario import make_invoice

PAYMENTS = "/api/v1/payments/"
CREDIT_NOTES = "/api/v1/credit-notes/"


def two_invoices(mine) -> tuple[Invoice, Invoice]:
    older = make_invoice(mine.tenant, mine.customer, "OLD-1", today() - timedelta(days=40), "100")
    newer = make_invoice(mine.tenant, mine.customer, "NEW-1", today() + timedelta(days=10), "100")
    return older, newer


def test_a_payment_without_allocations_settles_the_oldest_invoice_first(api, mine):
    older, newer = two_invoices(mine)

    response = api.post(
        PAYMENTS,
        {
            "external_id": "pay-1",
            "customer": mine.customer.pk,
            "amount": "150.00",
            "received_on": str(today()),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == PaymentSource.API
    older.refresh_from_db()
    newer.refresh_from_db()
    assert older.balance == 0
    applied = {row["invoice_number"]: row["amount"] for row in body["allocations"]}
    assert applied["OLD-1"] == "100.00"
    assert sum(Decimal(v) for v in applied.values()) == Decimal("150.00")


def test_explicit_allocations_apply_exactly(api, mine):
    _, newer = two_invoices(mine)

    response = api.post(
        PAYMENTS,
        {
            "customer_external_id": mine.customer.external_id,
            "amount": "60.00",
            "received_on": str(today()),
            "allocations": [{"invoice_number": "NEW-1", "amount": "60.00"}],
        },
    )

    assert response.status_code == 201, response.content
    newer.refresh_from_db()
    assert newer.balance == Decimal("40.00")
    assert response.json()["unallocated"] == "0.00"


def test_an_over_allocation_is_refused_and_nothing_is_written(api, mine):
    two_invoices(mine)

    response = api.post(
        PAYMENTS,
        {
            "customer": mine.customer.pk,
            "amount": "500.00",
            "received_on": str(today()),
            "allocations": [{"invoice_number": "NEW-1", "amount": "500.00"}],
        },
    )

    assert response.status_code == 422
    assert ("/allocations/0/amount", "over_allocation") in pointers(response)
    assert not Payment.objects.filter(tenant=mine.tenant).exists()


def test_a_payment_put_again_unchanged_is_the_same_payment(api, mine):
    two_invoices(mine)
    url = f"{PAYMENTS}by-external-id/bank-77/"
    body = {"customer": mine.customer.pk, "amount": "10.00", "received_on": str(today())}

    first = api.put(url, body)
    again = api.put(url, {**body, "reference": "SEPA 77"})
    changed = api.put(url, {**body, "amount": "11.00"})

    assert (first.status_code, again.status_code) == (201, 200), again.content
    assert again.json()["reference"] == "SEPA 77"
    assert changed.status_code == 422
    assert pointers(changed) == [("/amount", "payment_changed")]
    assert Payment.objects.filter(tenant=mine.tenant).count() == 1


def test_a_credit_note_is_recorded_and_applied_through_the_ledger(api, mine):
    older, _ = two_invoices(mine)

    response = api.post(
        CREDIT_NOTES,
        {
            "number": "CN-1",
            "customer_external_id": mine.customer.external_id,
            "amount": "30.00",
            "issued_on": str(today()),
            "reason": "Damaged goods",
            "allocations": [{"invoice": older.pk, "amount": "30.00"}],
        },
    )

    assert response.status_code == 201, response.content
    older.refresh_from_db()
    assert older.amount_credited == Decimal("30.00")
    assert response.json()["allocations"][0]["invoice"] == older.pk
    listed = api.get(CREDIT_NOTES).json()["results"]
    assert [row["number"] for row in listed] == ["CN-1"]


def test_a_credit_note_for_an_unknown_invoice_or_number_taken_is_refused(api, mine):
    base = {"number": "CN-2", "customer": mine.customer.pk, "issued_on": str(today())}

    unknown = api.post(
        CREDIT_NOTES,
        {**base, "amount": "5.00", "allocations": [{"invoice_number": "NOPE", "amount": "5.00"}]},
    )
    api.post(CREDIT_NOTES, {**base, "amount": "5.00"})
    again = api.post(CREDIT_NOTES, {**base, "amount": "5.00"})

    assert unknown.status_code == 422
    assert pointers(unknown) == [("/allocations/0/invoice_number", "unknown_invoice")]
    assert again.status_code == 409
    assert CreditNote.objects.filter(tenant=mine.tenant).count() == 1


def test_a_credit_note_for_another_tenants_customer_is_unknown(api, mine, theirs):
    response = api.post(
        CREDIT_NOTES,
        {
            "number": "CN-X",
            "customer": theirs.customer.pk,
            "amount": "5.00",
            "issued_on": str(today()),
        },
    )

    assert response.status_code == 422
    assert pointers(response) == [("/customer", "unknown_customer")]
