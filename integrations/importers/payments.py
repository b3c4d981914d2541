"""Payment rows to payment items: one row, one payment, for an existing customer.

A payment names an invoice to pay it; without one it settles the customer's oldest open
invoices. Without a payment id a payment cannot be recognised again, so importing the same
file twice records it twice: the report warns.
"""

from integrations.importers.batch import Batch, Planned
from integrations.importers.matching import CustomerIndex
from integrations.importers.presets import Layout
from integrations.importers.reading import Sheet
from integrations.importers.report import Report, RowError
from integrations.importers.values import Values
from kapittx.models import Tenant


def plan_payments(
    sheet: Sheet, values: Values, layout: Layout, tenant: Tenant, report: Report
) -> Planned:
    """Return the payment items of ``sheet`` (read through ``values``)."""
    v = values
    ids = v.text("external_id").to_numpy(dtype=object)
    customer_id = v.text("customer_id").to_numpy(dtype=object)
    customer_name = v.text("customer_name").to_numpy(dtype=object)
    amount, received = v.amounts("amount"), v.dates("received_on")
    currency = v.currencies("currency").to_numpy(dtype=object)
    reference, method = v.text("reference").to_numpy(dtype=object), v.text("method")
    method = method.to_numpy(dtype=object)
    invoice = v.text("invoice_number").to_numpy(dtype=object)
    index = CustomerIndex(tenant, set(customer_id), set(customer_name))
    batch = _batch(v)
    errors: list[RowError] = []
    ids_seen: dict[str, int] = {}
    unreadable = {e.line for e in v.errors}  # reported already; not checked further
    for row in range(sheet.rows):
        line = int(sheet.lines[row])
        if line in unreadable:
            continue
        match = index.match(customer_id[row], customer_name[row])
        problem = match.error or _unknown(match, customer_id[row], customer_name[row])
        if problem:
            errors.append(RowError(line, batch.columns["customer_external_id"], problem))
            continue
        if ids[row] and ids_seen.setdefault(ids[row], line) != line:
            errors.append(
                RowError(
                    line,
                    v.column("external_id"),
                    f"Payment {ids[row]} is also on line {ids_seen[ids[row]]}.",
                )
            )
            continue
        item = {"customer_external_id": match.external_id, "source": "import"}
        for key, values in (
            ("external_id", ids),
            ("amount", amount),
            ("received_on", received),
            ("currency", currency),
            ("reference", reference),
            ("method", method),
        ):
            if values[row] is not None and values[row] != "":
                item[key] = values[row]
        if invoice[row] and amount[row] is not None:
            item["allocations"] = [{"invoice_number": invoice[row], "amount": amount[row]}]
        batch.add(item, line)
    if not v.has("external_id") and sheet.rows:
        report.notes.append(
            "The file has no payment id: importing it again would record its payments again."
        )
    return Planned({"payments": batch}, v.errors + errors)


def _unknown(match, customer_id: str, name: str) -> str:
    if match.exists:
        return ""
    if customer_id:
        return f'No customer has the id "{customer_id}".'
    return f'No customer is named "{name}".'


def _batch(v: Values) -> Batch:
    customer = v.column("customer_id") or v.column("customer_name")
    return Batch(
        columns={
            "external_id": v.column("external_id"),
            "customer_external_id": customer,
            "customer": customer,
            "amount": v.column("amount"),
            "received_on": v.column("received_on"),
            "currency": v.column("currency"),
            "reference": v.column("reference"),
            "method": v.column("method"),
            "allocations": v.column("invoice_number"),
            "allocations.amount": v.column("amount"),
        }
    )
