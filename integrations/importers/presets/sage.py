"""Sage: the customer opening-balances file of Sage Accounting (one row per outstanding
invoice or credit note, dates dd/mm/yyyy) and the invoice layout of Sage 50 (one row per
line, upper-case field names).

Neither carries a due date: it is the issue date plus the customer's payment terms (30 days
for a customer the import creates). Credit notes are skipped.
"""

from integrations.importers.presets.fields import Layout, Preset

SAGE = Preset(
    "sage",
    "Sage",
    {
        "invoices": Layout(
            columns={
                "type": ("Type",),
                "issue_date": ("Date", "INVOICE_DATE"),
                "customer_name": ("Customer Name",),
                "customer_id": ("Customer Reference", "ACCOUNT_REF"),
                "number": ("Reference", "INVOICE_NUMBER"),
                "total": ("Total",),
                "line_amount": ("NET_AMOUNT",),
                "line_tax": ("TAX_AMOUNT",),
            },
            required=("number", "customer_id|customer_name", "issue_date", "total|line_amount"),
            date_order="dmy",
            export="Sage Accounting: Settings › Opening balances › Customer opening balances "
            "(the CSV layout); Sage 50: File › Import › Invoices layout",
            evidence="vendor",
            notes=(
                "Files written by Excel on Windows are usually Windows-1252; that is detected.",
            ),
        ),
    },
)
