"""Add a customer and an invoice by hand, through the upsert functions the REST API and the
importers use, so a row typed on a page obeys exactly the same rules.

Both are written in one transaction: a refused invoice leaves no new customer behind. The
page adds; it never changes what is there, so an external id or an invoice number that
already exists is refused rather than matched.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer, Invoice
from receivables.upsert import ItemError, Refused, upsert_customers, upsert_invoices

#: Which form field shows an error on each key of a customer item ("" = the whole item).
CUSTOMER_FIELD_OF = {
    "external_id": "external_id",
    "name": "name",
    "currency": "currency",
    "country": "country",
    "contacts.0.email": "email",
    "contacts.0.phone": "phone",
}
#: Which form field shows an error on each key of an invoice item.
INVOICE_FIELD_OF = {
    "number": "number",
    "external_id": "number",
    "issue_date": "issue_date",
    "due_date": "due_date",
    "total": "amount",
    "subtotal": "amount",
    "tax": "amount",
    "currency": "currency",
    "customer": "customer",
    "customer_external_id": "customer",
}
#: Generated external ids start with this, so they are told apart from the accounting system's.
GENERATED_PREFIX = "HAND-"


@dataclass(frozen=True)
class Added:
    customer_id: int
    invoice_id: int
    new_customer: bool


class EntryRefused(Exception):
    """Nothing was written; ``errors`` pairs a form field (None: the form as a whole) with
    the reason."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        super().__init__("; ".join(reason for _field, reason in errors))
        self.errors = errors


def readable_external_id(tenant: Tenant, name: str) -> str:
    """Return an unused external id made from ``name``: ``HAND-ACME-TRADING``, then ``-2``…"""
    stem = GENERATED_PREFIX + (slugify(name)[:40].strip("-").upper() or "CUSTOMER")
    taken = set(
        scoped(Customer, tenant)
        .filter(external_id__startswith=stem)
        .values_list("external_id", flat=True)
    )
    candidate, n = stem, 1
    while candidate in taken:
        n += 1
        candidate = f"{stem}-{n}"
    return candidate


def add_by_hand(tenant: Tenant, data: dict) -> Added:
    """Add the invoice in ``data`` (the form's cleaned data) for the chosen customer, or for
    a new one; raise EntryRefused with every reason, having written nothing."""

    chosen: Customer | None = data.get("customer")
    currency = data["currency"] or (chosen.currency if chosen else tenant.base_currency)
    errors: list[tuple[str | None, str]] = []
    number = data["number"].strip()
    if scoped(Invoice, tenant).filter(number=number).exists():
        errors.append(("number", f"Invoice {number} already exists; this page adds new ones."))
    with transaction.atomic():
        customer_id, external_id = (chosen.pk, chosen.external_id) if chosen else (None, "")
        if chosen is None:
            customer_id, external_id = _add_customer(tenant, data, currency, errors)
        invoice = {
            "number": number,
            "issue_date": data["issue_date"],
            "due_date": data["due_date"],
            "total": data["amount"],
            "currency": currency,
        }
        invoice.update({"customer": customer_id} if customer_id else {})
        invoice.update({} if customer_id else {"customer_external_id": external_id})
        try:
            # A batch already refused is only checked, so nothing is announced for it.
            written = upsert_invoices(tenant, [invoice], dry_run=bool(errors) or not customer_id)
        except Refused as refused:
            errors += _on_fields(refused.errors, INVOICE_FIELD_OF, skip_customer=not customer_id)
        else:
            if not errors and written.created != 1:
                errors.append(("number", f"Invoice {number} was added meanwhile elsewhere."))
        if errors:
            # Both parts check the currency: say it once.
            raise EntryRefused(list(dict.fromkeys(errors)))  # rolls the customer back too
    return Added(customer_id, written.ids[0], new_customer=chosen is None)


def _add_customer(tenant, data, currency, errors) -> tuple[int | None, str]:
    """Create the new customer; return its id (None if refused) and external id."""

    external_id = data["external_id"].strip()
    if external_id and scoped(Customer, tenant).filter(external_id=external_id).exists():
        errors.append(
            ("external_id", f"A customer with external id {external_id} exists: choose it above.")
        )
        return None, external_id
    external_id = external_id or readable_external_id(tenant, data["name"])
    item = {"external_id": external_id, "name": data["name"], "currency": currency}
    if data["country"]:
        item["country"] = data["country"]
    contact = {key: data[key] for key in ("email", "phone") if data[key]}
    if contact:
        item["contacts"] = [contact]
    try:
        written = upsert_customers(tenant, [item])
    except Refused as refused:
        errors += _on_fields(refused.errors, CUSTOMER_FIELD_OF)
        return None, external_id
    if written.created != 1:
        errors.append(("external_id", f"External id {external_id} was taken meanwhile."))
        return None, external_id
    return written.ids[0], external_id


def _on_fields(
    found: list[ItemError], fields: dict[str, str], *, skip_customer: bool = False
) -> list[tuple[str | None, str]]:
    """Put each error on its form field; a key the form has no field for goes on the form
    as a whole, naming the key. With ``skip_customer`` an unknown customer is not reported
    (it is the new customer that was refused, reported already)."""
    placed = []
    for error in found:
        field = fields.get(error.field)
        if skip_customer and field == "customer":
            continue
        if field is None and error.field:
            placed.append((None, f"{error.field}: {error.reason}"))
        else:
            placed.append((field, error.reason))
    return placed
