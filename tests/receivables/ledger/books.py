"""What the ledger tests share: billing, reading an invoice's figures, checking a refusal."""

from datetime import date
from decimal import Decimal

import pytest

from receivables.ledger import LedgerError, create_invoice
from receivables.models import Allocation, CreditNote, Invoice, Payment

D = Decimal
JAN_1 = date(2024, 1, 1)


def bill(tenant, customer, number: str, total, *, issued=JAN_1, due=date(2024, 1, 31), **kw):
    return create_invoice(
        tenant, customer, number=number, issue_date=issued, due_date=due, subtotal=total, **kw
    )


def figures(invoice: Invoice) -> tuple:
    invoice.refresh_from_db()
    return (
        invoice.balance,
        invoice.amount_paid,
        invoice.amount_credited,
        invoice.amount_written_off,
        invoice.status,
        invoice.paid_on,
    )


def row_counts() -> tuple[int, int, int]:
    return Payment.objects.count(), CreditNote.objects.count(), Allocation.objects.count()


def refused(code: str, call, *args, **kwargs) -> LedgerError:
    with pytest.raises(LedgerError) as info:
        call(*args, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value
