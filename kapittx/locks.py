"""Row locks, taken through these helpers in one order everywhere.

Two transactions that lock the same rows in different orders can each wait for the other
for ever; so every lock in the product is taken here, and a transaction that locks several
kinds of row takes them in ``ORDER``, each kind in id order. A tenant's sweep locks its
tenant row first, so sweeps of one tenant run one at a time.
"""

from django.db.models import QuerySet

from kapittx.models import Tenant

#: The order kinds of rows are locked in, when one transaction locks several.
ORDER = (
    "tenant",
    "payment or credit note",
    "invoice",
    "contact",
    "dispute",
    "dispatch",
)


def lock_tenant(tenant_id: int) -> None:
    """Lock the tenant row: one sweep per tenant at a time."""
    list(Tenant.objects.select_for_update().filter(pk=tenant_id).order_by().values_list("pk"))


def locked(rows: QuerySet, *, skip_locked: bool = False, of: tuple[str, ...] = ()) -> QuerySet:
    """Return ``rows`` locked for this transaction, in id order.

    ``skip_locked`` leaves out rows another transaction holds instead of waiting for them;
    ``of`` limits the lock to the named tables of a query that joins others.
    """
    return rows.select_for_update(skip_locked=skip_locked, of=of).order_by("pk")
