"""Every change to invoice balances goes through here, one operation at a time, or through
the batch upserts of ``receivables.upsert``; so balances and statuses never drift.

Both re-derive an invoice's figures from its allocation rows with ``receivables.balances``,
never incrementing them: ``balance = total - paid - credited - written off`` and the status
follows the balance.
Invoices are locked in id order (one order everywhere) before they are changed.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from kapittx import events, money
from kapittx.locks import locked
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.balances import DERIVED_FIELDS, LedgerError, applied_sums, derive
from receivables.event_data import invoice_data, payment_data
from receivables.models import (
    OPEN_STATUSES,
    ZERO,
    Allocation,
    CreditNote,
    Customer,
    Invoice,
    InvoiceStatus,
    Payment,
)

#: Amounts are stored with 12 digits before the decimal point.
MAX_AMOUNT = Decimal(10) ** 12


@dataclass(frozen=True)
class Split:
    """Part of a payment or credit note to apply to one invoice."""

    invoice: Invoice
    amount: Decimal


def checked_amount(value, what: str, currency: str) -> Decimal:
    """Return ``value`` as an amount of ``currency``, exact to its minor units, or refuse it
    (``LedgerError``)."""
    try:
        amount = value if type(value) is Decimal else Decimal(str(value))
    except ArithmeticError:
        raise LedgerError("invalid_amount", f"{what} is not a number: {value!r}.") from None
    if not amount.is_finite():
        raise LedgerError("invalid_amount", f"{what} is not a number: {value!r}.")
    if abs(amount) >= MAX_AMOUNT:  # before quantizing, which a huge amount would overflow
        raise LedgerError("invalid_amount", f"{what} is too large: {amount}.")
    exact = amount.quantize(money.quantum(currency))
    if amount != exact:
        places = money.decimals(currency)
        units = f"{places} decimal{'s' if places != 1 else ''}" if places else "no decimals"
        raise LedgerError(
            "invalid_amount", f"{what} has more decimals than {currency} has ({units}): {amount}."
        )
    if amount < 0:
        raise LedgerError("negative_amount", f"{what} cannot be negative: {amount}.")
    return exact


def _lock_invoices(tenant_id: int, ids: Iterable[int]) -> dict[int, Invoice]:
    rows = locked(scoped(Invoice, tenant_id).filter(pk__in=set(ids)))
    return {invoice.pk: invoice for invoice in rows}


def _refresh(invoices: Iterable[Invoice]) -> None:
    """Re-derive paid, credited, balance, status and paid date from the allocation rows."""
    invoices = list(invoices)
    if not invoices:
        return
    sums = applied_sums([invoice.pk for invoice in invoices])
    for invoice in invoices:
        derive(invoice, sums.get(invoice.pk, {}))
        invoice.save(update_fields=DERIVED_FIELDS)


def create_invoice(
    tenant: Tenant,
    customer: Customer,
    *,
    number: str,
    issue_date: date,
    due_date: date,
    subtotal,
    tax=ZERO,
    currency: str | None = None,
    external_id: str = "",
    po_number: str = "",
    document_url: str = "",
    draft: bool = False,
) -> Invoice:
    """Create an invoice for ``customer``; open unless ``draft``."""
    with transaction.atomic():
        if customer.tenant_id != tenant.pk:
            raise LedgerError("wrong_tenant", "The customer belongs to another tenant.")
        currency = (currency or customer.currency).upper()
        subtotal = checked_amount(subtotal, "Subtotal", currency)
        tax = checked_amount(tax, "Tax", currency)
        if due_date < issue_date:
            raise LedgerError("invalid_dates", "The due date cannot be before the issue date.")
        if scoped(Invoice, tenant).filter(number=number).exists():
            raise LedgerError("duplicate_number", f"Invoice number {number} already exists.")
        total = subtotal + tax
        if total == 0:
            raise LedgerError("invalid_amount", "An invoice must be for more than zero.")
        invoice = Invoice.objects.create(
            tenant=tenant,
            customer=customer,
            number=number,
            external_id=external_id,
            issue_date=issue_date,
            due_date=due_date,
            currency=currency,
            subtotal=subtotal,
            tax=tax,
            total=total,
            balance=total,
            status=InvoiceStatus.DRAFT if draft else InvoiceStatus.OPEN,
            po_number=po_number,
            document_url=document_url,
        )
        _announce(invoice, "invoice.created")
        return invoice


def issue_invoice(invoice: Invoice) -> Invoice:
    """Turn a draft into an open receivable."""
    with transaction.atomic():
        invoice = _lock_invoices(invoice.tenant_id, [invoice.pk])[invoice.pk]
        if invoice.status != InvoiceStatus.DRAFT:
            raise LedgerError("not_draft", f"Invoice {invoice.number} is already issued.")
        invoice.status = InvoiceStatus.OPEN
        invoice.save(update_fields=["status"])
        _refresh([invoice])
        _announce(invoice, "invoice.updated")
        return invoice


def record_payment(
    tenant: Tenant,
    customer: Customer,
    *,
    amount,
    received_on: date,
    currency: str | None = None,
    reference: str = "",
    method: str = "",
    splits: Sequence[Split] | None = None,
) -> Payment:
    """Record a payment and apply it: to ``splits`` if given, else oldest invoice first.

    Whatever is not applied stays on the payment as unallocated credit.
    """
    with transaction.atomic():
        if customer.tenant_id != tenant.pk:
            raise LedgerError("wrong_tenant", "The customer belongs to another tenant.")
        currency = (currency or customer.currency).upper()
        amount = checked_amount(amount, "Payment amount", currency)
        if amount == 0:
            raise LedgerError("invalid_amount", "A payment must be more than zero.")
        payment = Payment.objects.create(
            tenant=tenant,
            customer=customer,
            amount=amount,
            currency=currency,
            received_on=received_on,
            reference=reference,
            method=method,
            unallocated=amount,
        )
        allocations = apply(payment, splits)
        events.publish(
            tenant.pk, "payment.recorded", payment_data(payment, customer.external_id, allocations)
        )
        return payment


def record_credit_note(
    tenant: Tenant,
    customer: Customer,
    *,
    number: str,
    amount,
    issued_on: date,
    currency: str | None = None,
    reason: str = "",
    splits: Sequence[Split] | None = None,
) -> CreditNote:
    """Record a credit note and apply it like a payment."""
    with transaction.atomic():
        if customer.tenant_id != tenant.pk:
            raise LedgerError("wrong_tenant", "The customer belongs to another tenant.")
        currency = (currency or customer.currency).upper()
        amount = checked_amount(amount, "Credit note amount", currency)
        if amount == 0:
            raise LedgerError("invalid_amount", "A credit note must be more than zero.")
        if scoped(CreditNote, tenant).filter(number=number).exists():
            raise LedgerError("duplicate_number", f"Credit note {number} already exists.")
        note = CreditNote.objects.create(
            tenant=tenant,
            customer=customer,
            number=number,
            amount=amount,
            currency=currency,
            issued_on=issued_on,
            reason=reason,
            unallocated=amount,
        )
        apply(note, splits)
        return note


def apply(source: Payment | CreditNote, splits: Sequence[Split] | None = None) -> list[Allocation]:
    """Apply the unallocated part of a payment or credit note to invoices of its customer.

    With ``splits`` each named invoice gets exactly the amount given; without, open invoices
    in the source's currency are settled oldest due date first until the money runs out.
    The caller's ``source`` object is updated to the new unallocated remainder.
    """
    with transaction.atomic():
        given, source = source, locked(type(source).objects.filter(pk=source.pk)).get()
        tenant_id = source.tenant_id
        if splits is None:
            candidates = (
                scoped(Invoice, tenant_id)
                .filter(customer_id=source.customer_id, currency=source.currency)
                .filter(status__in=OPEN_STATUSES)
                .order_by("due_date", "issue_date", "pk")
                .values_list("pk", flat=True)
            )
            held = _lock_invoices(tenant_id, candidates)
            ordered = sorted(held.values(), key=lambda i: (i.due_date, i.issue_date, i.pk))
            plan, left = [], source.unallocated
            for invoice in ordered:
                if left == 0:
                    break
                part = min(left, invoice.balance)
                plan.append((invoice, part))
                left -= part
        else:
            held = _lock_invoices(tenant_id, [split.invoice.pk for split in splits])
            plan = []
            for split in splits:
                invoice = held.get(split.invoice.pk)
                if invoice is None:
                    raise LedgerError("wrong_tenant", "An invoice belongs to another tenant.")
                plan.append(
                    (
                        invoice,
                        checked_amount(
                            split.amount, f"Amount for {invoice.number}", invoice.currency
                        ),
                    )
                )
            _check_plan(source, plan)

        allocations = [
            Allocation(
                tenant_id=tenant_id,
                invoice=invoice,
                amount=part,
                applied_on=source.received_on if isinstance(source, Payment) else source.issued_on,
                **({"payment": source} if isinstance(source, Payment) else {"credit_note": source}),
            )
            for invoice, part in plan
            if part > 0
        ]
        Allocation.objects.bulk_create(allocations)
        source.unallocated -= sum((a.amount for a in allocations), ZERO)
        source.save(update_fields=["unallocated"])
        _refresh({invoice.pk: invoice for invoice, _ in plan}.values())
        given.unallocated = source.unallocated
        return allocations


def _check_plan(source: Payment | CreditNote, plan: list[tuple[Invoice, Decimal]]) -> None:
    per_invoice: dict[int, Decimal] = {}
    for invoice, part in plan:
        if part == 0:
            raise LedgerError("invalid_amount", f"The amount for {invoice.number} is zero.")
        if invoice.customer_id != source.customer_id:
            raise LedgerError(
                "wrong_customer", f"Invoice {invoice.number} belongs to another customer."
            )
        if invoice.currency != source.currency:
            raise LedgerError(
                "currency_mismatch",
                f"Invoice {invoice.number} is in {invoice.currency}, "
                f"the {_label(source)} in {source.currency}.",
            )
        if invoice.status not in OPEN_STATUSES:
            raise LedgerError(
                "not_open", f"Invoice {invoice.number} is {invoice.get_status_display().lower()}."
            )
        per_invoice[invoice.pk] = per_invoice.get(invoice.pk, ZERO) + part
        if per_invoice[invoice.pk] > invoice.balance:
            raise LedgerError(
                "over_allocation",
                f"{money.rounded(per_invoice[invoice.pk], invoice.currency)} is more than the "
                f"{money.rounded(invoice.balance, invoice.currency)} left on invoice "
                f"{invoice.number}.",
            )
    wanted = sum(per_invoice.values(), ZERO)
    if wanted > source.unallocated:
        raise LedgerError(
            "over_allocation",
            f"{money.rounded(wanted, source.currency)} is more than the "
            f"{money.rounded(source.unallocated, source.currency)} left on the {_label(source)}.",
        )


def _label(source: Payment | CreditNote) -> str:
    return "payment" if isinstance(source, Payment) else "credit note"


def void_invoice(invoice: Invoice, on: date) -> Invoice:
    """Cancel an invoice that nothing has been applied to."""
    with transaction.atomic():
        invoice = _lock_invoices(invoice.tenant_id, [invoice.pk])[invoice.pk]
        if invoice.status == InvoiceStatus.VOID:
            raise LedgerError("not_open", f"Invoice {invoice.number} is already void.")
        if invoice.allocations.exists() or invoice.amount_written_off:
            raise LedgerError(
                "has_allocations",
                f"Invoice {invoice.number} has payments or credits applied; "
                "issue a credit note instead.",
            )
        invoice.status = InvoiceStatus.VOID
        invoice.voided_on = on
        invoice.save(update_fields=["status", "voided_on"])
        _refresh([invoice])
        _announce(invoice, "invoice.updated")
        return invoice


def write_off(invoice: Invoice, on: date) -> Invoice:
    """Write off whatever is still owed on an open invoice."""
    with transaction.atomic():
        invoice = _lock_invoices(invoice.tenant_id, [invoice.pk])[invoice.pk]
        if invoice.status not in OPEN_STATUSES:
            raise LedgerError(
                "not_open", f"Invoice {invoice.number} is {invoice.get_status_display().lower()}."
            )
        invoice.amount_written_off = invoice.balance
        invoice.written_off_on = on
        invoice.save(update_fields=["amount_written_off", "written_off_on"])
        _refresh([invoice])
        _announce(invoice, "invoice.updated")
        return invoice


def _announce(invoice: Invoice, event_type: str) -> None:
    events.publish(
        invoice.tenant_id, event_type, invoice_data(invoice, invoice.customer.external_id)
    )
