"""FreshBooks: the invoice export (one row per line, ISO dates, lower-case statuses) and the
clients export.

The invoice export has no balance and no due date: an invoice with a payment date (or the
status paid) is paid in full, and it falls due 30 days after issue, or after the customer's
payment terms. Invoice numbers keep their leading zeros.
"""

from integrations.importers.presets.fields import Layout, Preset

FRESHBOOKS = Preset(
    "freshbooks",
    "FreshBooks",
    {
        "invoices": Layout(
            columns={
                "customer_name": ("Client Name",),
                "number": ("Invoice #",),
                "issue_date": ("Date Issued",),
                "status": ("Invoice Status",),
                "paid_date": ("Date Paid",),
                "line_amount": ("Line Subtotal",),
                "line_tax": ("Tax 1 Amount", "Tax 2 Amount"),
                "currency": ("Currency",),
            },
            required=("number", "customer_name", "issue_date", "line_amount"),
            date_order="mdy",
            lines=True,
            export="Invoices › More actions › Export to CSV",
            evidence="vendor",
        ),
        "customers": Layout(
            columns={
                "name": ("Organization",),
                "contact_name": ("First Name", "Last Name"),
                "email": ("Email",),
                "phone": ("Phone",),
                "address": ("Street", "City", "Province/State", "Postal Code", "Country"),
                "country": ("Country",),
            },
            required=("name|contact_name",),
            date_order="mdy",
            export="Clients › More actions › Export to CSV",
            evidence="vendor",
            notes=("A client without an organisation is named after its contact.",),
        ),
    },
)
