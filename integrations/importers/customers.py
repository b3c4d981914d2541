"""Customer rows (a contacts or clients export) to customer items.

A customer is matched by the accounting system's id; an export without ids (QuickBooks'
contact list, FreshBooks' clients) is matched by exact name, and a new customer's id is its
name. Suppliers in a mixed contacts export are skipped.
"""

import numpy as np

from integrations.importers.batch import Batch, Planned
from integrations.importers.invoices import emails
from integrations.importers.matching import CustomerIndex
from integrations.importers.presets import Layout
from integrations.importers.reading import Sheet
from integrations.importers.report import Report, RowError
from integrations.importers.values import Values
from integrations.importers.words import suppliers
from kapittx.models import Tenant


def plan_customers(
    sheet: Sheet, values: Values, layout: Layout, tenant: Tenant, report: Report
) -> Planned:
    """Return the customer items of ``sheet`` (read through ``values``)."""
    if values.has("type"):
        supplier = suppliers(values.text("type"))
        report.skip("suppliers", int(supplier.sum()))
        if supplier.any():
            sheet = sheet.take(~supplier)
    v = Values(sheet, "customers", values.mapping, values.date_order, values.mark)
    contact = v.text("contact_name").to_numpy(dtype=object)
    name = v.text("name").to_numpy(dtype=object)
    name = np.where(name == "", contact, name)
    ids = v.text("external_id").to_numpy(dtype=object)
    index = CustomerIndex(tenant, set(ids), set(name))
    email, phone = v.text("email").to_numpy(dtype=object), v.phones("phone").to_numpy(dtype=object)
    mobile = v.phones("mobile").to_numpy(dtype=object)
    fields = {
        "address": v.text("address").to_numpy(dtype=object),
        "country": v.countries("country").to_numpy(dtype=object),
        "currency": v.currencies("currency").to_numpy(dtype=object),
        "payment_terms_days": v.integers("payment_terms_days"),
        "credit_limit": v.amounts("credit_limit"),
        "language": v.text("language").to_numpy(dtype=object),
        "time_zone": v.text("time_zone").to_numpy(dtype=object),
    }
    _note_unknown_countries(v, report)
    batch = _batch(v)
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    unreadable = {e.line for e in v.errors}  # reported already; not checked further
    for row in range(sheet.rows):
        line = int(sheet.lines[row])
        if line in unreadable:
            continue
        match = index.match(ids[row], name[row])
        if match.error:
            errors.append(RowError(line, batch.columns["external_id"], match.error))
            continue
        if match.external_id in first_line:
            errors.append(
                RowError(
                    line,
                    batch.columns["external_id"],
                    f"Customer {match.external_id} is also on line "
                    f"{first_line[match.external_id]}.",
                )
            )
            continue
        first_line[match.external_id] = line
        item = {"external_id": match.external_id}
        if name[row]:
            item["name"] = name[row]
        contacts = _contacts(contact[row], emails(email[row]), mobile[row] or phone[row])
        if contacts:
            item["contacts"] = contacts
        for key, values in fields.items():
            if values[row] is not None and values[row] != "":
                item[key] = values[row]
        batch.add(item, line)
    return Planned({"customers": batch}, v.errors + errors)


def _contacts(name: str, addresses: list[str], phone: str) -> list[dict]:
    """Return the row's contacts: the named person with the first address and the phone,
    one more contact per further address."""
    if not (addresses or phone):  # a contact is someone to reach: a name alone is not
        return []
    first = {key: value for key, value in (("name", name), ("phone", phone)) if value}
    if addresses:
        first["email"] = addresses[0]
    return [first, *({"email": address} for address in addresses[1:])]


def _batch(v: Values) -> Batch:
    return Batch(
        columns={
            "external_id": v.column("external_id") or v.column("name"),
            "name": v.column("name") or v.column("contact_name"),
            "contacts": v.column("email") or v.column("phone") or v.column("contact_name"),
            "contacts.email": v.column("email"),
            "contacts.phone": v.column("mobile") or v.column("phone"),
            "contacts.name": v.column("contact_name"),
            **{
                key: v.column(key)
                for key in (
                    "address",
                    "country",
                    "currency",
                    "payment_terms_days",
                    "credit_limit",
                    "language",
                    "time_zone",
                )
            },
        }
    )


def _note_unknown_countries(v: Values, report: Report) -> None:
    text, codes = v.text("country"), v.countries("country")
    unknown = sorted(set(text[(text != "") & (codes == "")]))
    if unknown:
        report.notes.append(
            "Countries not recognised, left empty: " + ", ".join(unknown[:10]) + "."
        )
