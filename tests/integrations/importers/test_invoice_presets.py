"""Each system's invoice export, as it writes it, imports into the invoices and balances it
shows."""

from datetime import date
from decimal import Decimal

from receivables.models import Contact, InvoiceStatus, Payment, PaymentSource
from tests.integrations.importers import files
from tests.integrations.importers.results import customers, invoices, run


def test_a_uk_xero_export_groups_line_rows_into_invoices_without_adding_totals(acme):
    report = run(acme, files.xero_uk_invoices())

    assert not report.errors
    assert (report.preset, report.preset_detected, report.encoding) == ("xero", True, "utf-8-sig")
    assert (report.date_order, report.date_order_source) == ("dmy", "detected")
    assert report.rows_read == 6
    assert report.skipped == {"rows of type Sales credit note": 1, "draft invoices": 1}
    found = invoices(acme)
    assert set(found) == {"INV-001", "INV-002", "INV-004"}
    one = found["INV-001"]
    assert (one.total, one.tax, one.subtotal) == (Decimal("1200"), Decimal("200"), Decimal("1000"))
    assert (one.issue_date, one.due_date, one.currency) == (
        date(2026, 4, 3),
        date(2026, 5, 3),
        "GBP",
    )
    assert one.customer.name == "Brightside Ltd" and one.customer.external_id == "Brightside Ltd"
    assert Contact.objects.get(customer=one.customer).email == "ap@brightside.test"


def test_xero_balances_equal_the_exports_amount_due(acme):
    run(acme, files.xero_uk_invoices())

    found = invoices(acme)
    assert {n: i.balance for n, i in found.items()} == {
        "INV-001": Decimal("1200"),
        "INV-002": Decimal("250"),
        "INV-004": Decimal("0"),
    }
    assert found["INV-002"].status == InvoiceStatus.PARTIALLY_PAID
    assert found["INV-004"].status == InvoiceStatus.VOID
    paid_before = Payment.objects.get(tenant=acme, customer=found["INV-002"].customer)
    assert paid_before.source == PaymentSource.IMPORTED_BALANCE
    assert paid_before.amount == Decimal("350")


def test_importing_the_same_xero_export_again_changes_nothing(acme):
    run(acme, files.xero_uk_invoices())
    before = {n: (i.pk, i.balance, i.status) for n, i in invoices(acme).items()}

    report = run(acme, files.xero_uk_invoices())

    assert report.written["invoices"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert report.written["customers"]["created"] == 0
    assert {n: (i.pk, i.balance, i.status) for n, i in invoices(acme).items()} == before
    assert Payment.objects.filter(tenant=acme).count() == 1


def test_an_updated_export_updates_the_invoices_it_imported_before(acme):
    run(acme, files.xero_uk_invoices())
    later = files.xero_uk_invoices().replace(
        b"600.00,0.00,350.00,250.00", b"600.00,0.00,600.00,0.00"
    )

    report = run(acme, later)

    assert report.written["invoices"]["created"] == 0
    paid = invoices(acme)["INV-002"]
    assert (paid.balance, paid.status) == (Decimal("0"), InvoiceStatus.PAID)
    assert len(invoices(acme)) == 3


def test_a_zoho_export_keeps_its_19_digit_ids_exactly(acme):
    report = run(acme, files.zoho_invoices())

    assert (report.preset, report.items) == ("zoho", 2)
    found = invoices(acme)
    assert found["INV-000001"].external_id == "2520018000000073144"
    assert found["INV-000001"].customer.external_id == "2520018000000073035"
    assert found["INV-000001"].total == Decimal("489.75")  # the invoice's Total, once
    assert (found["INV-000002"].status, found["INV-000002"].balance) == ("paid", Decimal("0"))
    paid = Payment.objects.get(tenant=acme)
    assert (paid.amount, paid.received_on) == (Decimal("460"), date(2026, 3, 20))


def test_a_zoho_invoice_is_matched_again_by_its_id_when_its_number_changes(acme):
    run(acme, files.zoho_invoices())
    renumbered = files.zoho_invoices().replace(b"INV-000001", b"INV-000001-A")

    run(acme, renumbered)

    assert set(invoices(acme)) == {"INV-000001-A", "INV-000002"}


def test_a_quickbooks_report_reads_only_leaf_rows_below_its_titles(acme):
    report = run(acme, files.QBO_OPEN_INVOICES)

    assert (report.preset, report.header_line, report.date_order) == ("quickbooks", 5, "mdy")
    assert report.skipped == {
        "blank rows": 2,
        "total rows": 3,
        "report footer rows": 1,
        "group label rows": 2,
        "rows of type Payment": 1,
    }
    found = invoices(acme)
    assert set(found) == {"1001", "1002", "0042"}
    assert found["1001"].customer.name == "Acme Corp"
    assert found["0042"].customer.name == "Globex"
    assert (found["1002"].total, found["1002"].balance) == (Decimal("300"), Decimal("250.50"))
    assert found["1001"].due_date == date(2026, 10, 1)
    assert sum(i.balance for i in found.values()) == Decimal("3250.50")


def test_a_sage_file_saved_on_windows_is_read_as_windows_1252(acme):
    report = run(acme, files.sage_opening_balances())

    assert (report.preset, report.encoding) == ("sage", "cp1252")
    assert report.skipped == {"rows of type Cr Note": 1}
    assert customers(acme)["CAFE01"].name == "Café Müller GmbH"
    assert customers(acme)["SMIT01"].name == "Smith’s Bakery"
    first = invoices(acme)["SI-100"]
    assert (first.issue_date, first.total) == (date(2026, 3, 5), Decimal("1234.50"))
    # No due date in the file: the customer's terms (30 days for a new one).
    assert first.due_date == date(2026, 4, 4)
    assert any("no due dates" in note for note in report.notes)


def test_sage_due_dates_follow_an_existing_customers_terms(acme):
    run(acme, files.sage_opening_balances())
    customer = customers(acme)["SMIT01"]
    customer.payment_terms_days = 14
    customer.save()
    later = files.sage_opening_balances().replace(b"SI-101", b"SI-102")

    run(acme, later)

    assert invoices(acme)["SI-102"].due_date == date(2026, 4, 2)


def test_freshbooks_lines_are_added_up_and_paid_invoices_settled(acme):
    report = run(acme, files.freshbooks_invoices())

    assert (report.preset, report.skipped) == ("freshbooks", {"draft invoices": 1})
    found = invoices(acme)
    assert set(found) == {"0000001", "0000002"}  # leading zeros kept
    one = found["0000001"]
    assert (one.subtotal, one.tax, one.total) == (Decimal("1140"), Decimal("65"), Decimal("1205"))
    assert (found["0000002"].status, found["0000002"].balance) == ("paid", Decimal("0"))


def test_an_invoice_export_finds_existing_customers_by_exact_name(acme):
    run(
        acme,
        files.to_csv([["Customer ID", "Name"], ["BRIGHT-7", "Brightside Ltd"]]),
        kind="customers",
    )

    run(acme, files.xero_uk_invoices())

    assert invoices(acme)["INV-001"].customer.external_id == "BRIGHT-7"
    assert set(customers(acme)) == {"BRIGHT-7", "Cobalt & Sons"}


def test_the_generic_template_round_trips(acme):
    rows = [
        ["Invoice number", "Customer ID", "Customer name", "Issue date", "Due date",
         "Currency", "Total", "Tax", "Amount paid", "Status", "PO number"],
        ["G-1", "C-1", "Gamma", "2026-02-01", "2026-03-03", "EUR", "119.00", "19.00", "19.00",
         "open", "PO-9"],
    ]  # fmt: skip

    report = run(acme, files.to_csv(rows))

    assert report.preset == "generic"
    invoice = invoices(acme)["G-1"]
    assert (invoice.balance, invoice.po_number, invoice.tax) == (
        Decimal("100"),
        "PO-9",
        Decimal("19"),
    )
