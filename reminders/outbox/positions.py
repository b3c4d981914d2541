"""Keeping invoices' reminder positions in step with the invoices and customers they follow.

The sweep reads only positions whose moment has come (``ReminderPosition``). Whatever
changes what is due for an invoice — the invoice is created, reopened, paid down or
re-dated, its customer or tenant is edited, a hold on it ends early (a dispute resolved, a
promise to pay cancelled), the tenant's workflows or segments change —
sets the affected positions to ``AT_NEXT_SWEEP``, keeping the last reminder handled, so the
next sweep places them again. Invoices written in bulk without the ORM's signals get their
positions from ``place_missing``, which the hourly maintenance task runs for every tenant.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from kapittx.bulk import insert, upsert
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES, Invoice
from reminders.models import ReminderPosition

AT_NEXT_SWEEP = ReminderPosition.AT_NEXT_SWEEP


def look_again(invoices: Iterable[tuple[int, int]]) -> None:
    """Have the next sweep place these (invoice id, tenant id) again; create missing positions."""
    upsert(
        ReminderPosition,
        ["invoice", "tenant", "next_at"],
        ((pk, tenant_id, AT_NEXT_SWEEP) for pk, tenant_id in invoices),
    )


def place_new(invoices: Iterable[tuple[int, int]]) -> None:
    """Give new invoices (invoice id, tenant id), which have no position yet, one due at the
    next sweep."""
    insert(
        ReminderPosition,
        ["invoice", "tenant", "next_at"],
        ((pk, tenant_id, AT_NEXT_SWEEP) for pk, tenant_id in invoices),
    )


def _open(positions: QuerySet) -> QuerySet:
    return positions.filter(invoice__status__in=OPEN_STATUSES)


def look_again_for_invoices(tenant: Tenant | int, invoice_ids: Iterable[int]) -> int:
    """Have the next sweep place those of these invoices still open again; return how many."""
    return _open(scoped(ReminderPosition, tenant).filter(invoice_id__in=list(invoice_ids))).update(
        next_at=AT_NEXT_SWEEP
    )


def look_again_for_customer(tenant: Tenant | int, customer_id: int) -> int:
    """Have the next sweep place the customer's open invoices again; return how many."""
    return _open(scoped(ReminderPosition, tenant).filter(invoice__customer_id=customer_id)).update(
        next_at=AT_NEXT_SWEEP
    )


def look_again_for_customers(tenant: Tenant | int, customer_ids: list[int]) -> int:
    """Have the next sweep place these customers' open invoices again; return how many."""
    found = 0
    for start in range(0, len(customer_ids), 10000):
        found += _open(
            scoped(ReminderPosition, tenant).filter(
                invoice__customer_id__in=customer_ids[start : start + 10000]
            )
        ).update(next_at=AT_NEXT_SWEEP)
    return found


def look_again_for_tenant(tenant: Tenant | int) -> int:
    """Have the next sweep place every open invoice of ``tenant`` again; return how many."""
    return _open(scoped(ReminderPosition, tenant)).update(next_at=AT_NEXT_SWEEP)


def place_missing(tenant: Tenant | int | None = None, batch: int = 20000) -> int:
    """Give open invoices without a position one, due at the next sweep; return how many."""
    invoices = Invoice.objects.all() if tenant is None else scoped(Invoice, tenant)
    missing = (
        invoices.filter(status__in=OPEN_STATUSES, reminder_position__isnull=True)
        .values_list("pk", "tenant_id")
        .order_by()
    )
    found = 0
    rows: list[tuple[int, int]] = []
    # One pass over the invoices; positions are written a batch at a time.
    for row in missing.iterator(chunk_size=batch):
        rows.append(row)
        if len(rows) == batch:
            look_again(rows)
            found, rows = found + len(rows), []
    look_again(rows)
    return found + len(rows)
