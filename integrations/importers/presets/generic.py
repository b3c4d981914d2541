"""Kapittx's own layout, the template offered for download on the import page.

The first name of each field is the template's header; the others are names in common use
that are read as well.
"""

from integrations.importers.presets.fields import Layout, Preset

_CUSTOMER_ID = ("Customer ID", "External ID", "Account number", "Customer number")

GENERIC = Preset(
    "generic",
    "Generic (Kapittx template)",
    {
        "customers": Layout(
            columns={
                "external_id": _CUSTOMER_ID,
                "name": ("Name", "Customer name", "Company name"),
                "contact_name": ("Contact name",),
                "email": ("Email", "Email address"),
                "phone": ("Phone", "Phone number", "Telephone"),
                "mobile": ("Mobile", "Mobile phone"),
                "address": ("Address",),
                "country": ("Country",),
                "currency": ("Currency",),
                "payment_terms_days": ("Payment terms days", "Payment terms (days)", "Terms"),
                "credit_limit": ("Credit limit",),
                "language": ("Language",),
                "time_zone": ("Time zone", "Timezone"),
            },
            required=("name",),
            evidence="vendor",
        ),
        "invoices": Layout(
            columns={
                "number": ("Invoice number", "Number", "Invoice no"),
                "external_id": ("Invoice ID",),
                "customer_id": _CUSTOMER_ID,
                "customer_name": ("Customer name", "Customer"),
                "customer_email": ("Customer email",),
                "issue_date": ("Issue date", "Invoice date"),
                "due_date": ("Due date",),
                "currency": ("Currency",),
                "total": ("Total", "Invoice total"),
                "tax": ("Tax",),
                "amount_paid": ("Amount paid", "Paid"),
                "amount_due": ("Amount due", "Balance due"),
                "status": ("Status",),
                "po_number": ("PO number", "Purchase order"),
            },
            required=(
                "number",
                "customer_id|customer_name",
                "issue_date",
                "due_date",
                "total|amount_due",
            ),
            evidence="vendor",
        ),
        "payments": Layout(
            columns={
                "external_id": ("Payment ID",),
                "customer_id": _CUSTOMER_ID,
                "customer_name": ("Customer name", "Customer"),
                "amount": ("Amount",),
                "currency": ("Currency",),
                "received_on": ("Date received", "Payment date", "Received on", "Date"),
                "reference": ("Reference",),
                "method": ("Method", "Payment method"),
                "invoice_number": ("Invoice number",),
            },
            required=("customer_id|customer_name", "amount", "received_on"),
            evidence="vendor",
        ),
    },
)
