"""What holds chasing: a hold after a reply, a pause, a promise in force, an open dispute.

One definition, used by the sweep (which plans nothing held), the gate (which defers a
planned reminder that became held) and the preview. Days are the customer's local days.
"""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from collections_app.models import Dispute, PromiseToPay
from kapittx.tenancy import scoped

#: A promise holds reminders on its date and for this many days after, so a payment made
#: on the promised day has time to arrive.
PROMISE_GRACE_DAYS = 1
#: Local dates on earth are at most this many days behind the UTC date.
ZONE_SPREAD_DAYS = 1


@dataclass(frozen=True)
class Hold:
    """Why a customer is not chased now, and the local day it may start again (None: not by
    itself — a member lifts it)."""

    reason: str
    until: date | None


def promise_in_force(promised_on: date, today: date) -> bool:
    """Return whether a promise to pay by ``promised_on`` still holds on ``today``."""
    return today <= promised_on + timedelta(days=PROMISE_GRACE_DAYS)


def customer_hold(
    *,
    on_hold: bool,
    hold_reason: str,
    paused_until: date | None,
    promised_on: date | None,
    today: date,
) -> Hold | None:
    """Return what holds chasing a customer on ``today`` (their local date), or None.

    ``promised_on`` is the date of the customer's latest open promise, if any.
    """
    if on_hold:
        return Hold(hold_reason or "on hold", None)
    if paused_until is not None and paused_until >= today:
        return Hold("paused", paused_until + timedelta(days=1))
    if promised_on is not None and promise_in_force(promised_on, today):
        return Hold("promise to pay in force", promised_on + timedelta(days=PROMISE_GRACE_DAYS + 1))
    return None


def promised_dates(
    tenant_id: int, now: datetime, customer_ids: Collection[int] | None = None
) -> dict[int, date]:
    """Return ``{customer id: date}`` of the latest open promise of each customer that may be
    in force somewhere on earth at ``now`` (check it with ``customer_hold``); every customer
    of the tenant when ``customer_ids`` is None."""
    earliest = now.date() - timedelta(days=PROMISE_GRACE_DAYS + ZONE_SPREAD_DAYS)
    promises = scoped(PromiseToPay, tenant_id).filter(
        status=PromiseToPay.Status.OPEN, promised_on__gte=earliest
    )
    if customer_ids is not None:
        promises = promises.filter(customer_id__in=list(customer_ids))
    latest: dict[int, date] = {}
    for customer_id, promised_on in promises.order_by().values_list("customer_id", "promised_on"):
        if promised_on > latest.get(customer_id, date.min):
            latest[customer_id] = promised_on
    return latest


def disputed_invoices(tenant_id: int, invoice_ids: Collection[int] | None = None) -> set[int]:
    """Return the invoices (of ``invoice_ids``, else of the tenant) with an open dispute."""
    disputes = scoped(Dispute, tenant_id).filter(status=Dispute.Status.OPEN)
    if invoice_ids is not None:
        disputes = disputes.filter(invoice_id__in=list(invoice_ids))
    return set(disputes.order_by().values_list("invoice_id", flat=True))
