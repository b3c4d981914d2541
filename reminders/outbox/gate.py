"""The outbox's gate: the contact rules applied to planned reminders before they leave.

The rules themselves are ``collections_app.rules``; here the facts they need are read for a
whole batch of one tenant's dispatches at once — which invoices each still covers, open
promises and disputes, when each customer last got a reminder — one query each.
"""

from collections import defaultdict
from datetime import datetime, timedelta

from django.db.models import Max

from collections_app.rules import holds
from collections_app.rules.decision import Decision, Facts, Rules, decide
from collections_app.rules.windows import DEFAULT_WINDOW, SendWindow
from kapittx.tenancy import scoped
from receivables.models import still_owed
from reminders.channels.registry import label, point_of
from reminders.models import Dispatch, DispatchInvoice, ReminderSettings


def send_window(row: ReminderSettings | None) -> SendWindow:
    """Return the tenant's send window (working days, nine to five, when it has none)."""
    if row is None:
        return DEFAULT_WINDOW
    return SendWindow(
        frozenset(row.weekdays()), row.send_from, row.send_until, row.skip_public_holidays
    )


def rules_of(row: ReminderSettings | None) -> Rules:
    """Return the tenant's contact rules, from its reminder settings."""
    if row is None:
        return Rules(DEFAULT_WINDOW)
    return Rules(send_window(row), row.sending_enabled, row.min_days_between)


def open_lines(tenant_id: int, dispatch_ids: list[int]) -> dict[int, set[int]]:
    """Return ``{dispatch id: its invoices still open}``."""
    found: dict[int, set[int]] = defaultdict(set)
    for dispatch_id, invoice_id in (
        scoped(DispatchInvoice, tenant_id)
        .filter(still_owed("invoice__"), dispatch_id__in=dispatch_ids)
        .values_list("dispatch_id", "invoice_id")
    ):
        found[dispatch_id].add(invoice_id)
    return found


def _last_sent(tenant_id: int, customer_ids: set[int], now: datetime, gap_days: int) -> dict:
    return dict(
        scoped(Dispatch, tenant_id)
        .filter(customer_id__in=customer_ids, sent_at__gte=now - timedelta(days=gap_days + 1))
        .exclude(channel="task")
        .values("customer_id")
        .annotate(latest=Max("sent_at"))
        .values_list("customer_id", "latest")
    )


def gate(
    dispatches: list[Dispatch], now: datetime, settings_row: ReminderSettings | None
) -> dict[int, Decision]:
    """Decide for each of one tenant's ``dispatches`` whether it may go at ``now``.

    The dispatches come with ``customer`` (and its tenant and contacts) loaded.
    """
    if not dispatches:
        return {}
    tenant_id = dispatches[0].tenant_id
    rules = rules_of(settings_row)
    customer_ids = {d.customer_id for d in dispatches}
    covered = open_lines(tenant_id, [d.pk for d in dispatches])
    promised = holds.promised_dates(tenant_id, now, customer_ids)
    disputed = holds.disputed_invoices(tenant_id, set().union(*covered.values()))
    # When the last reminders left matters only when days between them are asked for.
    last_sent = _last_sent(tenant_id, customer_ids, now, rules.gap_days) if rules.gap_days else {}
    decisions = {}
    for dispatch in dispatches:
        open_ids = frozenset(covered.get(dispatch.pk, ()))
        facts = Facts(
            open_invoices=open_ids,
            disputed=frozenset(open_ids & disputed),
            promised_on=promised.get(dispatch.customer_id),
            last_sent=last_sent.get(dispatch.customer_id),
        )
        decisions[dispatch.pk] = decide(
            dispatch.customer,
            channel=dispatch.channel,
            channel_label=label(dispatch.channel),
            point=point_of(dispatch.channel),
            facts=facts,
            rules=rules,
            now=now,
        )
    return decisions
