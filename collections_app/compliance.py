"""The compliance gate: nothing is sent unless it allows it; deferred is never dropped."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from collections_app.models import Dispute, PromiseToPay
from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES, Invoice
from reminders import windows
from reminders.contacts import pick_contact
from reminders.models import Dispatch, ReminderSettings


class Action:
    ALLOW = "allow"  # send now
    DEFER = "defer"  # not now; try again at ``until``
    BLOCK = "block"  # a contact rule forbids it; the reason is recorded
    CANCEL = "cancel"  # nothing is left to chase


@dataclass(frozen=True)
class Decision:
    action: str
    reason: str = ""
    until: datetime | None = None


def gate(dispatch: Dispatch, now: datetime, settings_row: ReminderSettings | None) -> Decision:
    """Decide whether ``dispatch`` may go at ``now``."""
    customer = dispatch.customer
    tenant = customer.tenant
    zone = customer.effective_time_zone()
    country = customer.country or tenant.country
    window = windows.SendWindow.for_settings(settings_row)
    today = windows.local_today(now, zone)

    def later(moment: datetime, reason: str) -> Decision:
        at = windows.next_allowed(moment, zone=zone, country=country, window=window)
        return Decision(Action.DEFER, reason, at)

    open_ids = set(
        scoped(Invoice, tenant)
        .filter(pk__in=dispatch.lines.values("invoice_id"), status__in=OPEN_STATUSES, balance__gt=0)
        .values_list("pk", flat=True)
    )
    if not open_ids:
        return Decision(Action.CANCEL, "nothing left to pay")
    if customer.do_not_contact:
        return Decision(Action.BLOCK, "customer is marked do-not-contact")
    if dispatch.channel in customer.opted_out_channels:
        return Decision(Action.BLOCK, f"customer opted out of {dispatch.get_channel_display()}")
    if dispatch.channel != "task" and pick_contact(customer, dispatch.channel) is None:
        return Decision(Action.BLOCK, f"no usable {dispatch.get_channel_display()} contact")
    if customer.reminders_on_hold:
        return later(now + timedelta(days=1), customer.reminders_hold_reason or "on hold")
    if customer.reminders_paused_until and customer.reminders_paused_until >= today:
        resume = windows.start_of_day(customer.reminders_paused_until + timedelta(days=1), zone)
        return later(resume, "paused")
    promise = (
        scoped(PromiseToPay, tenant)
        .filter(customer=customer, status=PromiseToPay.Status.OPEN,
                promised_on__gte=today - timedelta(days=1))
        .order_by("-promised_on")
        .first()
    )
    if promise is not None:
        resume = windows.start_of_day(promise.promised_on + timedelta(days=2), zone)
        return later(resume, "promise to pay in force")
    disputed = set(
        scoped(Dispute, tenant)
        .filter(invoice_id__in=open_ids, status=Dispute.Status.OPEN)
        .values_list("invoice_id", flat=True)
    )
    if open_ids <= disputed:
        return later(now + timedelta(days=1), "every invoice is disputed")
    if settings_row is not None and not settings_row.sending_enabled:
        return later(now + timedelta(days=1), "sending is switched off")
    allowed = windows.next_allowed(now, zone=zone, country=country, window=window)
    if allowed > now:
        return Decision(Action.DEFER, "outside the send window", allowed)
    return Decision(Action.ALLOW)
