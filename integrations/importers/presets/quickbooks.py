"""QuickBooks Online: report exports (Open Invoices, Customer Contact List) and the invoice
import layout.

Reports put the company name, the report's title, its date range and a blank line above the
header, a customer's rows below a group row of its name, and ``Total for …``/``TOTAL`` rows
and a time stamp at the end; the reader keeps only the leaf rows. Dates are MM/DD/YYYY in US
companies.
"""

from integrations.importers.presets.fields import Layout, Preset

QUICKBOOKS = Preset(
    "quickbooks",
    "QuickBooks Online",
    {
        "invoices": Layout(
            columns={
                "number": ("Num", "No.", "Invoice number", "InvoiceNo", "Invoice no"),
                "customer_name": ("Customer", "Customer full name", "Name", "Group"),
                "issue_date": ("Date", "Invoice date", "InvoiceDate"),
                "due_date": ("Due date", "DueDate"),
                "total": ("Amount", "Total amount"),
                "amount_due": ("Open balance",),
                "line_amount": ("Item amount", "ItemAmount"),
                "line_tax": ("Item tax amount", "ItemTaxAmount"),
                "currency": ("Currency",),
                "type": ("Transaction type",),
            },
            required=(
                "number",
                "customer_name",
                "issue_date",
                "due_date",
                "total|amount_due|line_amount",
            ),
            date_order="mdy",
            export="Reports › Open Invoices (or Invoice List) › Export › Export to CSV or Excel",
            evidence="parsers",
            notes=(
                "Only rows whose transaction type is Invoice are read; payments and credit "
                "memos in the report are skipped.",
                "A report with an open balance and no amount column gives each invoice its "
                "open balance as total.",
                "The invoice import layout (one row per line: *Invoice number, *Customer, "
                "*Invoice date, *Due date, *Item Amount) is read too; its item amounts are "
                "added up per invoice.",
            ),
        ),
        "customers": Layout(
            columns={
                "name": ("Customer full name", "Customer", "Name"),
                "contact_name": ("Full name",),
                "phone": ("Phone numbers", "Phone"),
                "email": ("Email",),
                "address": ("Bill address", "Billing address"),
                "currency": ("Currency",),
            },
            required=("name",),
            date_order="mdy",
            export="Reports › Customer Contact List › Export › Export to CSV or Excel",
            evidence="parsers",
            notes=("The list has no customer id: customers are matched by their exact name.",),
        ),
    },
)
