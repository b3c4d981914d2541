"""Changes to reminders that touch several rows: the set-up (workflows, steps, segments,
settings, the tenant's defaults), how one customer is chased, and single reminders in the
outbox (cancel, send again, send by hand).

Views (and anything else that makes these changes) call these functions. Each one does what
its change implies for the rest: the sweep places the affected invoices again, waiting
reminders are asked about again at the next release, the customer's timeline notes it.
"""

from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Least
from django.forms import BaseInlineFormSet
from django.utils import timezone

from collections_app import events
from kapittx.models import Tenant, User
from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES, Customer, Invoice
from reminders import positions
from reminders.models import (
    MANUAL_KEY,
    PENDING_STATUSES,
    Dispatch,
    DispatchInvoice,
    DispatchStatus,
    ReminderSettings,
    Segment,
    Template,
    Workflow,
)
from reminders.rendering import PARTS, save_template


def _unset_other_defaults(workflow: Workflow) -> None:
    # Cleared before the save: the partial unique index allows one default per tenant.
    scoped(Workflow, workflow.tenant_id).filter(is_default=True).exclude(pk=workflow.pk).update(
        is_default=False
    )


@transaction.atomic
def save_workflow(workflow: Workflow, steps: BaseInlineFormSet | None = None) -> Workflow:
    """Save ``workflow`` (and its ``steps`` formset); a new default replaces the old one."""
    if workflow.is_default:
        _unset_other_defaults(workflow)
    workflow.save()
    if steps is not None:
        steps.instance = workflow
        steps.save()
    positions.look_again_for_tenant(workflow.tenant)
    return workflow


@transaction.atomic
def set_default_workflow(workflow: Workflow) -> Workflow:
    """Make ``workflow`` its tenant's only default workflow."""
    _unset_other_defaults(workflow)
    workflow.is_default = True
    workflow.save(update_fields=["is_default"])
    positions.look_again_for_tenant(workflow.tenant)
    return workflow


@transaction.atomic
def save_segment(segment: Segment) -> Segment:
    """Save ``segment`` (rules already checked with ``segments.validate_rules``)."""
    segment.save()
    positions.look_again_for_tenant(segment.tenant)
    return segment


def _ask_the_gate_again(dispatches: QuerySet[Dispatch]) -> None:
    """Send planned reminders that have not been tried back to their due moment, so the next
    release asks the gate about them under the rules as they are now. Reminders waiting to
    retry keep their back-off."""
    dispatches.filter(status=DispatchStatus.PLANNED, attempts=0).update(
        send_after=Least("send_after", "due_at")
    )


@transaction.atomic
def save_tenant_defaults(tenant: Tenant, changed: list[str], zone_changed: bool) -> None:
    """Save the tenant's defaults (``changed`` names the fields). Its invoices are placed again
    by the next sweep; a new default time zone or country also has waiting reminders timed
    again, as their customers' local time or holidays may have changed."""
    if not changed:
        return
    tenant.save(update_fields=changed)
    if zone_changed:
        _ask_the_gate_again(scoped(Dispatch, tenant))


@transaction.atomic
def save_reminder_settings(row: ReminderSettings, timing_changed: bool) -> ReminderSettings:
    """Save a tenant's reminder settings.

    When the send window, the days between reminders or the on/off switch changed, waiting
    reminders are timed by the new rules at the next release (one deferred for a
    switched-off tenant would otherwise wait for the old answer).
    """
    row.save()
    if timing_changed:
        _ask_the_gate_again(scoped(Dispatch, row.tenant_id))
    return row


#: Reminders a member may put back in line: the gate decides again when they are released.
SENDABLE_AGAIN = (DispatchStatus.FAILED, DispatchStatus.BLOCKED, DispatchStatus.CANCELLED)


def _describe(dispatch: Dispatch) -> str:
    return f"{dispatch.get_tone_display()} reminder by {dispatch.get_channel_display()}"


@transaction.atomic
def _move(dispatch: Dispatch, by: User, among: tuple, kind: str, done: str, **changes) -> bool:
    """Change ``dispatch`` if its status is still one of ``among`` (a conditional update, so a
    worker that got there first wins) and note on the timeline what ``by`` did."""
    moved = (
        scoped(Dispatch, dispatch.tenant_id)
        .filter(pk=dispatch.pk, status__in=among)
        .update(**changes, updated_at=timezone.now())
    )
    if moved:
        events.record(
            dispatch.customer, kind, f"{_describe(dispatch)} {done} by {by.email}",
            dispatch_id=dispatch.pk, user_id=by.pk,
        )
    return bool(moved)


def cancel_dispatch(dispatch: Dispatch, by: User) -> bool:
    """Stop a reminder that has not left yet; False if a worker took it or it is done.

    Its invoices stay marked as reminded at its step, so the sweep does not plan it again.
    """
    return _move(
        dispatch, by, PENDING_STATUSES, events.Kind.REMINDER_CANCELLED, "cancelled",
        status=DispatchStatus.CANCELLED, reason=f"cancelled by {by.email}",
    )


def send_again(dispatch: Dispatch, by: User) -> bool:
    """Put a failed, blocked or cancelled reminder back in line; False if it is not one.

    It goes through the compliance gate again at the next release, with fresh attempts.
    """
    return _move(
        dispatch, by, SENDABLE_AGAIN, events.Kind.REMINDER_SENT_AGAIN, "put back in line",
        status=DispatchStatus.PLANNED, send_after=timezone.now(), attempts=0, error="", reason="",
    )


@transaction.atomic
def send_now(
    customer: Customer, by: User, *, channel: str, template_key: str, tone: str
) -> Dispatch:
    """Put a reminder to ``customer`` about all their open invoices in the outbox by hand.

    It leaves like the sweep's reminders: through the compliance gate at the next release,
    then a worker. Workflow positions are not touched. Raises ValidationError when nothing is
    open or the tenant has no such template.
    """
    tenant_id = customer.tenant_id
    if not scoped(Template, tenant_id).filter(key=template_key).exists():
        raise ValidationError(f"There is no template {template_key!r}.")
    open_ids = list(
        scoped(Invoice, tenant_id)
        .filter(customer=customer, status__in=OPEN_STATUSES, balance__gt=0)
        .values_list("pk", flat=True)
    )
    if not open_ids:
        raise ValidationError("Nothing is open for this customer: there is nothing to remind.")
    now = timezone.now()
    dispatch = Dispatch.objects.create(
        tenant_id=tenant_id, key=f"c{customer.pk}{MANUAL_KEY}{uuid4().hex}", customer=customer,
        channel=channel, tone=tone, template_key=template_key, status=DispatchStatus.PLANNED,
        due_at=now, send_after=now,
    )
    DispatchInvoice.objects.bulk_create(
        DispatchInvoice(tenant_id=tenant_id, dispatch=dispatch, invoice_id=pk) for pk in open_ids
    )
    events.record(
        customer, events.Kind.REMINDER_REQUESTED,
        f"{_describe(dispatch)} ({template_key}) sent by hand by {by.email}",
        dispatch_id=dispatch.pk, user_id=by.pk,
    )
    return dispatch


def copy_template(source: Template, language: str) -> Template:
    """Save a copy of ``source`` in ``language``; raise ValidationError if it cannot be."""
    copy = Template(
        tenant_id=source.tenant_id,
        key=source.key,
        language=language,
        name=source.name,
        **{part: getattr(source, part) for part in PARTS},
    )
    return save_template(copy)


#: What ``change_customer_reminders`` may change.
CUSTOMER_REMINDER_FIELDS = (
    "workflow", "reminders_paused_until", "do_not_contact", "opted_out_channels",
)


def _describe_change(customer: Customer, field: str) -> str:
    if field == "workflow":
        return (
            f"workflow pinned to {customer.workflow.name}"
            if customer.workflow
            else "workflow by segment or default"
        )
    if field == "reminders_paused_until":
        until = customer.reminders_paused_until
        return f"paused until {until:%d %b %Y}" if until else "pause lifted"
    if field == "do_not_contact":
        return "marked do-not-contact" if customer.do_not_contact else "do-not-contact lifted"
    channels = ", ".join(sorted(customer.opted_out_channels))
    return f"no reminders by {channels}" if channels else "every channel allowed"


@transaction.atomic
def change_customer_reminders(customer: Customer, by: User, changed: list[str]) -> None:
    """Save what a member changed in how ``customer`` is chased (``changed`` names the
    fields, among ``CUSTOMER_REMINDER_FIELDS``) and note it on the timeline.

    The sweep places the customer's invoices again (a new workflow), and waiting reminders
    are asked about again at the next release (a pause lifted early lets them go).
    """
    if not changed:
        return
    if unknown := set(changed) - set(CUSTOMER_REMINDER_FIELDS):
        raise ValueError(f"not a reminder setting of a customer: {sorted(unknown)}")
    customer.save(update_fields=changed)
    _ask_the_gate_again(scoped(Dispatch, customer.tenant_id).filter(customer=customer))
    events.record(
        customer, events.Kind.REMINDERS_CHANGED,
        f"Reminders changed by {by.email}: "
        + "; ".join(_describe_change(customer, field) for field in changed),
        user_id=by.pk,
    )


@transaction.atomic
def resume_reminders(customer: Customer, by: User) -> bool:
    """Lift a hold (e.g. after the customer replied); False if there was none.

    Reminders that waited on the hold are asked about again at the next release.
    """
    if not customer.reminders_on_hold:
        return False
    reason = customer.reminders_hold_reason
    customer.reminders_on_hold = False
    customer.reminders_hold_reason = ""
    customer.save(update_fields=["reminders_on_hold", "reminders_hold_reason"])
    _ask_the_gate_again(scoped(Dispatch, customer.tenant_id).filter(customer=customer))
    events.record(
        customer, events.Kind.REMINDERS_RESUMED,
        f"Reminders resumed by {by.email}" + (f" (held: {reason})" if reason else ""),
        user_id=by.pk,
    )
    return True
