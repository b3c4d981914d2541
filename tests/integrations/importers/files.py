"""Export files as the accounting systems write them, built to their real column names (see
docs/imports.md for where each layout comes from)."""

import csv
import io

import openpyxl

XERO_INVOICE_COLUMNS = [
    "ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3",
    "POAddressLine4", "POCity", "PORegion", "POPostalCode", "POCountry", "SAAddressLine1",
    "SAAddressLine2", "SAAddressLine3", "SAAddressLine4", "SACity", "SARegion", "SAPostalCode",
    "SACountry", "InvoiceNumber", "Reference", "InvoiceDate", "DueDate", "PlannedDate", "Total",
    "TaxTotal", "InvoiceAmountPaid", "InvoiceAmountDue", "InventoryItemCode", "Description",
    "Quantity", "UnitAmount", "Discount", "LineAmount", "AccountCode", "TaxType", "TaxAmount",
    "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "Type",
    "Sent", "Status",
]  # fmt: skip

XERO_CONTACT_COLUMNS = [
    "*ContactName", "AccountNumber", "EmailAddress", "FirstName", "LastName", "POAttentionTo",
    "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4", "POCity", "PORegion",
    "POPostalCode", "POCountry", "PhoneNumber", "FaxNumber", "MobileNumber", "TaxNumber",
]  # fmt: skip

ZOHO_INVOICE_COLUMNS = [
    "Invoice Date", "Invoice ID", "Invoice Number", "Estimate Number", "Invoice Status",
    "Customer Name", "Company Name", "Customer ID", "Branch ID", "Branch Name", "Due Date",
    "Expected Payment Date", "PurchaseOrder", "Template Name", "Currency Code", "Exchange Rate",
    "Discount Type", "Is Discount Before Tax", "Entity Discount Percent",
    "Entity Discount Amount", "Item Name", "Item Desc", "Quantity", "Usage unit", "Item Price",
    "Discount", "Discount Amount", "Expense Reference ID", "Project ID", "Project Name",
    "Item Total", "SubTotal", "Total", "Balance", "Shipping Charge", "Adjustment",
    "Adjustment Description", "Round Off", "Sales person", "Payment Terms",
    "Payment Terms Label", "Last Payment Date", "Notes", "Terms & Conditions", "Subject",
    "Billing Address", "Billing City", "Billing State", "Billing Country", "Billing Code",
]  # fmt: skip

ZOHO_CONTACT_COLUMNS = [
    "Created Time", "Last Modified Time", "Display Name", "Company Name", "Salutation",
    "First Name", "Last Name", "Phone", "Currency Code", "Notes", "Website", "Status",
    "Credit Limit", "Customer Sub Type", "Billing Attention", "Billing Address",
    "Billing Street2", "Billing City", "Billing State", "Billing Country", "Billing Code",
    "Payment Terms", "Payment Terms Label", "EmailID", "MobilePhone", "Customer ID",
    "Customer Name", "Contact Type",
]  # fmt: skip

FRESHBOOKS_INVOICE_COLUMNS = [
    "Client Name", "Invoice #", "Date Issued", "Invoice Status", "Date Paid", "Item Name",
    "Item Description", "Rate", "Quantity", "Discount Percentage", "Line Subtotal",
    "Tax 1 Type", "Tax 1 Amount", "Tax 2 Type", "Tax 2 Amount", "Line Total", "Currency",
]  # fmt: skip

FRESHBOOKS_CLIENT_COLUMNS = [
    "Organization", "First Name", "Last Name", "Email", "Phone", "Street", "City",
    "Province/State", "Country", "Postal Code", "Notes",
]  # fmt: skip

SAGE_COLUMNS = ["Type", "Date", "Customer Name", "Customer Reference", "Reference", "Details",
                "Total"]  # fmt: skip


def table(columns: list[str], rows: list[dict]) -> list[list[str]]:
    """Return the header and one list per row, "" where a row does not name a column."""
    return [columns, *([str(row.get(c, "")) for c in columns] for row in rows)]


def to_csv(rows: list[list[str]], *, encoding="utf-8", delimiter=",", bom=False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def to_xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xero_line(number, contact, date, due, total, due_amount, **more) -> dict:
    return {
        "ContactName": contact,
        "InvoiceNumber": number,
        "InvoiceDate": date,
        "DueDate": due,
        "Total": total,
        "TaxTotal": more.pop("tax", "0.00"),
        "InvoiceAmountPaid": more.pop("paid", "0.00"),
        "InvoiceAmountDue": due_amount,
        "Description": more.pop("description", "Consulting"),
        "Quantity": "1",
        "UnitAmount": more.get("LineAmount", total),
        "LineAmount": more.pop("LineAmount", total),
        "AccountCode": "200",
        "TaxType": "20% (VAT on Income)",
        "Currency": more.pop("Currency", "GBP"),
        "Type": more.pop("Type", "Sales invoice"),
        "Sent": "Sent",
        "Status": more.pop("Status", "Awaiting Payment"),
        **more,
    }


def xero_uk_invoices() -> bytes:
    """A UK Xero export with a BOM: DD/MM dates, one row per line, a draft, a voided and a
    part-paid invoice, and a credit note."""
    rows = [
        xero_line("INV-001", "Brightside Ltd", "03/04/2026", "03/05/2026", "1200.00", "1200.00",
                  LineAmount="1000.00", tax="200.00", EmailAddress="ap@brightside.test"),
        xero_line("INV-001", "Brightside Ltd", "03/04/2026", "03/05/2026", "1200.00", "1200.00",
                  LineAmount="0.00", tax="200.00", description="Travel"),
        xero_line("INV-002", "Cobalt & Sons", "15/04/2026", "15/05/2026", "600.00", "250.00",
                  paid="350.00"),
        xero_line("INV-003", "Brightside Ltd", "20/04/2026", "20/05/2026", "80.00", "80.00",
                  Status="Draft"),
        xero_line("INV-004", "Cobalt & Sons", "21/04/2026", "21/05/2026", "99.00", "0.00",
                  Status="Voided"),
        xero_line("CN-001", "Cobalt & Sons", "22/04/2026", "22/04/2026", "50.00", "50.00",
                  Type="Sales credit note"),
    ]  # fmt: skip
    return to_csv(table(XERO_INVOICE_COLUMNS, rows), bom=True)


def zoho_invoices() -> bytes:
    """A Zoho Books export: 19-digit ids, ISO dates, one row per item, a paid invoice."""

    def item(invoice_id, number, customer, customer_id, total, balance, **more):
        return {
            "Invoice Date": "2026-03-02",
            "Invoice ID": invoice_id,
            "Invoice Number": number,
            "Invoice Status": more.pop("status", "Overdue"),
            "Customer Name": customer,
            "Company Name": customer,
            "Customer ID": customer_id,
            "Due Date": "2026-04-01",
            "Currency Code": "USD",
            "Exchange Rate": "1.00",
            "Item Total": more.pop("item_total", total),
            "SubTotal": total,
            "Total": total,
            "Balance": balance,
            "Payment Terms": "30",
            "Payment Terms Label": "Net 30",
            **more,
        }

    rows = [
        item("2520018000000073144", "INV-000001", "Highlander", "2520018000000073035",
             "489.75", "489.75", item_total="25.50"),
        item("2520018000000073144", "INV-000001", "Highlander", "2520018000000073035",
             "489.75", "489.75", item_total="464.25"),
        item("2520018000000073164", "INV-000002", "Jessica Jones", "2520018000000073022",
             "460.00", "0.00", status="Paid", **{"Last Payment Date": "2026-03-20"}),
    ]  # fmt: skip
    return to_csv(table(ZOHO_INVOICE_COLUMNS, rows))


QBO_OPEN_INVOICES = (
    b"Acme Trading Ltd\r\n"
    b"Open Invoices\r\n"
    b"All Dates\r\n"
    b"\r\n"
    b",Date,Transaction type,Num,Term,Due date,Amount,Open balance\r\n"
    b"Acme Corp,,,,,,,\r\n"
    b',09/01/2026,Invoice,1001,Net 30,10/01/2026,"1,000.00","1,000.00"\r\n'
    b",09/15/2026,Invoice,1002,Net 30,10/15/2026,300.00,250.50\r\n"
    b',09/20/2026,Payment,,,,,"-49.50"\r\n'
    b'Total for Acme Corp,,,,,,"$1,300.00","$1,201.00"\r\n'
    b"Globex,,,,,,,\r\n"
    b',08/02/2026,Invoice,0042,Net 15,08/17/2026,"2,000.00","2,000.00"\r\n'
    b'Total for Globex,,,,,,"$2,000.00","$2,000.00"\r\n'
    b'TOTAL,,,,,,"$3,300.00","$3,201.00"\r\n'
    b"\r\n"
    b"\r\n"
    b" Wednesday, September 30, 2026 01:49 PM GMT-05:00\r\n"
)


def sage_opening_balances() -> bytes:
    """A Sage Accounting opening-balances file saved by Excel on Windows (cp1252)."""
    rows = [
        {"Type": "Invoice", "Date": "05/03/2026", "Customer Name": "Café Müller GmbH",
         "Customer Reference": "CAFE01", "Reference": "SI-100", "Details": "Beans – March",
         "Total": "1234.50"},
        {"Type": "Invoice", "Date": "19/03/2026", "Customer Name": "Smith’s Bakery",
         "Customer Reference": "SMIT01", "Reference": "SI-101", "Details": "Flour",
         "Total": "99.00"},
        {"Type": "Cr Note", "Date": "20/03/2026", "Customer Name": "Smith’s Bakery",
         "Customer Reference": "SMIT01", "Reference": "SC-7", "Details": "Returned",
         "Total": "10.00"},
    ]  # fmt: skip
    return to_csv(table(SAGE_COLUMNS, rows), encoding="cp1252")


def freshbooks_invoices() -> bytes:
    def line(number, status, subtotal, tax="0.00", paid=""):
        return {
            "Client Name": "X-Men",
            "Invoice #": number,
            "Date Issued": "2026-01-28",
            "Invoice Status": status,
            "Date Paid": paid,
            "Item Name": "Repair",
            "Rate": subtotal,
            "Quantity": "1.00000000",
            "Discount Percentage": "0.0000",
            "Line Subtotal": subtotal,
            "Tax 1 Type": "VAT" if tax != "0.00" else "",
            "Tax 1 Amount": tax,
            "Tax 2 Amount": "0.00",
            "Line Total": subtotal,
            "Currency": "USD",
        }

    rows = [
        line("0000001", "sent", "650.00", tax="65.00"),
        line("0000001", "sent", "490.00"),
        line("0000002", "paid", "100.00", paid="2026-02-10"),
        line("0000003", "draft", "75.00"),
    ]
    return to_csv(table(FRESHBOOKS_INVOICE_COLUMNS, rows))


def xero_many(invoices: int, customers: int = 500, lines: int = 1) -> bytes:
    """A UK Xero export of ``invoices`` invoices of ``lines`` rows each, a tenth part-paid."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(XERO_INVOICE_COLUMNS)
    position = {name: i for i, name in enumerate(XERO_INVOICE_COLUMNS)}
    template = [""] * len(XERO_INVOICE_COLUMNS)
    for n in range(invoices):
        day = 1 + n % 28
        total = 100 + n % 900
        due = total - 40 if n % 10 == 0 else total
        row = list(template)
        for name, value in (
            ("ContactName", f"Customer {n % customers:05d}"),
            ("InvoiceNumber", f"INV-{n:07d}"),
            ("InvoiceDate", f"{day:02d}/03/2026"),
            ("DueDate", f"{day:02d}/04/2026"),
            ("Total", f"{total}.00"),
            ("TaxTotal", "0.00"),
            ("InvoiceAmountPaid", f"{total - due}.00"),
            ("InvoiceAmountDue", f"{due}.00"),
            ("Description", "Services"),
            ("Quantity", "1"),
            ("AccountCode", "200"),
            ("Currency", "GBP"),
            ("Type", "Sales invoice"),
            ("Status", "Awaiting Payment"),
        ):
            row[position[name]] = value
        for line in range(lines):
            row[position["LineAmount"]] = f"{total}.00" if line == 0 else "0.00"
            row[position["UnitAmount"]] = row[position["LineAmount"]]
            writer.writerow(row)
    return out.getvalue().encode()
