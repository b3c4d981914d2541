"""Invoices through the API: created and put through the upsert, written off and voided
through the ledger, money always as strings."""

from datetime import date

from receivables.models import Invoice, InvoiceStatus
from tests.integrations.api.conftest import pointers, problem

INVOICES = "/api/v1/invoices/"


def invoice(mine, **changes) -> dict:
    return {
        "number": "INV-100",
        "external_id": "xero-100",
        "customer_external_id": mine.customer.external_id,
        "issue_date": "2026-01-05",
        "due_date": "2026-02-04",
        "subtotal": "1000.00",
        "tax": "190.00",
        **changes,
    }


def test_it_creates_an_invoice_named_by_its_customers_external_id(api, mine):
    response = api.post(INVOICES, invoice(mine))

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer"] == mine.customer.pk
    assert body["customer_external_id"] == mine.customer.external_id
    assert (body["total"], body["balance"], body["status"]) == ("1190.00", "1190.00", "open")
    assert body["currency"] == mine.customer.currency
    assert body["issue_date"] == "2026-01-05"


def test_amounts_come_back_in_the_currencys_minor_units(api, mine):
    body = api.post(INVOICES, invoice(mine, currency="JPY", subtotal="1200", tax="0")).json()

    assert (body["total"], body["balance"]) == ("1200", "1200")


def test_put_by_external_id_creates_then_updates_and_get_finds_it(api, mine):
    url = f"{INVOICES}by-external-id/qb-9/"
    first = {**invoice(mine, number="INV-9"), "external_id": "qb-9"}

    created = api.put(url, first)
    updated = api.put(url, {**first, "due_date": "2026-03-01", "po_number": "PO-1"})

    assert (created.status_code, updated.status_code) == (201, 200), updated.content
    stored = Invoice.objects.get(tenant=mine.tenant, external_id="qb-9")
    assert (stored.due_date, stored.po_number) == (date(2026, 3, 1), "PO-1")
    assert api.get(url).json()["id"] == stored.pk


def test_an_invoice_number_taken_is_a_conflict(api, mine):
    response = api.post(INVOICES, invoice(mine, number=mine.invoice.number, external_id=""))

    assert response.status_code == 409
    assert pointers(response) == [("/number", "exists")]


def test_rule_refusals_name_the_field(api, mine):
    response = api.post(
        INVOICES, invoice(mine, due_date="2025-12-01", customer_external_id="NOBODY")
    )

    assert response.status_code == 422
    assert {pointer for pointer, _ in pointers(response)} <= {
        "/customer_external_id",
        "/due_date",
    }
    assert ("/customer_external_id", "unknown_customer") in pointers(response)
    assert not Invoice.objects.filter(number="INV-100").exists()


def test_money_sent_as_a_json_number_is_refused(api, mine):
    response = api.post(INVOICES, invoice(mine, subtotal=1000.10, tax=0))

    assert response.status_code == 400
    assert sorted(pointers(response)) == [("/subtotal", "invalid"), ("/tax", "invalid")]
    assert not Invoice.objects.filter(number="INV-100").exists()


def test_dates_must_be_iso(api, mine):
    response = api.post(INVOICES, invoice(mine, issue_date="05/01/2026", due_date="2026-02-30"))

    assert sorted(pointers(response)) == [("/due_date", "invalid"), ("/issue_date", "invalid")]


def test_patch_of_an_invoice_without_external_id_keeps_its_number(api, mine):
    url = f"{INVOICES}{mine.invoice.pk}/"

    changed = api.patch(url, {"po_number": "PO-77"})
    renamed = api.patch(url, {"number": "OTHER"})

    assert changed.status_code == 200, changed.content
    assert changed.json()["po_number"] == "PO-77"
    assert renamed.status_code == 400
    assert pointers(renamed) == [("/number", "immutable")]


def test_write_off_settles_what_is_owed(api, mine):
    response = api.post(f"{INVOICES}{mine.invoice.pk}/write-off/", {"on": "2026-01-31"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["balance"], body["written_off_on"]) == (
        "written_off",
        "0.00",
        "2026-01-31",
    )


def test_void_without_a_body_uses_today(api, mine):
    response = api.post(f"{INVOICES}{mine.invoice.pk}/void/")

    assert response.status_code == 200, response.content
    assert response.json()["status"] == InvoiceStatus.VOID
    assert response.json()["voided_on"]


def test_an_action_the_ledger_refuses_is_a_conflict(api, mine):
    api.post(f"{INVOICES}{mine.invoice.pk}/void/")

    response = api.post(f"{INVOICES}{mine.invoice.pk}/write-off/")

    assert response.status_code == 409
    assert pointers(response) == [("", "not_open")]


def test_filters_by_status_customer_and_dates(api, mine, customers):
    _, rich = customers
    api.post(INVOICES, invoice(mine))

    by_customer = api.get(INVOICES, {"customer": rich.pk}).json()["results"]
    by_due = api.get(INVOICES, {"due_date_from": "2026-02-01", "due_date_to": "2026-02-28"})
    by_status = api.get(INVOICES, {"status": ["paid"]}).json()["results"]
    bad = api.get(INVOICES, {"due_date_from": "soon", "status": "lost"})

    assert [row["number"] for row in by_customer] == ["BIG-1"]
    assert [row["number"] for row in by_due.json()["results"]] == ["INV-100"]
    assert by_status == []
    assert bad.status_code == 400
    assert {e["parameter"] for e in problem(bad)["errors"]} == {"due_date_from", "status"}
