"""An invoice's figures, derived from its allocation rows — never incremented.

``balance = total − paid − credited − written off``; the status follows the balance. The
ledger derives one invoice at a time after an operation; ``refresh_many`` derives thousands at
once for bulk writes (an import, an API batch), with one query to add up and one to write.
"""

from collections.abc import Sequence

from django.db.models import Max, Q, Sum
from django.utils import timezone

from kapittx.bulk import update_values
from receivables.models import ZERO, Allocation, Invoice, InvoiceStatus

#: The invoice columns ``derive`` writes.
DERIVED_FIELDS = ["amount_paid", "amount_credited", "balance", "status", "paid_on"]

#: Invoices per query when adding up allocations.
_CHUNK = 10000


class LedgerError(ValueError):
    """A ledger operation was refused; ``code`` says why, the message says it for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def applied_sums(invoice_ids: Sequence[int]) -> dict[int, dict]:
    """Return, per invoice id, what its allocation rows add up to: ``paid``, ``credited`` and
    ``last_applied`` (the latest date something was applied)."""
    invoice_ids = list(invoice_ids)
    sums = {}
    for start in range(0, len(invoice_ids), _CHUNK):
        rows = (
            Allocation.objects.filter(invoice_id__in=invoice_ids[start : start + _CHUNK])
            .values("invoice_id")
            .annotate(
                paid=Sum("amount", filter=Q(payment__isnull=False)),
                credited=Sum("amount", filter=Q(credit_note__isnull=False)),
                last_applied=Max("applied_on"),
            )
            .order_by()
        )
        sums.update((row["invoice_id"], row) for row in rows)
    return sums


def derive(invoice: Invoice, sums: dict) -> None:
    """Set ``invoice``'s paid, credited, balance, status and paid date from ``sums`` (one
    entry of ``applied_sums``), or refuse an invoice paid more than its total."""
    invoice.amount_paid = sums.get("paid") or ZERO
    invoice.amount_credited = sums.get("credited") or ZERO
    if invoice.status == InvoiceStatus.VOID:
        invoice.balance = ZERO
    else:
        invoice.balance = (
            invoice.total
            - invoice.amount_paid
            - invoice.amount_credited
            - invoice.amount_written_off
        )
    if invoice.balance < 0:
        raise LedgerError(
            "over_allocation", f"Invoice {invoice.number} would be paid more than its total."
        )
    invoice.status = status_for(invoice)
    invoice.paid_on = sums.get("last_applied") if invoice.status == InvoiceStatus.PAID else None


def status_for(invoice: Invoice) -> str:
    """Return the status ``invoice``'s figures call for (drafts and void invoices stay)."""
    if invoice.status in (InvoiceStatus.DRAFT, InvoiceStatus.VOID):
        return invoice.status
    if invoice.amount_written_off > 0:
        return InvoiceStatus.WRITTEN_OFF
    if invoice.balance == 0:
        return InvoiceStatus.PAID
    if invoice.balance < invoice.total:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.OPEN


def refresh_many(invoices: Sequence[Invoice]) -> None:
    """Derive and store the figures of many invoices at once (each must be locked or new)."""
    sums = applied_sums([invoice.pk for invoice in invoices])
    now = timezone.now()
    for invoice in invoices:
        derive(invoice, sums.get(invoice.pk, {}))
        invoice.updated_at = now
    update_values(
        Invoice,
        [*DERIVED_FIELDS, "updated_at"],
        (
            (invoice.pk, *(getattr(invoice, name) for name in DERIVED_FIELDS), now)
            for invoice in invoices
        ),
    )
