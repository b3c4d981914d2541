"""A file with any bad row is refused whole, with every bad row's line, column and reason,
and nothing of it is written."""

import pytest

from receivables.models import Customer, Invoice, Payment
from tests.integrations.importers import files
from tests.integrations.importers.results import run

HEADER = ["Invoice number", "Customer ID", "Customer name", "Issue date", "Due date",
          "Currency", "Total"]  # fmt: skip


def generic(*rows: list[str], header=HEADER) -> bytes:
    return files.to_csv([header, *rows])


def good(number="G-1", customer="C-1", **changes) -> list[str]:
    row = {
        "Invoice number": number,
        "Customer ID": customer,
        "Customer name": f"Customer {customer}",
        "Issue date": "2026-01-05",
        "Due date": "2026-02-04",
        "Currency": "EUR",
        "Total": "100.00",
    }
    row.update(changes)
    return [row[column] for column in HEADER]


def refused(tenant, data: bytes, kind="invoices", **options) -> list[str]:
    report = run(tenant, data, kind=kind, **options)
    assert report.refused
    assert not Invoice.objects.filter(tenant=tenant).exists()
    assert not Customer.objects.filter(tenant=tenant).exists()
    assert not Payment.objects.filter(tenant=tenant).exists()
    assert report.written == {}
    return [error.as_text() for error in report.errors]


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [good(**{"Due date": "2026-02-30"})],
            'line 3: Due date: "2026-02-30" is not a date.',
        ),
        (
            [good(**{"Issue date": "31/13/2026"})],
            'line 3: Issue date: "31/13/2026" is not a date (dates in this file read as '
            "DD/MM/YYYY).",
        ),
        ([good(Total="-10.00")], "line 3: Total: Total cannot be negative: -10.00."),
        (
            [good(Total="1O.00")],
            'line 3: Total: "1O.00" is not an amount (decimal point in this file).',
        ),
        (
            [good(), good(customer="C-2")],
            "line 4: Invoice number: Invoice number G-1 is also on line 3.",
        ),
        (
            [good(Currency="UKP")],
            'line 3: Currency: "UKP" is not an ISO 4217 currency code (e.g. EUR, GBP).',
        ),
        (
            [good(Currency="JPY", Total="10.50")],
            "line 3: Total: Total has more decimals than JPY has (no decimals): 10.50.",
        ),
        (
            [good(**{"Issue date": "2026-03-01"})],
            "line 3: Due date: The due date is before the issue date.",
        ),
        (
            [good(**{"Customer ID": "", "Customer name": ""})],
            "line 3: Customer ID: No customer: the customer's name and id are empty.",
        ),
        ([good(**{"Invoice number": ""})], "line 3: Invoice number: No invoice number."),
    ],
    ids=[
        "impossible date",
        "bad day-first date",
        "negative total",
        "not an amount",
        "duplicate number",
        "unknown currency",
        "more decimals than the currency",
        "due before issue",
        "no customer",
        "no number",
    ],
)
def test_a_bad_row_refuses_the_file_with_its_line_column_and_reason(acme, rows, expected):
    """Below a good row (line 2), so the line is the bad row's own."""
    assert refused(acme, generic(good(number="OK-1"), *rows)) == [expected]


def test_a_missing_column_is_named_at_the_header_line(acme):
    header = [c for c in HEADER if c != "Due date"]

    assert refused(acme, generic(good()[:4] + good()[5:], header=header)) == [
        "line 1: Due date: The file has no column for the due date: choose its column, or "
        "another preset than Generic (Kapittx template)."
    ]


def test_a_xero_file_without_its_due_date_column_names_xeros_column(acme):
    data = files.xero_uk_invoices().replace(b",DueDate,", b",Deadline,")

    assert refused(acme, data) == [
        "line 1: DueDate: The file has no column for the due date: choose its column, or "
        "another preset than Xero."
    ]


def test_every_bad_row_is_reported_not_only_the_first(acme):
    data = generic(
        good("A-1", **{"Due date": "2026-02-30"}),
        good("A-2"),
        good("A-3", Total="-5.00"),
        good("A-2", customer="C-9"),
        good("A-5", Currency="UKP"),
        good("A-6", **{"Issue date": "2026-03-01"}),
    )

    assert refused(acme, data) == [
        'line 2: Due date: "2026-02-30" is not a date.',
        "line 4: Total: Total cannot be negative: -5.00.",
        "line 5: Invoice number: Invoice number A-2 is also on line 3.",
        'line 6: Currency: "UKP" is not an ISO 4217 currency code (e.g. EUR, GBP).',
        "line 7: Due date: The due date is before the issue date.",
    ]


def test_a_bad_customer_refuses_its_invoices_and_everything_else(acme):
    data = generic(good("A-1", customer="C-1"), good("A-2", customer="x" * 101))

    assert refused(acme, data) == [
        "line 3: Customer ID: Customer ID is longer than 100 characters."
    ]


def test_rows_of_one_invoice_that_disagree_are_refused(acme):
    data = files.xero_uk_invoices().replace(
        b"1200.00,200.00,0.00,1200.00,,Travel", b"1250.00,200.00,0.00,1200.00,,Travel"
    )

    assert refused(acme, data) == [
        'line 3: Total: "1250.00" differs from "1200.00" on line 2, another row of invoice INV-001.'
    ]


def test_bytes_no_encoding_reads_are_refused_with_their_line(acme):
    data = "Invoice number,Customer name\nG-1,Café\n".encode("cp1252") + b"G-2,\x81\x98\n"

    assert refused(acme, data) == [
        "line 3: The file is not text in UTF-8 or a Windows code page: byte 0x81 on this line "
        'is not a character. Save it as "CSV UTF-8" and upload it again.'
    ]


def test_a_file_read_in_the_wrong_encoding_on_request_is_refused(acme):
    data = generic(good(**{"Customer name": "Zoë"})).replace(b"Zo\xc3\xab", b"Zo\xeb")

    assert refused(acme, data, encoding="utf-8") == [
        "line 2: The file is not text in utf-8: byte 0xEB on this line is not a character. "
        'Save it as "CSV UTF-8" and upload it again.'
    ]


def test_a_row_longer_than_its_header_is_refused(acme):
    assert refused(acme, generic(good(), [*good("G-2"), "surplus"])) == [
        "line 3: This row has 8 cells but the header has 7."
    ]


def test_an_empty_file_is_refused(acme):
    assert refused(acme, b" \r\n") == ["file: The file is empty."]


def test_a_bad_email_in_a_customers_file_names_its_column(acme):
    data = files.to_csv([["Customer ID", "Name", "Email"], ["C1", "A", "not-an-email"]])

    assert refused(acme, data, kind="customers") == ["line 2: Email: Enter a valid email address."]


def test_the_dry_run_of_a_good_file_writes_nothing(acme):
    report = run(acme, files.xero_uk_invoices(), dry_run=True)

    assert not report.refused
    assert report.written == {
        "customers": {"created": 2, "updated": 0, "unchanged": 0},
        "invoices": {"created": 3, "updated": 0, "unchanged": 0},
    }
    assert not Invoice.objects.filter(tenant=acme).exists()
    assert not Customer.objects.filter(tenant=acme).exists()
    assert not Payment.objects.filter(tenant=acme).exists()


def test_one_invoice_id_on_two_invoice_numbers_is_refused(acme):
    data = files.zoho_invoices().replace(b"2520018000000073164", b"2520018000000073144")

    assert refused(acme, data) == [
        "line 4: Invoice ID: Invoice id 2520018000000073144 is also on line 2, with another "
        "invoice number."
    ]


def test_a_payment_id_twice_is_refused(acme):
    run(acme, generic(good()))
    rows = [
        ["Payment ID", "Customer ID", "Amount", "Date received"],
        ["P-1", "C-1", "10.00", "2026-02-01"],
        ["P-1", "C-1", "12.00", "2026-02-02"],
    ]

    report = run(acme, files.to_csv(rows), kind="payments")

    assert [e.as_text() for e in report.errors] == [
        "line 3: Payment ID: Payment P-1 is also on line 2."
    ]
    assert not Payment.objects.filter(tenant=acme, external_id="P-1").exists()
