"""Xero: the sales-invoice export (one row per invoice line) and the contacts export.

Dates follow the organisation's region: DD/MM/YYYY in the UK, Australia and New Zealand,
MM/DD/YYYY in the US. Invoice rows carry no contact id, so invoices find their customer by
the exact contact name.
"""

from integrations.importers.presets.fields import Layout, Preset

_ADDRESS = (
    "POAddressLine1",
    "POAddressLine2",
    "POAddressLine3",
    "POAddressLine4",
    "POCity",
    "PORegion",
    "POPostalCode",
    "POCountry",
)

XERO = Preset(
    "xero",
    "Xero",
    {
        "invoices": Layout(
            columns={
                "number": ("InvoiceNumber",),
                "customer_name": ("ContactName",),
                "customer_email": ("EmailAddress",),
                "issue_date": ("InvoiceDate",),
                "due_date": ("DueDate",),
                "total": ("Total",),
                "tax": ("TaxTotal",),
                "amount_paid": ("InvoiceAmountPaid",),
                "amount_due": ("InvoiceAmountDue",),
                "line_amount": ("LineAmount",),
                "currency": ("Currency",),
                "status": ("Status",),
                "po_number": ("Reference",),
                "type": ("Type",),
            },
            required=("number", "customer_name", "issue_date", "due_date", "total|line_amount"),
            date_order="dmy",
            lines=True,
            export="Business › Invoices › select the invoices (or all) › Export",
            evidence="parsers",
            notes=(
                "Xero's own import template marks required columns with * (*ContactName, "
                "*InvoiceNumber); the stars are ignored.",
                "Statuses Draft and Awaiting Approval are not receivables and are skipped; "
                "Voided and Deleted invoices become void.",
            ),
        ),
        "customers": Layout(
            columns={
                "external_id": ("AccountNumber",),
                "name": ("ContactName",),
                "contact_name": ("FirstName", "LastName"),
                "email": ("EmailAddress",),
                "phone": ("PhoneNumber",),
                "mobile": ("MobileNumber",),
                "address": _ADDRESS,
                "country": ("POCountry",),
            },
            required=("name",),
            export="Contacts › All contacts › Export",
            evidence="parsers",
            notes=(
                "A contact without an account number is matched by its exact name; its name "
                "becomes its id.",
            ),
        ),
    },
)
