"""What an import reads, per kind of file, and how a preset says where each system writes it."""

from dataclasses import dataclass, field

KINDS = ("customers", "invoices", "payments")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"  # text | date | money | currency | integer | country
    #: Takes several columns: text is joined, amounts are added.
    many: bool = False
    help: str = ""


CUSTOMER_FIELDS = (
    Field("external_id", "Customer id", help="The accounting system's id; else the name."),
    Field("name", "Name"),
    Field("contact_name", "Contact name", many=True),
    Field("email", "Email", help="Several addresses in one cell become several contacts."),
    Field("phone", "Phone"),
    Field("mobile", "Mobile phone"),
    Field("address", "Address", many=True),
    Field("country", "Country", type="country"),
    Field("currency", "Currency", type="currency"),
    Field("payment_terms_days", "Payment terms (days)", type="integer"),
    Field("credit_limit", "Credit limit", type="money"),
    Field("language", "Language"),
    Field("time_zone", "Time zone"),
    Field("type", "Contact type", help="Rows of suppliers (vendors) are skipped."),
)

INVOICE_FIELDS = (
    Field("number", "Invoice number"),
    Field("external_id", "Invoice id", help="The accounting system's id; else the number."),
    Field("customer_id", "Customer id"),
    Field("customer_name", "Customer name"),
    Field("customer_email", "Customer email"),
    Field("issue_date", "Issue date", type="date"),
    Field("due_date", "Due date", type="date"),
    Field("currency", "Currency", type="currency"),
    Field("total", "Total", type="money"),
    Field("tax", "Tax", type="money"),
    Field("amount_paid", "Amount paid", type="money"),
    Field("amount_due", "Amount due", type="money", help="Open balance; wins over amount paid."),
    Field("line_amount", "Line amount", type="money", help="Added up per invoice."),
    Field("line_tax", "Line tax", type="money", many=True, help="Added up per invoice."),
    Field("status", "Status", help="Drafts are skipped, voided invoices kept as void."),
    Field(
        "paid_date",
        "Date paid",
        type="date",
        help="When it was paid; without amount columns, filled means paid in full.",
    ),
    Field("po_number", "PO number"),
    Field("type", "Document type", help="Rows that are not invoices are skipped."),
)

PAYMENT_FIELDS = (
    Field("external_id", "Payment id", help="Without it, importing again adds the payments again."),
    Field("customer_id", "Customer id"),
    Field("customer_name", "Customer name"),
    Field("amount", "Amount", type="money"),
    Field("currency", "Currency", type="currency"),
    Field("received_on", "Date received", type="date"),
    Field("reference", "Reference"),
    Field("method", "Method"),
    Field("invoice_number", "Invoice number", help="Pays this invoice; else the oldest due."),
)

FIELDS: dict[str, tuple[Field, ...]] = {
    "customers": CUSTOMER_FIELDS,
    "invoices": INVOICE_FIELDS,
    "payments": PAYMENT_FIELDS,
}


def field_named(kind: str, name: str) -> Field:
    return next(f for f in FIELDS[kind] if f.name == name)


@dataclass(frozen=True)
class Layout:
    """One kind of export of one system: the column names it writes for each field."""

    columns: dict[str, tuple[str, ...]]
    #: Fields the file must have; "a|b" means either.
    required: tuple[str, ...]
    #: Day/month order when no date in the file decides it.
    date_order: str = "dmy"
    decimal: str = "."
    #: One row per invoice line, the invoice's own fields repeated on each.
    lines: bool = False
    #: Where in the product the export is made.
    export: str = ""
    #: How sure the column names are: "vendor" (documented or a real export), "parsers"
    #: (several independent parsers of real files agree), "assumed".
    evidence: str = "assumed"
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    layouts: dict[str, Layout]
