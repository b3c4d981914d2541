"""Zoho Books: the invoice export (one row per line) and the contacts export.

Invoice and customer ids have 19 digits, kept as text; dates are ISO (yyyy-mm-dd).
"""

from integrations.importers.presets.fields import Layout, Preset

ZOHO = Preset(
    "zoho",
    "Zoho Books",
    {
        "invoices": Layout(
            columns={
                "number": ("Invoice Number",),
                "external_id": ("Invoice ID",),
                "customer_id": ("Customer ID",),
                "customer_name": ("Customer Name",),
                "issue_date": ("Invoice Date",),
                "due_date": ("Due Date",),
                "status": ("Invoice Status",),
                "currency": ("Currency Code",),
                "total": ("Total",),
                "amount_due": ("Balance",),
                "line_amount": ("Item Total",),
                "paid_date": ("Last Payment Date",),
                "po_number": ("PurchaseOrder",),
            },
            required=(
                "number",
                "customer_id|customer_name",
                "issue_date",
                "due_date",
                "total|line_amount",
            ),
            lines=True,
            export="Sales › Invoices › ⋯ (more) › Export Invoices › CSV or XLSX",
            evidence="vendor",
            notes=("The paid part of an invoice is its Total less its Balance.",),
        ),
        "customers": Layout(
            columns={
                "external_id": ("Customer ID",),
                "name": ("Display Name", "Customer Name", "Company Name"),
                "contact_name": ("First Name", "Last Name"),
                "email": ("EmailID",),
                "phone": ("Phone",),
                "mobile": ("MobilePhone",),
                "address": (
                    "Billing Address",
                    "Billing Street2",
                    "Billing City",
                    "Billing State",
                    "Billing Code",
                    "Billing Country",
                ),
                "country": ("Billing Country",),
                "currency": ("Currency Code",),
                "payment_terms_days": ("Payment Terms",),
                "type": ("Contact Type",),
            },
            required=("name",),
            export="Sales › Customers › ⋯ (more) › Export Customers › CSV or XLSX",
            evidence="vendor",
            notes=("Contacts of type vendor are skipped.",),
        ),
    },
)
