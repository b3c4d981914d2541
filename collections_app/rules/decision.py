"""The contact rules, applied in order to one reminder that is about to leave.

Pure: the caller (the outbox's gate) reads the facts for a batch of reminders and asks here
what each may do now. Nothing is sent unless this allows it; deferred is never dropped.
See ``docs/contact-rules.md``.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from collections_app.rules import holds
from collections_app.rules.recipients import pick_contact
from collections_app.rules.windows import SendWindow, next_allowed
from kapittx.localtime import local_today, start_of_day
from receivables.models import Customer


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


@dataclass(frozen=True)
class Rules:
    """The tenant's contact rules."""

    window: SendWindow
    sending_enabled: bool = True
    gap_days: int = 0  # days a customer is left alone after a day they got a reminder


@dataclass(frozen=True)
class Facts:
    """What is known about one reminder: its invoices still open, those of them disputed,
    the customer's latest open promise and when the latest reminder to them left."""

    open_invoices: frozenset[int]
    disputed: frozenset[int]
    promised_on: date | None
    last_sent: datetime | None


def decide(
    customer: Customer,
    *,
    channel: str,
    channel_label: str,
    point: str | None,
    facts: Facts,
    rules: Rules,
    now: datetime,
) -> Decision:
    """Decide whether a reminder to ``customer`` on ``channel`` may go at ``now``.

    ``point`` is the address point the channel reaches contacts at; None for a task, which
    goes to a member, not to the customer. ``customer`` comes with its contacts and tenant.
    """
    tenant = customer.tenant
    zone = customer.effective_time_zone()
    country = customer.country or tenant.country
    today = local_today(now, zone)

    def later(moment: datetime, reason: str) -> Decision:
        at = next_allowed(moment, zone=zone, country=country, window=rules.window)
        return Decision(Action.DEFER, reason, at)

    if not facts.open_invoices:
        return Decision(Action.CANCEL, "nothing left to pay")
    if customer.do_not_contact:
        return Decision(Action.BLOCK, "customer is marked do-not-contact")
    if channel in customer.opted_out_channels:
        return Decision(Action.BLOCK, f"customer opted out of {channel_label}")
    if point is not None and pick_contact(customer, channel, point) is None:
        return Decision(Action.BLOCK, f"no usable {channel_label} contact")
    hold = holds.customer_hold(
        on_hold=customer.reminders_on_hold,
        hold_reason=customer.reminders_hold_reason,
        paused_until=customer.reminders_paused_until,
        promised_on=facts.promised_on,
        today=today,
    )
    if hold is not None:
        resume = now + timedelta(days=1) if hold.until is None else start_of_day(hold.until, zone)
        return later(resume, hold.reason)
    if facts.open_invoices <= facts.disputed:
        return later(now + timedelta(days=1), "every invoice is disputed")
    if not rules.sending_enabled:
        return later(now + timedelta(days=1), "sending is switched off")
    if facts.last_sent is not None and point is not None and rules.gap_days:
        # Reminders of the day the last one left still go: a step's email and SMS together.
        last_day, gap = local_today(facts.last_sent, zone), rules.gap_days
        if last_day < today < last_day + timedelta(days=gap):
            return later(
                start_of_day(last_day + timedelta(days=gap), zone),
                f"{gap} days between reminders; the last one left on {last_day:%d %b}",
            )
    allowed = next_allowed(now, zone=zone, country=country, window=rules.window)
    if allowed > now:
        return Decision(Action.DEFER, "outside the send window", allowed)
    return Decision(Action.ALLOW)
