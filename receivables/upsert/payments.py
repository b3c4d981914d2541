"""Record payments (or update their reference) by external id, many at a time, applying each
to the invoices it names or to its customer's oldest open invoices, by the ledger's rules."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kapittx import bulk, cycle_collector, events
from kapittx.bulk import update_values
from kapittx.locks import locked
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.balances import refresh_many
from receivables.event_data import payment_data
from receivables.models import (
    OPEN_STATUSES,
    ZERO,
    Allocation,
    Customer,
    Invoice,
    Payment,
    PaymentSource,
)
from receivables.signals import invoices_changed
from receivables.upsert import checks, progress
from receivables.upsert.checks import BAD
from receivables.upsert.references import Customers, locked_invoices
from receivables.upsert.results import Errors, Written

SOURCES = (PaymentSource.API, PaymentSource.IMPORT, PaymentSource.MANUAL)


@dataclass
class Plan:
    index: int
    payment: Payment
    new: bool
    changed: bool = False
    parts: list[tuple[Invoice, Decimal]] = field(default_factory=list)
    customer: Customer | None = None


@cycle_collector.paused()
def upsert_payments(
    tenant: Tenant,
    items: Sequence[dict],
    *,
    dry_run: bool = False,
    on_progress: progress.Progress | None = None,
) -> Written:
    """Record a payment per item, or update the one with its external id; all or nothing."""
    errors = Errors()
    with transaction.atomic():
        customers = Customers(tenant, items)
        stored = _stored(tenant, items)
        invoices = _Invoices(tenant, items, customers)
        seen: dict[str, int] = {}
        plans = [
            _plan(errors, index, item, customers, stored, invoices, seen)
            for index, item in progress.checked(items, on_progress)
        ]
        errors.raise_if_any()
        written = Written(notes=errors.notes)
        for plan in plans:
            written.ids.append(None if plan.new else plan.payment.pk)
            written.created += plan.new
            written.updated += plan.changed
            written.unchanged += not (plan.new or plan.changed)
        if not dry_run:
            _write(tenant, plans, on_progress)
            written.ids = [plan.payment.pk for plan in plans]
    return written


def _stored(tenant: Tenant, items: Sequence[dict]) -> dict[str, Payment]:
    keys = sorted(
        {checks.lookup_key(i.get("external_id")) for i in items if isinstance(i, dict)} - {None}
    )
    found = {}
    for chunk in checks.chunks(keys):
        rows = locked(scoped(Payment, tenant).filter(external_id__in=chunk))
        found.update(
            (payment.external_id, payment) for payment in rows.prefetch_related("allocations")
        )
    return found


class _Invoices:
    """The invoices a batch may pay, locked, with balances kept as the batch applies money."""

    def __init__(self, tenant: Tenant, items: Sequence[dict], customers: Customers) -> None:
        named = [a for i in items if isinstance(i, dict) for a in _list(i.get("allocations"))]
        owners = [c.pk for c in customers.by_id.values()]
        open_ids = []
        for chunk in checks.chunks(owners):
            open_ids += (
                scoped(Invoice, tenant)
                .filter(customer_id__in=chunk, status__in=OPEN_STATUSES)
                .values_list("pk", flat=True)
            )
        rows = locked_invoices(
            tenant,
            numbers=[
                a["invoice_number"] for a in named if isinstance(a.get("invoice_number"), str)
            ],
            external_ids=[
                a["invoice_external_id"]
                for a in named
                if isinstance(a.get("invoice_external_id"), str)
            ],
            ids=[a["invoice"] for a in named if isinstance(a.get("invoice"), int)] + open_ids,
        )
        self.by_id = {invoice.pk: invoice for invoice in rows}
        self.by_number = {invoice.number: invoice for invoice in rows}
        self.by_key = {invoice.external_id: invoice for invoice in rows if invoice.external_id}
        self.left = {invoice.pk: invoice.balance for invoice in rows}
        self.oldest_first: dict[tuple[int, str], list[Invoice]] = {}
        for invoice in sorted(rows, key=lambda i: (i.due_date, i.issue_date, i.pk)):
            if invoice.status in OPEN_STATUSES:
                key = (invoice.customer_id, invoice.currency)
                self.oldest_first.setdefault(key, []).append(invoice)

    def named(self, allocation: dict) -> Invoice | None:
        if isinstance(allocation.get("invoice_external_id"), str):
            return self.by_key.get(allocation["invoice_external_id"].strip())
        if isinstance(allocation.get("invoice_number"), str):
            return self.by_number.get(allocation["invoice_number"].strip())
        return self.by_id.get(allocation.get("invoice"))


def _list(value) -> list[dict]:
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _plan(errors, index, item, customers, stored, invoices: _Invoices, seen) -> Plan | None:
    if not isinstance(item, dict):
        errors.add(index, "", "invalid", "Each item must be an object.")
        return None
    key = checks.text(errors, index, item, "external_id", 100) or ""
    if key and key in seen:
        errors.add(index, "external_id", "duplicate", f"{key} is also on item {seen[key]}.")
        return None
    seen[key] = index
    customer = customers.named(errors, index, item, required=True)
    received_on = checks.day(errors, index, item, "received_on", required=True)
    currency = checks.currency(errors, index, item)
    reference = checks.text(errors, index, item, "reference", 100)
    method = checks.text(errors, index, item, "method", 40)
    source = checks.choice(errors, index, item, "source", SOURCES)
    if customer is BAD or BAD in (received_on, currency, reference, method, source, key):
        return None
    currency = currency or customer.currency
    amount = checks.amount(errors, index, item, "amount", currency, required=True)
    if amount is BAD:
        return None
    if amount == 0:
        errors.add(index, "amount", "invalid_amount", "A payment must be more than zero.")
        return None
    payment = Payment(
        tenant_id=customer.tenant_id,
        customer=customer,
        amount=amount,
        currency=currency,
        received_on=received_on,
        reference=reference or "",
        method=method or "",
        external_id=key,
        source=source or PaymentSource.API,
    )
    if key in stored:
        return _compare(errors, index, item, stored[key], payment, invoices)
    plan = Plan(index, payment, new=True, customer=customer)
    if "allocations" in item and item["allocations"] is not None:
        _split(errors, index, item["allocations"], plan, invoices)
    else:
        _oldest_first(plan, invoices)
    return None if errors.bad(index) else plan


def _split(errors, index, allocations, plan: Plan, invoices: _Invoices) -> None:
    if not isinstance(allocations, list) or len(allocations) > 1000:
        errors.add(index, "allocations", "invalid", "allocations must be a list of at most 1000.")
        return
    payment, wanted = plan.payment, ZERO
    for number, allocation in enumerate(allocations):
        where = f"allocations.{number}"
        if not isinstance(allocation, dict):
            errors.add(index, where, "invalid", "Each allocation must be an object.")
            continue
        invoice = invoices.named(allocation)
        if invoice is None or invoice.customer_id != payment.customer_id:
            errors.add(
                index, f"{where}.invoice", "unknown_invoice", "No such invoice of this customer."
            )
            continue
        part = checks.amount(
            errors,
            index,
            allocation,
            "amount",
            invoice.currency,
            required=True,
            where=f"{where}.amount",
        )
        if part is BAD:
            continue
        if invoice.currency != payment.currency:
            errors.add(
                index,
                f"{where}.invoice",
                "currency_mismatch",
                f"Invoice {invoice.number} is in {invoice.currency}, "
                f"the payment in {payment.currency}.",
            )
        elif invoice.status not in OPEN_STATUSES:
            errors.add(
                index, f"{where}.invoice", "not_open", f"Invoice {invoice.number} is not open."
            )
        elif part == 0:
            errors.add(index, f"{where}.amount", "invalid_amount", "The amount is zero.")
        elif part > invoices.left[invoice.pk]:
            errors.add(
                index,
                f"{where}.amount",
                "over_allocation",
                f"{part:f} is more than the {invoices.left[invoice.pk]:f} left on invoice "
                f"{invoice.number}.",
            )
        else:
            invoices.left[invoice.pk] -= part
            wanted += part
            plan.parts.append((invoice, part))
    if wanted > payment.amount:
        errors.add(
            index,
            "allocations",
            "over_allocation",
            f"{wanted:f} is more than the payment's {payment.amount:f}.",
        )


def _oldest_first(plan: Plan, invoices: _Invoices) -> None:
    left = plan.payment.amount
    for invoice in invoices.oldest_first.get((plan.payment.customer_id, plan.payment.currency), []):
        if left == 0:
            break
        part = min(left, invoices.left[invoice.pk])
        if part > 0:
            plan.parts.append((invoice, part))
            invoices.left[invoice.pk] -= part
            left -= part


def _compare(errors, index, item, stored: Payment, wanted: Payment, invoices) -> Plan | None:
    """A payment already recorded may change its reference and method only."""
    for name in ("customer_id", "amount", "currency", "received_on"):
        if getattr(stored, name) != getattr(wanted, name):
            errors.add(
                index,
                name.removesuffix("_id"),
                "payment_changed",
                f"Payment {stored.external_id} was recorded with another "
                f"{name.removesuffix('_id').replace('_', ' ')}; record a new payment instead.",
            )
            return None
    if item.get("allocations") is not None:
        have = sorted((a.invoice_id, _exact(a.amount)) for a in stored.allocations.all())
        given = []
        for allocation in _list(item["allocations"]):
            invoice = invoices.named(allocation)
            given.append((invoice.pk if invoice else 0, _exact(allocation.get("amount"))))
        if sorted(given) != have:
            errors.add(
                index,
                "allocations",
                "payment_changed",
                f"Payment {stored.external_id} was applied otherwise; record a new payment "
                "or a credit note instead.",
            )
            return None
    changed = False
    for name in ("reference", "method"):
        if name in item and getattr(stored, name) != getattr(wanted, name):
            setattr(stored, name, getattr(wanted, name))
            changed = True
    return Plan(index, stored, new=False, changed=changed)


def _exact(amount) -> Decimal:
    try:
        return Decimal(amount).quantize(Decimal("0.001"))
    except (TypeError, ArithmeticError):
        return Decimal(-1)


def _write(tenant: Tenant, plans: list[Plan], on_progress) -> None:
    now = timezone.now()
    new = [plan for plan in plans if plan.new]
    for plan in new:
        plan.payment.unallocated = plan.payment.amount - sum((p for _, p in plan.parts), ZERO)
        plan.payment.created_at = plan.payment.updated_at = now
    bulk.create(Payment, [plan.payment for plan in new])
    allocations = {
        plan.index: [
            Allocation(
                tenant=tenant,
                invoice_id=invoice.pk,
                payment=plan.payment,
                amount=part,
                applied_on=plan.payment.received_on,
                created_at=now,
            )
            for invoice, part in plan.parts
        ]
        for plan in new
    }
    bulk.create(Allocation, [a for rows in allocations.values() for a in rows])
    changed = [plan.payment for plan in plans if plan.changed]
    update_values(
        Payment,
        ["reference", "method", "updated_at"],
        [(p.pk, p.reference, p.method, now) for p in changed],
    )
    paid = {invoice.pk: invoice for plan in new for invoice, _ in plan.parts}
    refresh_many(list(paid.values()))
    progress.written(on_progress, len(plans), len(plans))
    invoices_changed.send(
        sender=Invoice,
        tenant_id=tenant.pk,
        invoice_ids=[pk for pk, invoice in paid.items() if invoice.status in OPEN_STATUSES],
    )
    events.publish_many(
        tenant.pk,
        (
            (
                "payment.recorded",
                payment_data(plan.payment, plan.customer.external_id, allocations[plan.index]),
            )
            for plan in new
        ),
    )
