"""Invoice rows to invoice items, and the customers they name to customer items.

Xero, Zoho and FreshBooks write one row per invoice line with the invoice's own fields
(customer, dates, total, amount due, status) repeated on each: the rows are grouped by
invoice number, the repeated fields read once and checked to agree, never added up. Only line
amounts are added. A file with one row per invoice refuses a repeated number.
"""

import re
from datetime import timedelta

import numpy as np
import pandas as pd

from integrations.importers.batch import Batch, Planned
from integrations.importers.matching import CustomerIndex
from integrations.importers.presets import Layout
from integrations.importers.reading import Sheet
from integrations.importers.report import Report, RowError
from integrations.importers.values import Values
from integrations.importers.words import DRAFT, PAID, VOID, not_invoices, statuses
from kapittx.models import Tenant

#: Fields of the invoice itself: every row of one invoice must say the same.
INVOICE_LEVEL = (
    "external_id",
    "customer_id",
    "customer_name",
    "issue_date",
    "due_date",
    "currency",
    "total",
    "tax",
    "amount_paid",
    "amount_due",
    "status",
    "paid_date",
    "po_number",
)


def emails(text: str) -> list[str]:
    return [part for part in re.split(r"[;,\s]+", text) if part]


def plan_invoices(
    sheet: Sheet, values: Values, layout: Layout, tenant: Tenant, report: Report
) -> Planned:
    """Return the customer and invoice items of ``sheet`` (read through ``values``)."""
    sheet = _without_drafts_and_other_documents(sheet, values, report)
    v = Values(sheet, "invoices", values.mapping, values.date_order, values.mark)
    number = v.text("number")
    missing = number.eq("").to_numpy()
    errors = [
        RowError(int(line), v.column("number"), "No invoice number.")
        for line in sheet.lines[missing]
    ]
    codes, uniques = pd.factorize(number.where(~missing, None))
    valid = np.flatnonzero(codes >= 0)
    first = valid[np.unique(codes[valid], return_index=True)[1]]
    counts = np.bincount(codes[valid], minlength=len(uniques))
    grouped = layout.lines or v.has("line_amount")
    check = _disagreeing_rows if grouped else _repeated_numbers
    errors += check(sheet, v, codes, first, counts, uniques)
    planned = _items(sheet, v, tenant, report, codes, first, counts, uniques, errors)
    planned.errors = errors + v.errors + planned.errors
    return planned


def _without_drafts_and_other_documents(sheet: Sheet, values: Values, report: Report) -> Sheet:
    keep = np.ones(sheet.rows, dtype=bool)
    if values.has("type"):
        types = values.text("type")
        other = not_invoices(types)
        for word, count in types[other].value_counts().items():
            report.skip(f"rows of type {word}", count)
        keep &= ~other
    if values.has("status"):
        draft = (statuses(values.text("status")) == DRAFT) & keep
        report.skip("draft invoices", values.text("number")[draft].nunique())
        keep &= ~draft
    return sheet if keep.all() else sheet.take(keep)


def _repeated_numbers(sheet, v, codes, first, counts, uniques) -> list[RowError]:
    positions = np.flatnonzero((codes >= 0) & (np.arange(len(codes)) != first[codes]))
    return [
        RowError(
            int(sheet.lines[p]),
            v.column("number"),
            f"Invoice number {uniques[codes[p]]} is also on line {sheet.lines[first[codes[p]]]}.",
        )
        for p in positions
    ]


def _disagreeing_rows(sheet, v, codes, first, counts, uniques) -> list[RowError]:
    several = (codes >= 0) & (counts[codes] > 1)
    if not several.any():
        return []
    errors = []
    for name in INVOICE_LEVEL:
        for column in v.mapping.get(name) or []:
            cells = sheet.frame[column].to_numpy(dtype=object)
            reference = cells[first[codes]]
            for p in np.flatnonzero(several & (cells != reference)):
                errors.append(
                    RowError(
                        int(sheet.lines[p]),
                        column,
                        f'"{cells[p]}" differs from "{reference[p]}" on line '
                        f"{sheet.lines[first[codes[p]]]}, another row of invoice "
                        f"{uniques[codes[p]]}.",
                    )
                )
    return errors


def _sums(amounts: np.ndarray, codes: np.ndarray, n: int) -> list:
    sums = [None] * n
    for code, amount in zip(codes.tolist(), amounts.tolist(), strict=True):
        if code >= 0 and amount is not None:
            sums[code] = amount if sums[code] is None else sums[code] + amount
    return sums


def _items(sheet, v: Values, tenant, report, codes, first, counts, uniques, found) -> Planned:
    def at(values) -> np.ndarray:
        return np.asarray(values, dtype=object)[first]

    issue, due, paid_on = (
        at(v.dates("issue_date")),
        at(v.dates("due_date")),
        at(v.dates("paid_date")),
    )
    total, tax = at(v.amounts("total")), at(v.amounts("tax"))
    paid, owed = at(v.amounts("amount_paid")), at(v.amounts("amount_due"))
    lines_net = _sums(v.amounts("line_amount"), codes, len(uniques))
    lines_tax = _sums(v.amounts("line_tax"), codes, len(uniques))
    currency, status = at(v.currencies("currency")), at(statuses(v.text("status")))
    external, po = at(v.text("external_id")), at(v.text("po_number"))
    customer_id, customer_name = at(v.text("customer_id")), at(v.text("customer_name"))
    email = at(v.text("customer_email"))
    index = CustomerIndex(tenant, set(customer_id), set(customer_name))
    # An invoice with a cell that could not be read is reported, not checked further.
    bad_lines = np.array(sorted({e.line for e in [*found, *v.errors]}), dtype=int)
    bad = set(codes[np.isin(sheet.lines, bad_lines) & (codes >= 0)].tolist())
    customers, invoices, errors = _customer_batch(v), _invoice_batch(v), []
    seen: dict[str, int] = {}
    ids_seen: dict[str, int] = {}
    matches: dict[tuple[str, str], object] = {}
    has_due, has_status = v.has("due_date"), v.has("status")
    has_owed, has_paid = v.has("amount_due"), v.has("amount_paid")
    lines = sheet.lines[first].tolist()
    voided_without_amount = 0
    for k, number in enumerate(uniques):
        if k in bad:
            continue
        line = lines[k]
        pair = (customer_id[k], customer_name[k])
        match = matches.get(pair) or matches.setdefault(pair, index.match(*pair))
        if match.error:
            errors.append(RowError(line, customers.columns["external_id"], match.error))
            continue
        if external[k] and ids_seen.setdefault(external[k], line) != line:
            errors.append(
                RowError(
                    line,
                    v.column("external_id"),
                    f"Invoice id {external[k]} is also on line {ids_seen[external[k]]}, with "
                    "another invoice number.",
                )
            )
            continue
        from_lines = total[k] is None and lines_net[k] is not None
        if total[k] is not None:
            amount = total[k]
        elif from_lines:
            amount = lines_net[k] + (lines_tax[k] or 0)
        else:
            amount = owed[k]  # a report of open balances only
        if status[k] == VOID and amount is None:
            voided_without_amount += 1
            continue
        if match.external_id not in seen:
            seen[match.external_id] = len(customers.items)
            customers.add(_customer(match, customer_name[k], email[k], currency[k]), line)
        item = {"number": number, "customer_external_id": match.external_id}
        if external[k]:
            item["external_id"] = external[k]
        if issue[k] is not None:
            item["issue_date"] = issue[k]
        if due[k] is not None:
            item["due_date"] = due[k]
        elif not has_due and issue[k] is not None:
            item["due_date"] = issue[k] + timedelta(days=match.terms_days)
        if currency[k]:
            item["currency"] = currency[k]
        if from_lines:
            item["subtotal"] = lines_net[k]
            item["tax"] = lines_tax[k] or 0
        elif amount is not None:
            item["total"] = amount
            if tax[k] is not None:
                item["tax"] = tax[k]
        if has_status:
            item["status"] = VOID if status[k] == VOID else "open"
        if status[k] != VOID and amount is not None:
            if has_owed and owed[k] is not None:
                item["amount_paid"] = amount - owed[k]
            elif has_paid and paid[k] is not None:
                item["amount_paid"] = paid[k]
            elif status[k] == PAID or paid_on[k] is not None:
                item["amount_paid"] = amount
        if paid_on[k] is not None and "amount_paid" in item:
            item["paid_on"] = paid_on[k]
        if po[k]:
            item["po_number"] = po[k]
        invoices.add(item, line, int(counts[k]))
    report.skip("voided invoices without an amount", voided_without_amount)
    _note_derived_fields(v, report)
    return Planned({"customers": customers, "invoices": invoices}, errors)


def _customer(match, name: str, email: str, currency: str) -> dict:
    item = {"external_id": match.external_id}
    if name or not match.exists:
        item["name"] = name or match.external_id
    if email:
        item["contacts"] = [{"email": address} for address in emails(email)]
    if currency and not match.exists:
        item["currency"] = currency
    return item


def _customer_batch(v: Values) -> Batch:
    named_by = v.column("customer_id") or v.column("customer_name")
    return Batch(
        columns={
            "external_id": named_by,
            "name": v.column("customer_name") or named_by,
            "contacts": v.column("customer_email"),
            "currency": v.column("currency"),
        }
    )


def _invoice_batch(v: Values) -> Batch:
    amount = v.column("total") or v.column("line_amount") or v.column("amount_due")
    return Batch(
        columns={
            "number": v.column("number"),
            "external_id": v.column("external_id"),
            "customer_external_id": v.column("customer_id") or v.column("customer_name"),
            "customer": v.column("customer_id") or v.column("customer_name"),
            "issue_date": v.column("issue_date"),
            "due_date": v.column("due_date") or v.column("issue_date"),
            "currency": v.column("currency"),
            "total": amount,
            "subtotal": v.column("line_amount") or amount,
            "tax": v.column("tax") or v.column("line_tax"),
            "amount_paid": v.column("amount_due")
            or v.column("amount_paid")
            or v.column("paid_date")
            or v.column("status"),
            "status": v.column("status"),
            "po_number": v.column("po_number"),
        }
    )


def _note_derived_fields(v: Values, report: Report) -> None:
    if not v.has("due_date"):
        report.notes.append(
            "The file has no due dates: each invoice falls due after its customer's payment "
            "terms (30 days for a customer this import creates)."
        )
    if not v.has("total") and not v.has("line_amount"):
        report.notes.append(
            "The file has no invoice totals: each invoice's total is its open balance."
        )
