"""Create or update invoices by external id or number, many at a time, by the ledger's rules.

Long because it holds the one set of rules for an invoice arriving from outside: matching,
status changes an accounting system may make, and what it says is already paid.
"""

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from kapittx import bulk, cycle_collector, events
from kapittx.localtime import local_today
from kapittx.models import Tenant
from kapittx.write_behind import write_behind
from receivables.balances import LedgerError, derive, refresh_many
from receivables.event_data import invoice_data
from receivables.ledger import MAX_AMOUNT
from receivables.models import (
    OPEN_STATUSES,
    ZERO,
    Allocation,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentSource,
)
from receivables.signals import invoices_changed
from receivables.upsert import checks, progress
from receivables.upsert.checks import BAD
from receivables.upsert.references import Customers, locked_invoices
from receivables.upsert.results import Errors, ItemError, Refused, Written

STATUSES = (InvoiceStatus.DRAFT, InvoiceStatus.OPEN, InvoiceStatus.VOID)
#: The columns an item may change on a stored invoice.
COLUMNS = [
    "customer",
    "number",
    "external_id",
    "issue_date",
    "due_date",
    "currency",
    "subtotal",
    "tax",
    "total",
    "po_number",
    "document_url",
    "status",
    "voided_on",
]
ATTNAMES = [name if name != "customer" else "customer_id" for name in COLUMNS]
#: New invoices written at a time while the next items are checked (a small page starts the
#: database's share of the work soon after the first items, and leaves little after the last).
PAGE = 5000
_url = URLValidator(schemes=["http", "https"])


@dataclass
class Plan:
    """What one good item does: the invoice to create or change, and what it pays."""

    index: int
    invoice: Invoice
    new: bool
    changed: bool
    pay: Decimal = ZERO  # recorded as already paid before the import
    paid_on: date | None = None
    customer_external_id: str = ""
    notes: list = field(default_factory=list)


@cycle_collector.paused()
def upsert_invoices(
    tenant: Tenant,
    items: Sequence[dict],
    *,
    dry_run: bool = False,
    on_progress: progress.Progress | None = None,
) -> Written:
    """Create or update an invoice per item (matched by external id, else number); all or
    nothing."""
    errors = Errors()
    now = timezone.now()
    # A batch of one page gains nothing from writing behind: its rows follow all the checks.
    behind = write_behind() if len(items) > PAGE else nullcontext()
    with transaction.atomic(), behind:
        batch = _Batch(
            errors,
            Customers(tenant, items),
            _stored(tenant, items),
            now=now,
            today=local_today(now, tenant.time_zone),
        )
        plans, sent = [], 0
        for index, item in progress.checked(items, on_progress):
            plans.append(_plan(batch, index, item))
            # New invoices are written a page at a time while the next ones are checked,
            # as long as all is well so far; a bad item later rolls them back.
            if not dry_run and len(plans) - sent == PAGE and not errors.found:
                _create(tenant, plans[sent:], batch)
                sent = len(plans)
        errors.raise_if_any()
        written = Written(notes=errors.notes)
        for plan in plans:
            written.ids.append(None if plan.new else plan.invoice.pk)
            if plan.new:
                written.created += 1
            elif plan.changed or plan.pay:
                written.updated += 1
            else:
                written.unchanged += 1
        if not dry_run:
            _create(tenant, plans[sent:], batch)
            _write(tenant, plans, batch, on_progress)
            written.ids = [plan.invoice.pk for plan in plans]
    return written


@dataclass
class _Batch:
    """What every item of one batch is checked against."""

    errors: Errors
    customers: Customers
    stored: "_Stored"
    now: datetime
    today: date
    #: Numbers and external ids seen so far → the item that carried them.
    seen: dict[str, dict] = field(default_factory=lambda: {"number": {}, "external_id": {}})


class _Stored:
    def __init__(self, invoices: list[Invoice]) -> None:
        self.by_number = {invoice.number: invoice for invoice in invoices}
        self.by_key = {invoice.external_id: invoice for invoice in invoices if invoice.external_id}


def _stored(tenant: Tenant, items: Sequence[dict]) -> _Stored:
    numbers = [
        i["number"].strip()
        for i in items
        if isinstance(i, dict) and isinstance(i.get("number"), str)
    ]
    keys = [
        i["external_id"].strip()
        for i in items
        if isinstance(i, dict)
        and isinstance(i.get("external_id"), str)
        and i["external_id"].strip()
    ]
    return _Stored(locked_invoices(tenant, numbers=numbers, external_ids=keys))


def _plan(batch: _Batch, index: int, item) -> Plan | None:
    errors, customers, seen = batch.errors, batch.customers, batch.seen
    if not isinstance(item, dict):
        errors.add(index, "", "invalid", "Each item must be an object.")
        return None
    number = checks.text(errors, index, item, "number", 64, required=True)
    key = checks.text(errors, index, item, "external_id", 100) or ""
    if number is BAD or key is BAD:
        return None
    invoice = _match(errors, index, number, key, batch.stored)
    if invoice is BAD:
        return None
    for name, value in (("number", number), ("external_id", key)):
        if value and value in seen[name]:
            errors.add(index, name, "duplicate", f"{value} is also on item {seen[name][value]}.")
            return None
        if value:
            seen[name][value] = index
    new = invoice is None
    customer = customers.named(errors, index, item, required=new)
    status = checks.choice(errors, index, item, "status", STATUSES)
    issue = checks.day(errors, index, item, "issue_date", required=new)
    due = checks.day(errors, index, item, "due_date", required=new)
    currency = checks.currency(errors, index, item)
    po_number = checks.text(errors, index, item, "po_number", 64)
    document_url = _document_url(errors, index, item)
    paid_on = checks.day(errors, index, item, "paid_on")
    # ``is`` for the customer: ``in`` would compare a model instance by its key.
    if customer is BAD or BAD in (status, issue, due, currency, po_number, document_url, paid_on):
        return None
    if new:
        invoice = bulk.Row(
            Invoice,
            tenant_id=customer.tenant_id,
            customer_id=customer.pk,
            created_at=batch.now,
            updated_at=batch.now,
        )
        currency = currency or customer.currency
    before = None if new else {name: getattr(invoice, name) for name in ATTNAMES}
    invoice.number, invoice.external_id = number, key or invoice.external_id
    invoice.currency = currency or invoice.currency
    invoice.issue_date = issue or invoice.issue_date
    invoice.due_date = due or invoice.due_date
    if po_number is not None:
        invoice.po_number = po_number
    if document_url is not None:
        invoice.document_url = document_url
    if not _amounts(errors, index, item, invoice, new):
        return None
    applied = invoice.amount_paid + invoice.amount_credited + invoice.amount_written_off
    if not new:
        _refuse_changes_to_settled(errors, index, invoice, before, customer, applied)
    if customer is not None:
        invoice.customer_id = customer.pk
    if invoice.due_date < invoice.issue_date:
        errors.add(index, "due_date", "invalid_dates", "The due date is before the issue date.")
    _move_status(errors, index, invoice, status, new, applied, batch.today)
    if errors.bad(index):
        return None
    changed = new or {name: getattr(invoice, name) for name in ATTNAMES} != before
    plan = Plan(index, invoice, new, changed=changed, paid_on=paid_on)
    plan.customer_external_id = (
        customer.external_id if customer else customers.external_id(invoice.customer_id)
    )
    _already_paid(errors, index, item, plan, applied)
    return None if errors.bad(index) else plan


def _match(errors, index, number: str, key: str, stored: _Stored):
    by_number = stored.by_number.get(number)
    if key:
        invoice = stored.by_key.get(key)
        if invoice is None and by_number is not None:
            if by_number.external_id:
                errors.add(
                    index,
                    "number",
                    "duplicate",
                    f"Invoice number {number} belongs to the invoice with external id "
                    f"{by_number.external_id}.",
                )
                return BAD
            return by_number  # an invoice made before it had an external id
        if invoice is not None and by_number not in (None, invoice):
            errors.add(index, "number", "duplicate", f"Invoice number {number} is taken.")
            return BAD
        return invoice
    return by_number


def _document_url(errors, index, item):
    value = checks.text(errors, index, item, "document_url", 200)
    if value:
        try:
            _url(value)
        except ValidationError:
            errors.add(index, "document_url", "invalid_url", "Enter an http or https address.")
            return BAD
    return value


def _amounts(errors, index, item, invoice: Invoice, new: bool) -> bool:
    """Set subtotal, tax and total from the item; return False when they are bad."""
    currency = invoice.currency
    tax = checks.amount(errors, index, item, "tax", currency)
    subtotal = checks.amount(errors, index, item, "subtotal", currency)
    total = checks.amount(errors, index, item, "total", currency)
    if BAD in (tax, subtotal, total):
        return False
    tax = invoice.tax if tax is None else tax
    if subtotal is None and total is None:
        if new:
            errors.add(index, "total", "required", "Give the total (or the subtotal and tax).")
            return False
        subtotal = invoice.subtotal
    if subtotal is None:
        subtotal = total - tax
        if subtotal < 0:
            errors.add(index, "tax", "invalid_amount", "The tax is more than the total.")
            return False
    elif total is not None and total != subtotal + tax:
        errors.add(index, "total", "invalid_amount", "The total is not the subtotal plus tax.")
        return False
    invoice.subtotal, invoice.tax, invoice.total = subtotal, tax, subtotal + tax
    if invoice.total == 0 and item.get("status") != InvoiceStatus.VOID:
        errors.add(index, "total", "invalid_amount", "An invoice must be for more than zero.")
        return False
    if invoice.total >= MAX_AMOUNT:
        errors.add(index, "total", "invalid_amount", "The total is too large.")
        return False
    return True


def _refuse_changes_to_settled(errors, index, invoice, before, customer, applied) -> None:
    if not applied:
        return
    if customer is not None and customer.pk != invoice.customer_id:
        errors.add(
            index,
            "customer_external_id",
            "has_allocations",
            f"Invoice {invoice.number} has payments or credits applied; its customer stays.",
        )
    if invoice.currency != before["currency"]:
        errors.add(
            index,
            "currency",
            "has_allocations",
            f"Invoice {invoice.number} has payments or credits applied; its currency stays.",
        )
    if invoice.total != before["total"]:
        if invoice.amount_written_off:
            errors.add(index, "total", "not_open", f"Invoice {invoice.number} is written off.")
        elif invoice.total < invoice.amount_paid + invoice.amount_credited:
            errors.add(
                index,
                "total",
                "over_allocation",
                f"The total {invoice.total:f} is less than the "
                f"{invoice.amount_paid + invoice.amount_credited:f} already paid or credited.",
            )


def _move_status(errors, index, invoice: Invoice, wanted, new: bool, applied, today) -> None:
    if wanted is None:
        return
    stored = invoice.status
    if new:
        invoice.status = wanted
    elif wanted == stored or (wanted == InvoiceStatus.OPEN and stored in _ISSUED):
        return
    elif stored == InvoiceStatus.VOID:
        errors.add(index, "status", "void", f"Invoice {invoice.number} is void; it cannot reopen.")
        return
    elif wanted == InvoiceStatus.DRAFT:
        errors.add(index, "status", "not_draft", f"Invoice {invoice.number} is already issued.")
        return
    elif wanted == InvoiceStatus.VOID and applied:
        errors.add(
            index,
            "status",
            "has_allocations",
            f"Invoice {invoice.number} has payments or credits applied; "
            "issue a credit note instead.",
        )
        return
    invoice.status = wanted
    if wanted == InvoiceStatus.VOID:
        invoice.voided_on = today


_ISSUED = (*OPEN_STATUSES, InvoiceStatus.PAID, InvoiceStatus.WRITTEN_OFF)


def _already_paid(errors, index, item, plan: Plan, applied) -> None:
    """What the source says is paid becomes a payment for the difference (``pay``)."""
    invoice = plan.invoice
    paid = checks.amount(errors, index, item, "amount_paid", invoice.currency)
    if paid is None or paid is BAD:
        return
    if paid > invoice.total:
        errors.add(index, "amount_paid", "over_allocation", "More is paid than the total.")
        return
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        return
    known = invoice.amount_paid + invoice.amount_credited
    if invoice.amount_written_off and paid > known:
        errors.note(index, "amount_paid", "not_open", f"Invoice {invoice.number} is written off.")
    elif paid > known:
        plan.pay = paid - known
    elif paid < known:
        errors.note(
            index,
            "amount_paid",
            "more_recorded",
            f"Kapittx has {known - paid:f} more paid or credited on invoice {invoice.number} "
            "than the source; the recorded payments stay.",
        )


def _create(tenant, plans: list[Plan], batch: _Batch) -> None:
    """Write the new invoices among ``plans`` and what they arrive with already paid, and
    tell the layers above of them."""
    today, now = batch.today, batch.now
    new = [plan for plan in plans if plan.new]
    if not new:
        return
    for plan in new:
        invoice = plan.invoice
        invoice.balance = invoice.total
        invoice.voided_on = today if invoice.status == InvoiceStatus.VOID else None
        # What it arrives with already paid is derived here, by the ledger's rule.
        derive(
            invoice, {"paid": plan.pay, "last_applied": plan.paid_on or today} if plan.pay else {}
        )
    paying = [plan for plan in new if plan.pay]
    payments = _payments_before(tenant, paying, today, now)
    # Every key is taken before the first row is sent (see ``kapittx.write_behind``).
    bulk.give_keys(Payment, payments)
    bulk.create(Invoice, [plan.invoice for plan in new])
    _allocate_before(tenant, paying, payments, now)
    invoices_changed.send(
        sender=Invoice,
        tenant_id=tenant.pk,
        invoice_ids=[p.invoice.pk for p in new if p.invoice.status in OPEN_STATUSES],
        new_ids=[p.invoice.pk for p in new],
    )


def _write(tenant, plans: list[Plan], batch: _Batch, on_progress) -> None:
    """Write the changes to stored invoices (``_create`` wrote the new ones) and announce
    them all."""
    now, today = batch.now, batch.today
    progress.written(on_progress, sum(plan.new for plan in plans), len(plans))
    changed = [plan.invoice for plan in plans if plan.changed and not plan.new]
    bulk.update_values(
        Invoice,
        [*COLUMNS, "updated_at"],
        [(i.pk, *(getattr(i, name) for name in ATTNAMES), now) for i in changed],
    )
    paying = [plan for plan in plans if plan.pay and not plan.new]
    _allocate_before(tenant, paying, _payments_before(tenant, paying, today, now), now)
    rederive = {i.pk: i for i in [*changed, *(p.invoice for p in paying)]}
    try:
        refresh_many(list(rederive.values()))
    except LedgerError as exc:  # the checks above keep this from happening
        index = next(p.index for p in plans if p.invoice.number in exc.message)
        raise Refused([ItemError(index, "", exc.code, exc.message)]) from exc
    progress.written(on_progress, len(plans), len(plans))
    _announce(tenant, plans, changed, rederive)


def _payments_before(tenant, paying: list[Plan], today, now) -> list[bulk.Row]:
    """Return the payments that carry what ``paying`` were paid before they arrived."""
    return [
        bulk.Row(
            Payment,
            tenant_id=tenant.pk,
            customer_id=plan.invoice.customer_id,
            amount=plan.pay,
            currency=plan.invoice.currency,
            received_on=plan.paid_on or today,
            reference=f"Paid before import ({plan.invoice.number})"[:100],
            source=PaymentSource.IMPORTED_BALANCE,
            unallocated=ZERO,
            created_at=now,
            updated_at=now,
        )
        for plan in paying
    ]


def _allocate_before(tenant, paying: list[Plan], payments: list[bulk.Row], now) -> None:
    """Write ``payments`` and allocate each in full to its invoice."""
    bulk.create(Payment, payments)
    bulk.insert(
        Allocation,
        ["tenant", "invoice", "payment", "amount", "applied_on", "created_at"],
        (
            (tenant.pk, plan.invoice.pk, payment.pk, plan.pay, payment.received_on, now)
            for plan, payment in zip(paying, payments, strict=True)
        ),
    )


def _announce(tenant, plans: list[Plan], changed, rederived) -> None:
    moved = {*(i.pk for i in changed), *rederived}
    if moved:  # the new ones were told of as they were written
        invoices_changed.send(
            sender=Invoice,
            tenant_id=tenant.pk,
            invoice_ids=[
                p.invoice.pk
                for p in plans
                if not p.new and p.invoice.pk in moved and p.invoice.status in OPEN_STATUSES
            ],
        )
    events.publish_many(
        tenant.pk,
        (
            (
                "invoice.created" if plan.new else "invoice.updated",
                invoice_data(plan.invoice, plan.customer_external_id),
            )
            for plan in plans
            if plan.new or plan.invoice.pk in moved
        ),
    )
