"""The sweep: which reminders are due now, written to the outbox exactly once.

``plan`` reads: it takes the tenant's open invoices whose next reminder day has come (or
whose schedule must be worked out again), places each on its workflow's timeline and
groups what is due into reminders — one per customer, step and day, or one per invoice when
the workflow says so. Nothing held (``collections_app.rules.holds``) is planned. ``apply``
writes the plan: Dispatch rows whose unique key makes a second insert a no-op, the invoice
lines, and each invoice's new position. ``sweep`` does both under a per-tenant lock; the
preview (``reminders.outbox.preview``) runs ``plan`` on a simulated clock.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from collections_app.rules import holds
from collections_app.rules.windows import next_allowed
from kapittx.bulk import insert_ignoring_conflicts, upsert
from kapittx.localtime import local_today, start_of_day
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import still_owed
from reminders.models import (
    MANUAL_KEY,
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderPosition,
    ReminderSettings,
    Step,
    Workflow,
)
from reminders.outbox import states
from reminders.outbox.gate import send_window
from reminders.outbox.schedule import Position, Slot, position, slots
from reminders.setup.segments import workflows_for

#: How many invoices to place per database round trip.
BATCH = 5000
#: Which customers a plan or preview is limited to: their ids, or a query of them.
Customers = Collection[int] | QuerySet


@dataclass(frozen=True)
class Planned:
    """One reminder to create: what it is (``key``), who it goes to, and its invoices."""

    key: str
    customer_id: int
    slot: Slot
    status: str  # planned, or skipped for slots overtaken while nothing ran
    due_at: datetime
    send_after: datetime
    invoice_ids: tuple[int, ...]
    amount: Decimal
    currencies: tuple[str, ...]
    lines: tuple[tuple[int, int, int], ...]  # (invoice, step, repeat): each invoice's own slot


@dataclass
class Plan:
    tenant: Tenant
    now: datetime
    reminders: list[Planned] = field(default_factory=list)
    # invoice id → (reminded offset, moment to look again)
    positions: dict[int, tuple[int | None, datetime | None]] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)  # positions that differ from the stored

    def place(self, invoice_id: int, where: tuple, stored: tuple | None) -> None:
        self.positions[invoice_id] = where
        if where != stored:
            self.changed.add(invoice_id)

    @property
    def due(self) -> list[Planned]:
        return [r for r in self.reminders if r.status == DispatchStatus.PLANNED]

    @property
    def skipped(self) -> list[Planned]:
        return [r for r in self.reminders if r.status == DispatchStatus.SKIPPED]


@dataclass
class _Group:
    customer_id: int
    slot: Slot
    today: date
    invoice_ids: list[int] = field(default_factory=list)
    lines: list[tuple[int, int, int]] = field(default_factory=list)
    amount: Decimal = Decimal(0)
    currencies: set[str] = field(default_factory=set)
    first_due_on: date | None = None


def _candidates(
    tenant: Tenant,
    now: datetime,
    reminded: dict[int, int | None] | None,
    customers: Customers | None = None,
):
    """Return the open invoices to look at now, with what placing them needs."""
    selection = Q(next_at__lte=now)
    if reminded is not None:
        # A preview also revisits what it has placed itself on the simulated clock.
        selection |= Q(invoice_id__in=list(reminded))
    positions = scoped(ReminderPosition, tenant).filter(selection)
    if customers is not None:
        positions = positions.filter(invoice__customer_id__in=customers)
    return (
        positions.filter(still_owed("invoice__"), invoice__customer__do_not_contact=False)
        .values_list(
            "invoice_id", "invoice__customer_id", "invoice__due_date", "invoice__balance",
            "invoice__currency", "reminded_offset", "invoice__customer__time_zone",
            "invoice__customer__country", "next_at", "invoice__created_at",
            "invoice__customer__reminders_on_hold", "invoice__customer__reminders_paused_until",
        )
        .order_by("invoice_id")
    )


def _timelines(tenant: Tenant) -> tuple[dict[int, list[Slot]], dict[int, Workflow]]:
    workflows = {w.pk: w for w in scoped(Workflow, tenant)}
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in scoped(Step, tenant).filter(workflow__in=workflows.values()):
        steps[step.workflow_id].append(step)
    return {pk: slots(w, steps[pk]) for pk, w in workflows.items()}, workflows


def plan(
    tenant: Tenant,
    now: datetime,
    *,
    reminded: dict[int, int | None] | None = None,
    customers: Customers | None = None,
) -> Plan:
    """Work out which reminders are due at ``now``; read only.

    ``reminded`` overrides invoices' last handled offsets (used by ``preview``);
    ``customers`` (ids, or a query of customers) limits the plan to their invoices.
    """
    rows = list(_candidates(tenant, now, reminded, customers))
    result = Plan(tenant=tenant, now=now)
    if not rows:
        return result
    timelines, workflows = _timelines(tenant)
    workflow_of = workflows_for(tenant, {row[1] for row in rows})
    settings_row = ReminderSettings.objects.filter(tenant=tenant).first()
    window = send_window(settings_row)
    promised = holds.promised_dates(tenant.pk, now)
    disputed = holds.disputed_invoices(tenant.pk)
    held: dict[tuple[int, date], bool] = {}  # (customer, local day) → held
    # Where an invoice stands depends only on a few values that many invoices share.
    thresholds = {pk: sorted({slot.step.min_amount for slot in tl}) for pk, tl in timelines.items()}
    known: dict[tuple, Position] = {}
    todays: dict[str, date] = {}
    allowed: dict[tuple[datetime, str, str], datetime] = {}  # next moments the window allows
    groups: dict[tuple, _Group] = {}
    skipped: dict[tuple, _Group] = {}
    zones: dict[int, tuple[str, str]] = {}

    for row in rows:
        pk, customer_id, due_date, balance, currency, offset, zone, country = row[:8]
        zone = zone or tenant.time_zone
        today = todays.get(zone) or todays.setdefault(zone, local_today(now, zone))
        is_held = held.get((customer_id, today))
        if is_held is None:
            is_held = held[(customer_id, today)] = (
                holds.customer_hold(
                    on_hold=row[10], hold_reason="", paused_until=row[11],
                    promised_on=promised.get(customer_id), today=today,
                )
                is not None
            )
        if is_held or pk in disputed:
            # Held invoices keep their place; the sweep looks at them again next time.
            continue
        stored = (offset, row[8])
        if reminded is not None and pk in reminded:
            offset = reminded[pk]
        workflow_id = workflow_of.get(customer_id)
        zones[customer_id] = (zone, country or tenant.country)
        if workflow_id is None:
            result.place(pk, (offset, None), stored)
            continue
        known_since = local_today(row[9], zone)
        # Balances matter only as far as the steps' minimum amounts tell them apart.
        band = bisect_right(thresholds[workflow_id], balance)
        memo_key = (workflow_id, due_date, today, offset, band, known_since)
        where = known.get(memo_key)
        if where is None:
            where = known[memo_key] = position(
                timelines[workflow_id], due_date=due_date, today=today,
                reminded_offset=offset, balance=balance, known_since=known_since,
            )
        next_at = None if where.next_on is None else start_of_day(where.next_on, zone)
        result.place(pk, (where.reminded_offset, next_at), stored)
        per_invoice = workflows[workflow_id].per_invoice
        for slots_, bucket in ((where.due, groups), (where.skipped, skipped)):
            for slot in slots_:
                owner = pk if per_invoice else customer_id
                # A customer gets one message per channel and day, whatever steps its
                # invoices reached: worded in the firmest tone due, listing them all.
                kind = slot.step.channel if bucket is groups and not per_invoice else slot.key
                group = bucket.setdefault((owner, kind, today), _Group(customer_id, slot, today))
                if slot.offset > group.slot.offset:
                    group.slot = slot
                group.lines.append((pk, slot.step.pk, slot.repeat))
                group.invoice_ids.append(pk)
                group.amount += balance
                group.currencies.add(currency)
                trigger = due_date + timedelta(days=slot.offset)
                group.first_due_on = min(group.first_due_on or trigger, trigger)

    for bucket, status in ((groups, DispatchStatus.PLANNED), (skipped, DispatchStatus.SKIPPED)):
        for (owner, _kind, today), group in bucket.items():
            zone, country = zones[group.customer_id]
            due_at = start_of_day(group.first_due_on, zone)
            send_after = now
            if status == DispatchStatus.PLANNED:
                moment = (max(now, due_at), zone, country)
                send_after = allowed.get(moment)
                if send_after is None:
                    send_after = allowed[moment] = next_allowed(
                        moment[0], zone=zone, country=country, window=window
                    )
            scope = f"i{owner}" if workflows[group.slot.step.workflow_id].per_invoice else "c"
            result.reminders.append(
                Planned(
                    key=_key(group, scope, today, status),
                    customer_id=group.customer_id,
                    slot=group.slot,
                    status=status,
                    due_at=due_at,
                    send_after=send_after,
                    invoice_ids=tuple(sorted(group.invoice_ids)),
                    amount=group.amount,
                    currencies=tuple(sorted(group.currencies)),
                    lines=tuple(group.lines),
                )
            )
    return result


def _key(group: _Group, scope: str, today: date, status: str) -> str:
    slot = group.slot
    if scope.startswith("i"):
        # Per-invoice reminders are unique by invoice, step and repeat.
        what = f"s{slot.step.pk}:r{slot.repeat}"
    elif status == DispatchStatus.PLANNED:
        # Per-customer reminders are one per channel and local day.
        what = f"{slot.step.channel}:{today:%Y%m%d}"
    else:
        what = f"s{slot.step.pk}:r{slot.repeat}:{today:%Y%m%d}:x"
    return f"c{group.customer_id}:{scope}:{what}"


LINE_COLUMNS = ["tenant", "dispatch", "invoice", "step", "repeat"]


def apply(plan_: Plan) -> None:
    """Write ``plan_`` to the outbox and record each invoice's new position."""
    tenant, now = plan_.tenant, plan_.now
    # Before the new rows go in, so only reminders planned earlier are looked at.
    _supersede(tenant, plan_)
    states.add([_dispatch_row(tenant, now, item) for item in plan_.reminders])
    found = _find(tenant, [item.key for item in plan_.due])
    lines, late = [], []
    for item in plan_.due:
        pk, status = found[item.key]
        if status != DispatchStatus.PLANNED:
            # The day's reminder for this step already left; invoices that reached the step
            # since then get a reminder of their own instead of joining one that is gone.
            late.append(replace(item, key=f"{item.key}:i{item.invoice_ids[0]}"))
            continue
        lines.extend(_line_rows(tenant, pk, item))
    if late:
        states.add([_dispatch_row(tenant, now, item) for item in late])
        found = _find(tenant, [item.key for item in late])
        for item in late:
            lines.extend(_line_rows(tenant, found[item.key][0], item))
    # Skipped reminders name the step and customer passed over; only reminders that go out
    # list their invoices, which is what keeps an invoice to one reminder per step.
    insert_ignoring_conflicts(DispatchInvoice, LINE_COLUMNS, lines)
    _save_positions(tenant, plan_)


def _find(tenant: Tenant, keys: list[str]) -> dict[str, tuple[int, str]]:
    found = {}
    for start in range(0, len(keys), BATCH):
        found.update(
            (key, (pk, status))
            for key, pk, status in scoped(Dispatch, tenant)
            .filter(key__in=keys[start : start + BATCH])
            .values_list("key", "pk", "status")
        )
    return found


def _dispatch_row(tenant: Tenant, now: datetime, item: Planned) -> tuple:
    step = item.slot.step
    reason = "overtaken by a later step" if item.status == DispatchStatus.SKIPPED else ""
    return (
        tenant.pk, item.key, item.customer_id, step.workflow_id, step.pk, item.slot.repeat,
        step.channel, step.tone, step.template_key, item.status, reason, item.due_at,
        item.send_after, "", "", "", "", "", "", 0, "", now, now,
    )


def _line_rows(tenant: Tenant, dispatch_id: int, item: Planned) -> Iterable[tuple]:
    return ((tenant.pk, dispatch_id, *line) for line in item.lines)


def _supersede(tenant: Tenant, plan_: Plan) -> None:
    """Skip pending reminders whose every invoice has since moved on to a later step (not
    those a member sent by hand)."""
    moved = {invoice_id for item in plan_.due for invoice_id in item.invoice_ids}
    if not moved or not scoped(Dispatch, tenant).filter(status=DispatchStatus.PLANNED).exists():
        return
    new_keys = {item.key for item in plan_.reminders}
    # The pending reminders that list a moved invoice, each read by its own key: a join of
    # freshly written lines and dispatches can mislead the planner into scanning them all.
    ordered = sorted(moved)
    listing: set[int] = set()
    for start in range(0, len(ordered), BATCH):
        listing.update(
            scoped(DispatchInvoice, tenant)
            .filter(invoice_id__in=ordered[start : start + BATCH])
            .values_list("dispatch_id", flat=True)
        )
    listing_ids = sorted(listing)
    pending: set[int] = set()
    for start in range(0, len(listing_ids), BATCH):
        pending.update(
            pk
            for pk, key in scoped(Dispatch, tenant)
            .filter(pk__in=listing_ids[start : start + BATCH], status=DispatchStatus.PLANNED)
            .values_list("pk", "key")
            if key not in new_keys and MANUAL_KEY not in key
        )
    # … and every invoice each of them lists.
    candidates = sorted(pending)
    invoices_of: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(candidates), BATCH):
        for dispatch_id, invoice_id in scoped(DispatchInvoice, tenant).filter(
            dispatch_id__in=candidates[start : start + BATCH]
        ).values_list("dispatch_id", "invoice_id"):
            invoices_of[dispatch_id].add(invoice_id)
    stale = [pk for pk, invoices in invoices_of.items() if invoices <= moved]
    for start in range(0, len(stale), BATCH):
        states.move(
            tenant.pk, stale[start : start + BATCH], DispatchStatus.SKIPPED,
            reason="overtaken by a later step",
        )


def _save_positions(tenant: Tenant, plan_: Plan) -> None:
    upsert(
        ReminderPosition,
        ["invoice", "tenant", "reminded_offset", "next_at"],
        ((pk, tenant.pk, *plan_.positions[pk]) for pk in plan_.changed),
    )
    # Positions of invoices closed since they were placed leave the sweep's view; an invoice
    # that reopens is sent back by ``reminders.outbox.positions``.
    closed = list(
        scoped(ReminderPosition, tenant)
        .filter(next_at__lte=plan_.now)
        .exclude(still_owed("invoice__"))
        .values_list("invoice_id", flat=True)
    )
    # Read first, then written by key: an UPDATE joined to the invoices could scan every
    # tenant's positions.
    for start in range(0, len(closed), BATCH):
        scoped(ReminderPosition, tenant).filter(
            invoice_id__in=closed[start : start + BATCH]
        ).update(next_at=None)


def sweep(tenant: Tenant, now: datetime | None = None, *, dry_run: bool = False) -> Plan:
    """Plan and, unless ``dry_run``, write every reminder due for ``tenant`` at ``now``."""
    now = now or timezone.now()
    if dry_run:
        return plan(tenant, now)
    with transaction.atomic():
        # One sweep per tenant at a time: a second one waits here and then sees the first's
        # positions, so a sweep straddling local midnight cannot plan a step twice.
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        result = plan(tenant, now)
        apply(result)
    return result
