"""The sweep: which reminders are due now, written to the outbox exactly once.

``plan`` reads: it takes the tenant's open invoices whose next reminder day has come (or
whose schedule must be worked out again) and places each on its workflow's timeline; those
settled since leave its view. Nothing held (``collections_app.rules.holds``) is planned: a
held invoice is looked at again from the local day its hold may have ended.
What is due becomes one voice per customer and local day (``one_voice``), or one reminder
per invoice and step when the workflow says so. ``sweep_writes.apply`` writes the plan:
Dispatch rows whose unique key makes a second insert a no-op, the invoice lines, and each
invoice's new position. ``sweep`` does both under a per-tenant lock; the preview
(``reminders.outbox.preview``) runs ``plan`` on a simulated clock.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from collections_app.rules import holds
from collections_app.rules.windows import next_allowed
from kapittx import cycle_collector
from kapittx.localtime import local_today, start_of_day
from kapittx.locks import lock_tenant
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from receivables.models import Invoice, still_owed
from reminders.models import DispatchStatus, ReminderPosition, ReminderSettings, Step, Workflow
from reminders.outbox.gate import send_window
from reminders.outbox.one_voice import (
    Due,
    Existing,
    Theirs,
    compact,
    day_key,
    speak,
    their_reminders,
    voice_of,
)
from reminders.outbox.planned import BATCH, Fold, Join, Plan, Planned
from reminders.outbox.schedule import Position, Slot, position, slots
from reminders.outbox.sweep_writes import apply
from reminders.setup.segments import assigned_workflows

#: Which customers a plan or preview is limited to: their ids, or a query of them.
Customers = Collection[int] | QuerySet


def _candidates(
    tenant: Tenant,
    now: datetime,
    reminded: dict[int, int | None] | None,
    customers: Customers | None = None,
) -> list[tuple]:
    """Return the invoices whose position is due now, with what placing them needs, in
    invoice order. Invoices no longer owed come too (``owed`` false), to leave the view."""
    selection = Q(next_at__lte=now)
    if reminded is not None:
        # A preview also revisits what it has placed itself on the simulated clock.
        selection |= Q(invoice_id__among=list(reminded))
    positions = scoped(ReminderPosition, tenant).filter(selection)
    if customers is not None:
        positions = positions.filter(invoice__customer_id__in=customers)
    # The positions are read alone and their invoices by key: joined, the planner counts
    # due positions from statistics that a cold sweep leaves far behind, and may read all
    # the tenant's invoices to find the few due today.
    stood = dict(
        (pk, (offset, next_at))
        for pk, offset, next_at in positions.values_list("invoice_id", "reminded_offset", "next_at")
    )
    ids = sorted(stood)
    rows = []
    for start in range(0, len(ids), BATCH):
        rows.extend(
            (pk, customer_id, due, balance, currency, *stood[pk], *rest)
            for pk, customer_id, due, balance, currency, *rest in scoped(Invoice, tenant)
            .filter(pk__among=ids[start : start + BATCH])
            .annotate(owed=ExpressionWrapper(still_owed(), output_field=BooleanField()))
            .values_list(
                "pk",
                "customer_id",
                "due_date",
                "balance",
                "currency",
                "customer__time_zone",
                "customer__country",
                "created_at",
                "customer__reminders_on_hold",
                "customer__reminders_paused_until",
                "owed",
                "customer__do_not_contact",
            )
            .order_by("pk")
        )
    return rows


def _timelines(tenant: Tenant) -> tuple[dict[int, list[Slot]], dict[int, Workflow]]:
    """Return the timeline of each workflow that has steps, and those workflows (one without
    steps has nothing to send)."""
    workflows: dict[int, Workflow] = {}
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in scoped(Step, tenant).select_related("workflow").order_by():
        workflows.setdefault(step.workflow_id, step.workflow)
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
    rows = _candidates(tenant, now, reminded, customers)
    result = Plan(tenant=tenant, now=now)
    if not rows:
        return result
    timelines, workflows = _timelines(tenant)
    default = next((pk for pk, w in workflows.items() if w.is_default), None)
    workflow_of = assigned_workflows(tenant, {row[1] for row in rows})
    settings_row = ReminderSettings.objects.filter(tenant=tenant).first()
    window = send_window(settings_row)
    promised = holds.promised_dates(tenant.pk, now)
    disputed = holds.disputed_invoices(tenant.pk)
    held: dict[tuple[int, date], holds.Hold | None] = {}  # (customer, local day) → hold
    # Where an invoice stands depends only on a few values that many invoices share.
    thresholds = {pk: sorted({slot.step.min_amount for slot in tl}) for pk, tl in timelines.items()}
    known: dict[tuple, Position] = {}
    todays: dict[str, date] = {}
    arrived: dict[tuple[datetime, str], date] = {}  # local days invoices reached Kapittx
    allowed: dict[tuple[datetime, str, str], datetime] = {}  # next moments the window allows
    zones: dict[int, tuple[str, str]] = {}
    days: dict[tuple[int, date], list[Due]] = defaultdict(list)  # per customer and local day
    alone: list[tuple[int, date, Due]] = []  # slots of per-invoice workflows
    overtaken: list[tuple[int, date, Due, bool]] = []  # (customer, day, slot, per invoice)

    for row in rows:
        pk, customer_id, due_date, balance, currency, offset, next_at, zone, country = row[:9]
        created_at, on_hold, paused_until, owed, do_not_contact = row[9:]
        if not owed:
            # Settled or closed since it was placed: it leaves the sweep's view until it
            # reopens (``reminders.outbox.positions`` sends it back).
            result.place(pk, (offset, None), (offset, next_at))
            continue
        stored = (offset, next_at)
        if reminded is not None and pk in reminded:
            offset = reminded[pk]
        zone = zone or tenant.time_zone
        today = todays.get(zone) or todays.setdefault(zone, local_today(now, zone))
        if (customer_id, today) not in held:
            held[(customer_id, today)] = holds.customer_hold(
                on_hold=on_hold,
                hold_reason="",
                paused_until=paused_until,
                promised_on=promised.get(customer_id),
                today=today,
            )
        hold = held[(customer_id, today)]
        if do_not_contact or hold is not None or pk in disputed:
            # Nothing is handled: the invoice waits, without making its tenant due at every
            # tick, until the day its hold may have ended (holds are whole local days);
            # whatever lifts one sooner sends it back (``reminders.outbox.follow_changes``).
            resume = today + timedelta(days=1)
            if hold is not None and hold.until is not None:
                resume = max(resume, hold.until)
            result.place(pk, (offset, start_of_day(resume, zone)), stored)
            continue
        workflow_id = workflow_of.get(customer_id, default)
        zones[customer_id] = (zone, country or tenant.country)
        if workflow_id not in timelines:
            result.place(pk, (offset, None), stored)
            continue
        known_since = arrived.get((created_at, zone))
        if known_since is None:
            known_since = arrived[(created_at, zone)] = local_today(created_at, zone)
        # Balances matter only as far as the steps' minimum amounts tell them apart.
        band = bisect_right(thresholds[workflow_id], balance)
        memo_key = (workflow_id, due_date, today, offset, band, known_since)
        where = known.get(memo_key)
        if where is None:
            where = known[memo_key] = position(
                timelines[workflow_id],
                due_date=due_date,
                today=today,
                reminded_offset=offset,
                balance=balance,
                known_since=known_since,
            )
        next_at = None if where.next_on is None else start_of_day(where.next_on, zone)
        result.place(pk, (where.reminded_offset, next_at), stored)
        per_invoice = workflows[workflow_id].per_invoice
        for slot in where.due:
            due = Due(pk, slot, balance, currency, due_date + timedelta(days=slot.offset))
            if per_invoice:
                alone.append((customer_id, today, due))
            else:
                days[(customer_id, today)].append(due)
        for slot in where.skipped:
            due = Due(pk, slot, balance, currency, due_date + timedelta(days=slot.offset))
            overtaken.append((customer_id, today, due, per_invoice))

    def timed(customer_id: int, dues: list[Due], status: str) -> tuple[datetime, datetime]:
        zone, country = zones[customer_id]
        due_at = start_of_day(min(d.trigger for d in dues), zone)
        if status != DispatchStatus.PLANNED:
            return due_at, now
        moment = (max(now, due_at), zone, country)
        if moment not in allowed:
            allowed[moment] = next_allowed(moment[0], zone=zone, country=country, window=window)
        return due_at, allowed[moment]

    def planned(
        key: str,
        customer_id: int,
        slot: Slot,
        status: str,
        dues: list[Due],
        lines: list[Due],
        voice: str = "",
    ) -> Planned:
        due_at, send_after = timed(customer_id, dues, status)
        balances = {d.invoice_id: (d.balance, d.currency) for d in dues}
        return Planned(
            key=key,
            customer_id=customer_id,
            slot=slot,
            status=status,
            due_at=due_at,
            send_after=send_after,
            invoice_ids=tuple(sorted(balances)),
            amount=sum((b for b, _c in balances.values()), Decimal(0)),
            currencies=tuple(sorted({c for _b, c in balances.values()})),
            lines=tuple(d.line for d in lines),
            voice=voice,
        )

    # What the customers' reminders already are (a preview plans afresh).
    slot_of = {(s.step.pk, s.repeat): s for timeline in timelines.values() for s in timeline}
    speaking = {cid for cid, _day in days} | {cid for cid, _day, _due in alone}
    existing = (
        Theirs() if reminded is not None else their_reminders(tenant.pk, speaking, now, slot_of)
    )
    result.planned_before = existing.planned
    spoke: set[tuple[int, date]] = set()
    for (customer_id, today), dues in days.items():
        theirs = existing.voices.get(customer_id, [])
        zone = zones[customer_id][0]
        if any(e.spoke_on(today, zone) for e in theirs):
            # The customer heard from us today: what fell due since waits for tomorrow.
            spoke.add((customer_id, today))
            tomorrow = start_of_day(today + timedelta(days=1), zone)
            result.look_again({d.invoice_id for d in dues}, tomorrow)
            continue
        _speak_for_the_day(result, customer_id, today, dues, theirs, planned)

    for customer_id, _today, due in alone:
        slot = due.slot
        key = f"c{customer_id}:i{due.invoice_id}:s{slot.step.pk}:r{slot.repeat}"
        result.reminders.append(
            planned(key, customer_id, slot, DispatchStatus.PLANNED, [due], [due])
        )
    # Skipped reminders name the step and customer passed over, once per local day.
    passed: dict[str, tuple[int, Slot, list[Due]]] = {}
    for customer_id, today, due, per_invoice in overtaken:
        if (customer_id, today) in spoke:
            continue
        slot = due.slot
        key = (
            f"c{customer_id}:i{due.invoice_id}:s{slot.step.pk}:r{slot.repeat}"
            if per_invoice
            else f"c{customer_id}:c:s{slot.step.pk}:r{slot.repeat}:{compact(today)}:x"
        )
        passed.setdefault(key, (customer_id, slot, []))[2].append(due)
    for key, (customer_id, slot, dues) in passed.items():
        result.reminders.append(planned(key, customer_id, slot, DispatchStatus.SKIPPED, dues, []))
    return result


def sweep(tenant: Tenant, now: datetime | None = None, *, dry_run: bool = False) -> Plan:
    """Plan and, unless ``dry_run``, write every reminder due for ``tenant`` at ``now``."""
    now = now or timezone.now()
    if dry_run:
        return plan(tenant, now)
    with transaction.atomic(), cycle_collector.paused():
        # One sweep per tenant at a time: a second one waits here and then sees the first's
        # positions, so a sweep straddling local midnight cannot plan a step twice.
        lock_tenant(tenant.pk)
        result = plan(tenant, now)
        apply(result)
    return result


def _speak_for_the_day(
    result: Plan,
    customer_id: int,
    today: date,
    dues: list[Due],
    theirs: list[Existing],
    planned: Callable[..., Planned],
) -> None:
    """Plan the customer's one voice of ``today``: new reminders, slots joining waiting ones,
    waiting ones folded into the others."""
    voice = voice_of(customer_id, today)
    # One waiting reminder per channel speaks again; any other waiting one folds in.
    waiting: dict[str, Existing] = {}
    spare: list[Existing] = []
    for earlier in sorted((e for e in theirs if e.waiting), key=lambda e: -e.dispatch_id):
        if earlier.channel in waiting:
            spare.append(earlier)  # an older one on the same channel
        else:
            waiting[earlier.channel] = earlier
    taken = {e.key for e in theirs}
    said = speak(dues, [e.slot for e in waiting.values()])
    keys: dict[str, int | str] = {}
    for kind, head in said.heads.items():
        lines = tuple(d.line for d in said.lines[kind])
        if kind in waiting:
            keys[kind] = waiting[kind].dispatch_id
            result.joins.append(Join(waiting[kind].dispatch_id, head, lines, voice))
            continue
        key = day_key(customer_id, kind, today)
        if key in taken:
            # Today's reminder on this channel reached nobody; this one has a key of its own.
            key = f"{key}:i{min(d.invoice_id for d in dues)}"
        keys[kind] = key
        result.reminders.append(
            planned(key, customer_id, head, DispatchStatus.PLANNED, dues, said.lines[kind], voice)
        )
    for kind, earlier in waiting.items():
        if kind not in said.heads:
            result.folds.append(Fold(earlier.dispatch_id, keys[said.primary]))
    result.folds.extend(Fold(earlier.dispatch_id, keys[said.primary]) for earlier in spare)
