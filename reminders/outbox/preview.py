"""What the sweep would send over the coming days, worked out on a simulated clock.

The same ``plan`` the sweep runs is run once per simulated day, each day seeing the previous
days' reminders as handled; nothing is written. Contact rules that depend on the moment of
sending (the window, days between reminders) are not applied.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Customer
from reminders.outbox.planned import Planned
from reminders.outbox.sweep import Customers, plan


@dataclass(frozen=True)
class Preview:
    on: datetime
    item: Planned


def preview(
    tenant: Tenant,
    days: int,
    start: datetime | None = None,
    *,
    customers: Customers | None = None,
) -> list[Preview]:
    """Return what would be sent over the next ``days`` days (to ``customers`` only, when
    given), soonest first."""
    start = start or timezone.now()
    reminded: dict[int, int | None] = {}
    found: list[Preview] = []
    for day in range(days + 1):
        moment = start + timedelta(days=day)
        result = plan(tenant, moment, reminded=reminded, customers=customers)
        for invoice_id, (offset, _next_at) in result.positions.items():
            reminded[invoice_id] = offset
        found.extend(Preview(item.send_after, item) for item in result.due)
    return sorted(found, key=lambda p: (p.on, p.item.customer_id))


def upcoming_rows(tenant: Tenant, days: int, customers: Customers | None = None) -> list[dict]:
    """Return the reminders ``preview`` expects over ``days``, ready for a table."""
    upcoming = preview(tenant, days, customers=customers)
    names = dict(
        scoped(Customer, tenant)
        .filter(pk__in={p.item.customer_id for p in upcoming})
        .values_list("pk", "name")
    )
    zone = ZoneInfo(tenant.time_zone)
    rows = []
    for p in upcoming:
        step = p.item.slot.step
        rows.append(
            {
                "on": p.on.astimezone(zone),
                "customer_id": p.item.customer_id,
                "customer": names.get(p.item.customer_id, ""),
                "channel": step.get_channel_display(),
                "template_key": step.template_key,
                "tone": step.get_tone_display(),
                "repeat": p.item.slot.repeat,
                # Balances in several currencies cannot be added up; say so instead.
                "amount": p.item.amount if len(p.item.currencies) == 1 else None,
                "currencies": ", ".join(p.item.currencies),
                "invoices": len(p.item.invoice_ids),
            }
        )
    return rows
