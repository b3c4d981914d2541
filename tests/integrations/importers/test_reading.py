"""Files as spreadsheets and accounting systems write them: encodings, delimiters, workbooks,
report titles above the header."""

from datetime import date, datetime
from decimal import Decimal

from integrations.importers.presets import known_keys
from integrations.importers.reading import read_file
from receivables.models import Customer
from tests.integrations.importers import files
from tests.integrations.importers.results import customers, invoices, run

XERO_TEMPLATE = ["*ContactName", "EmailAddress", "*InvoiceNumber", "Reference", "*InvoiceDate",
                 "*DueDate", "Total", "InventoryItemCode", "*Description", "*Quantity",
                 "*UnitAmount", "LineAmount", "*AccountCode", "*TaxType", "Currency"]  # fmt: skip


def test_a_byte_order_mark_and_required_column_stars_are_ignored(acme):
    rows = [
        XERO_TEMPLATE,
        ["Brightside Ltd", "", "INV-9", "", "13/04/2026", "13/05/2026", "", "", "Work", "2",
         "50.00", "100.00", "200", "20% (VAT on Income)", "GBP"],
        ["Brightside Ltd", "", "INV-9", "", "13/04/2026", "13/05/2026", "", "", "More", "1",
         "20.00", "20.00", "200", "20% (VAT on Income)", "GBP"],
    ]  # fmt: skip

    report = run(acme, files.to_csv(rows, bom=True))

    assert not report.errors, report.errors
    assert (report.preset, report.encoding) == ("xero", "utf-8-sig")
    assert report.mapping["customer_name"] == ["ContactName"]
    invoice = invoices(acme)["INV-9"]
    assert invoice.total == Decimal("120")  # no Total column: its lines added up
    assert invoice.issue_date == date(2026, 4, 13)


def test_an_xlsx_workbook_is_read_with_its_typed_cells(acme):
    rows = [
        ["Invoice Date", "Invoice ID", "Invoice Number", "Invoice Status", "Customer Name",
         "Customer ID", "Due Date", "Currency Code", "Total", "Balance"],
        [datetime(2026, 3, 2), "2520018000000073144", "INV-1", "Overdue", "Highlander",
         "2520018000000073035", datetime(2026, 4, 1), "USD", 489.75, 89.75],
        [datetime(2026, 3, 3), "2520018000000073145", 1002, "Sent", "Highlander",
         "2520018000000073035", datetime(2026, 4, 2), "USD", 1000, 1000],
    ]  # fmt: skip

    report = run(acme, files.to_xlsx(rows))

    assert (report.preset, report.encoding) == ("zoho", "")
    found = invoices(acme)
    assert found["INV-1"].external_id == "2520018000000073144"
    assert (found["INV-1"].total, found["INV-1"].balance) == (Decimal("489.75"), Decimal("89.75"))
    assert found["INV-1"].due_date == date(2026, 4, 1)
    assert found["1002"].total == Decimal("1000")  # a number cell, not "1002.0"
    assert set(customers(acme)) == {"2520018000000073035"}


def test_a_workbook_report_has_its_header_found_below_the_titles(acme):
    rows = [
        ["Acme Trading Ltd"],
        ["Open Invoices"],
        ["As of September 30, 2026"],
        [],
        [None, "Date", "Transaction type", "Num", "Due date", "Open balance"],
        ["Acme Corp"],
        [None, "09/01/2026", "Invoice", 1001, "10/01/2026", 1000],
        ["Total for Acme Corp", None, None, None, None, 1000],
        ["TOTAL", None, None, None, None, 1000],
    ]

    report = run(acme, files.to_xlsx(rows))

    assert (report.preset, report.header_line, report.rows_read) == ("quickbooks", 5, 1)
    assert invoices(acme)["1001"].customer.name == "Acme Corp"


def test_a_semicolon_file_with_decimal_commas_and_dotted_dates(acme):
    rows = [
        ["Invoice number", "Customer name", "Issue date", "Due date", "Total"],
        ["R-1", "Müller AG", "15.03.2026", "14.04.2026", "1.234,50"],
        ["R-2", "Müller AG", "06.03.2026", "05.04.2026", "99,00"],
    ]

    report = run(acme, files.to_csv(rows, delimiter=";", encoding="cp1252"))

    assert (report.decimal, report.decimal_source) == (",", "detected")
    assert (report.date_order, report.date_order_source) == ("dmy", "detected")
    assert invoices(acme)["R-1"].total == Decimal("1234.50")
    assert Customer.objects.get(tenant=acme).name == "Müller AG"


def test_a_tab_separated_utf16_file_as_excel_saves_unicode_text(acme):
    rows = [
        ["Customer ID", "Name", "Email"],
        ["C-1", "Ærø Fisk", "post@aero.test"],
    ]
    data = b"\xff\xfe" + files.to_csv(rows, delimiter="\t").decode().encode("utf-16-le")

    report = run(acme, data, kind="customers")

    assert report.encoding == "utf-16"
    assert customers(acme)["C-1"].name == "Ærø Fisk"


def test_nineteen_digit_ids_and_leading_zeros_stay_text():
    data = files.to_csv([["Invoice ID", "Invoice #"], ["2520018000000073144", "0000001"]])

    sheet = read_file(data, known_keys())

    assert sheet.frame.iloc[0].tolist() == ["2520018000000073144", "0000001"]


def test_line_numbers_count_blank_rows_and_report_titles():
    data = files.QBO_OPEN_INVOICES

    sheet = read_file(data, known_keys())

    assert sheet.header_line == 5
    assert sheet.lines.tolist() == [7, 8, 9, 12]  # the payment row is read, then skipped
    assert sheet.frame["Group"].tolist() == ["Acme Corp", "Acme Corp", "Acme Corp", "Globex"]


def test_a_customer_named_like_a_total_is_not_a_total_row(acme):
    rows = [["Customer ID", "Name"], ["T-1", "Total Energies"], ["F-1", "Friday, Ltd"]]

    report = run(acme, files.to_csv(rows), kind="customers")

    assert report.rows_read == 2
    assert {c.name for c in customers(acme).values()} == {"Total Energies", "Friday, Ltd"}
