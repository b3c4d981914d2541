"""Writing a sweep's plan: the day's reminders and their invoice lines, a waiting reminder
reworded or folded into a firmer one, pending reminders superseded, invoices' positions."""

from collections import defaultdict
from datetime import datetime
from operator import itemgetter

from django.utils import timezone

from kapittx.bulk import insert_ignoring_conflicts, update_values
from kapittx.locks import locked
from kapittx.models import Tenant
from kapittx.tenancy import scoped
from reminders.models import (
    MANUAL_KEY,
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderPosition,
)
from reminders.outbox import states
from reminders.outbox.planned import BATCH, Fold, Join, Plan, Planned

LINE_COLUMNS = ["tenant", "dispatch", "invoice", "step", "repeat"]


def apply(plan_: Plan) -> None:
    """Write ``plan_`` to the outbox and record each invoice's new position."""
    tenant, now = plan_.tenant, plan_.now
    # Before the new rows go in, so only reminders planned earlier are looked at.
    _supersede(tenant, plan_)
    states.add([_dispatch_row(tenant, now, item) for item in plan_.reminders])
    found = _find(tenant, [item.key for item in plan_.due])
    # Locked until the sweep commits, so a release cannot take a reminder being reworded;
    # a release holding one first leaves it out here.
    wording = _still_planned(
        tenant, [j.dispatch_id for j in plan_.joins] + [pk for pk, _s in found.values()]
    )
    still_planned = set(wording)
    lines, late = [], set()
    for item in plan_.due:
        pk = found[item.key][0]
        if pk in still_planned:
            lines.extend((tenant.pk, pk, *line) for line in item.lines)
        else:
            late.update(line[0] for line in item.lines)
    rewords = []
    for join in plan_.joins:
        if join.dispatch_id in still_planned:
            lines.extend((tenant.pk, join.dispatch_id, *line) for line in join.lines)
            rewords.append(join)
        else:
            late.update(line[0] for line in join.lines)
    _reword(rewords, wording)
    if late:
        # A release took the day's reminder while this sweep planned: the next sweep looks
        # at these invoices again (and finds the day spoken for).
        plan_.look_again(late, ReminderPosition.AT_NEXT_SWEEP)
    # Skipped reminders name the step and customer passed over; only reminders that go out
    # list their invoices, which is what keeps an invoice to one reminder per step.
    lines.sort(key=itemgetter(2))
    insert_ignoring_conflicts(DispatchInvoice, LINE_COLUMNS, lines)
    _fold(tenant, plan_.folds, found)
    _save_positions(plan_)


def _still_planned(tenant: Tenant, ids: list[int]) -> dict[int, tuple]:
    """Lock the planned ones of ``ids``; return each one's wording (step, repeat, voice)."""
    wording = {}
    for start in range(0, len(ids), BATCH):
        rows = scoped(Dispatch, tenant).filter(
            pk__among=ids[start : start + BATCH], status=DispatchStatus.PLANNED
        )
        wording.update(
            (pk, (step_id, repeat, voice))
            for pk, step_id, repeat, voice in locked(rows).values_list(
                "pk", "step_id", "repeat", "voice"
            )
        )
    return wording


def _reword(joins: list[Join], wording: dict[int, tuple]) -> None:
    """Have waiting reminders speak with the firmer steps that joined them."""
    now = timezone.now()
    update_values(
        Dispatch,
        ["workflow", "step", "repeat", "tone", "template_key", "voice", "updated_at"],
        (
            (
                join.dispatch_id,
                join.slot.step.workflow_id,
                join.slot.step.pk,
                join.slot.repeat,
                join.slot.step.tone,
                join.slot.step.template_key,
                join.voice,
                now,
            )
            for join in joins
            if wording[join.dispatch_id] != (join.slot.step.pk, join.slot.repeat, join.voice)
        ),
    )


def _fold(tenant: Tenant, folds: list[Fold], found: dict[str, tuple[int, str]]) -> None:
    """Skip waiting reminders on channels the day's firmest step does not name; their
    invoices move to the reminder that now speaks for the day."""
    into = {
        fold.dispatch_id: fold.into if isinstance(fold.into, int) else found[fold.into][0]
        for fold in folds
    }
    folded = states.move(
        tenant.pk,
        list(into),
        DispatchStatus.SKIPPED,
        among=[DispatchStatus.PLANNED],
        reason="folded into a firmer reminder of the same day",
    )
    update_values(DispatchInvoice, ["dispatch"], ((pk, into[pk]) for pk in folded), key="dispatch")


def _find(tenant: Tenant, keys: list[str]) -> dict[str, tuple[int, str]]:
    found = {}
    for start in range(0, len(keys), BATCH):
        found.update(
            (key, (pk, status))
            for key, pk, status in scoped(Dispatch, tenant)
            .filter(key__in=keys[start : start + BATCH])
            .order_by()
            .values_list("key", "pk", "status")
        )
    return found


def _dispatch_row(tenant: Tenant, now: datetime, item: Planned) -> tuple:
    step = item.slot.step
    reason = "overtaken by a later step" if item.status == DispatchStatus.SKIPPED else ""
    return (
        tenant.pk,
        item.key,
        item.voice,
        item.customer_id,
        step.workflow_id,
        step.pk,
        item.slot.repeat,
        step.channel,
        step.tone,
        step.template_key,
        item.status,
        reason,
        item.due_at,
        item.send_after,
        "",
        "",
        "",
        "",
        "",
        "",
        0,
        "",
        now,
        now,
    )


def _supersede(tenant: Tenant, plan_: Plan) -> None:
    """Skip pending reminders whose every invoice has since moved on to a later step (not
    those a member sent by hand)."""
    moved = {invoice_id for item in plan_.due for invoice_id in item.invoice_ids}
    moved.update(line[0] for join in plan_.joins for line in join.lines)
    if not moved:
        return
    new_keys = {item.key for item in plan_.reminders}
    joined = {join.dispatch_id for join in plan_.joins}
    # A reminder speaks only of its own customer's invoices (one moved to another customer
    # since is left out when it is sent), so the pending reminders that may list a moved
    # invoice are among those the plan found still planned for the customers it speaks to.
    pending = sorted(
        pk
        for pk, key in plan_.planned_before.items()
        if key not in new_keys and MANUAL_KEY not in key and pk not in joined
    )
    invoices_of: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(pending), BATCH):
        for dispatch_id, invoice_id in (
            scoped(DispatchInvoice, tenant)
            .filter(dispatch_id__among=pending[start : start + BATCH])
            .order_by()
            .values_list("dispatch_id", "invoice_id")
        ):
            invoices_of[dispatch_id].add(invoice_id)
    stale = [pk for pk, invoices in invoices_of.items() if invoices <= moved]
    for start in range(0, len(stale), BATCH):
        states.move(
            tenant.pk,
            stale[start : start + BATCH],
            DispatchStatus.SKIPPED,
            reason="overtaken by a later step",
        )


def _save_positions(plan_: Plan) -> None:
    """Move the swept invoices' positions on. Each was read by the plan; one whose invoice
    was deleted since is gone and stays gone."""
    update_values(
        ReminderPosition,
        ["reminded_offset", "next_at"],
        ((pk, *plan_.positions[pk]) for pk in sorted(plan_.changed)),
    )
