"""The compliance gate: nothing is sent unless it allows it; deferred is never dropped."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Max

from collections_app.models import Dispute, PromiseToPay
from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES
from reminders import windows
from reminders.contacts import pick_contact
from reminders.models import Dispatch, DispatchInvoice, ReminderSettings


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


@dataclass
class Facts:
    """What the gate needs to know about a batch of dispatches, read in one query each."""

    open_invoices: dict[int, set[int]]  # dispatch → its invoices still open
    promised_on: dict[int, date]  # customer → the latest day of a promise in force
    disputed: set[int]  # invoices with an open dispute
    last_sent: dict[int, datetime]  # customer → when the latest reminder to them left

    @classmethod
    def read(cls, dispatches: list[Dispatch], now: datetime, gap_days: int = 0) -> "Facts":
        """Read the facts; the last reminders sent only when a gap between them is asked."""
        if not dispatches:
            return cls({}, {}, set(), {})
        tenant_id = dispatches[0].tenant_id
        open_invoices: dict[int, set[int]] = defaultdict(set)
        for dispatch_id, invoice_id in (
            scoped(DispatchInvoice, tenant_id)
            .filter(
                dispatch_id__in=[d.pk for d in dispatches],
                invoice__status__in=OPEN_STATUSES,
                invoice__balance__gt=0,
            )
            .values_list("dispatch_id", "invoice_id")
        ):
            open_invoices[dispatch_id].add(invoice_id)
        # A promise is in force until the day after its date, in any customer's time zone.
        promised_on = dict(
            scoped(PromiseToPay, tenant_id)
            .filter(
                customer_id__in={d.customer_id for d in dispatches},
                status=PromiseToPay.Status.OPEN,
                promised_on__gte=now.date() - timedelta(days=2),
            )
            .values("customer_id")
            .annotate(latest=Max("promised_on"))
            .values_list("customer_id", "latest")
        )
        disputed = set(
            scoped(Dispute, tenant_id)
            .filter(
                invoice_id__in=set().union(*open_invoices.values()), status=Dispute.Status.OPEN
            )
            .values_list("invoice_id", flat=True)
        )
        last_sent = {}
        if gap_days:
            last_sent = dict(
                scoped(Dispatch, tenant_id)
                .filter(
                    customer_id__in={d.customer_id for d in dispatches},
                    sent_at__gte=now - timedelta(days=gap_days + 1),
                )
                .exclude(channel="task")
                .values("customer_id")
                .annotate(latest=Max("sent_at"))
                .values_list("customer_id", "latest")
            )
        return cls(dict(open_invoices), promised_on, disputed, last_sent)


def gate(
    dispatches: list[Dispatch], now: datetime, settings_row: ReminderSettings | None
) -> dict[int, Decision]:
    """Decide for each of one tenant's ``dispatches`` whether it may go at ``now``.

    The dispatches come with ``customer`` (and its tenant and contacts) loaded.
    """
    gap_days = settings_row.min_days_between if settings_row is not None else 0
    facts = Facts.read(dispatches, now, gap_days)
    window = windows.SendWindow.for_settings(settings_row)
    return {d.pk: _decide(d, now, settings_row, window, facts) for d in dispatches}


def _decide(
    dispatch: Dispatch,
    now: datetime,
    settings_row: ReminderSettings | None,
    window: windows.SendWindow,
    facts: Facts,
) -> Decision:
    customer = dispatch.customer
    tenant = customer.tenant
    zone = customer.effective_time_zone()
    country = customer.country or tenant.country
    today = windows.local_today(now, zone)

    def later(moment: datetime, reason: str) -> Decision:
        at = windows.next_allowed(moment, zone=zone, country=country, window=window)
        return Decision(Action.DEFER, reason, at)

    open_ids = facts.open_invoices.get(dispatch.pk, set())
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
    promised_on = facts.promised_on.get(customer.pk)
    if promised_on is not None and promised_on >= today - timedelta(days=1):
        resume = windows.start_of_day(promised_on + timedelta(days=2), zone)
        return later(resume, "promise to pay in force")
    if open_ids <= facts.disputed:
        return later(now + timedelta(days=1), "every invoice is disputed")
    if settings_row is not None and not settings_row.sending_enabled:
        return later(now + timedelta(days=1), "sending is switched off")
    last_sent = facts.last_sent.get(customer.pk)
    if last_sent is not None and dispatch.channel != "task":
        # Reminders of the day the last one left still go: a step's email and SMS together.
        last_day, gap = windows.local_today(last_sent, zone), settings_row.min_days_between
        if last_day < today < last_day + timedelta(days=gap):
            return later(
                windows.start_of_day(last_day + timedelta(days=gap), zone),
                f"{gap} days between reminders; the last one left on {last_day:%d %b}",
            )
    allowed = windows.next_allowed(now, zone=zone, country=country, window=window)
    if allowed > now:
        return Decision(Action.DEFER, "outside the send window", allowed)
    return Decision(Action.ALLOW)
