"""What a member does with single reminders: send one by hand, cancel one before it leaves,
put one that did not leave back in line.

Each is a conditional move (a worker that got there first wins) and a note on the
customer's timeline saying who did it.
"""

from uuid import uuid4

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from collections_app import events
from kapittx.models import User
from kapittx.tenancy import scoped
from receivables.models import Customer, Invoice
from reminders.models import MANUAL_KEY, Dispatch, DispatchInvoice, DispatchStatus, Template
from reminders.outbox import states

S = DispatchStatus


def _describe(dispatch: Dispatch) -> str:
    return f"{dispatch.get_tone_display()} reminder by {dispatch.get_channel_display()}"


@transaction.atomic
def _by_member(
    dispatch: Dispatch, by: User, to: str, among, kind: str, done: str, **changes
) -> bool:
    moved = states.move_one(dispatch, to, among=among, **changes)
    if moved:
        events.record(
            dispatch.customer,
            kind,
            f"{_describe(dispatch)} {done} by {by.email}",
            dispatch_id=dispatch.pk,
            user_id=by.pk,
        )
    return moved


def cancel_dispatch(dispatch: Dispatch, by: User) -> bool:
    """Stop a reminder that has not left yet; False if a worker took it or it is done.

    Its invoices stay marked as reminded at its step, so the sweep does not plan it again.
    """
    return _by_member(
        dispatch,
        by,
        S.CANCELLED,
        states.PENDING,
        events.Kind.REMINDER_CANCELLED,
        "cancelled",
        reason=f"cancelled by {by.email}",
    )


def send_again(dispatch: Dispatch, by: User) -> bool:
    """Put a reminder that did not leave back in line; False if it is not one.

    It goes through the compliance gate again at the next release, with fresh attempts.
    """
    return _by_member(
        dispatch,
        by,
        S.PLANNED,
        states.SENDABLE_AGAIN,
        events.Kind.REMINDER_SENT_AGAIN,
        "put back in line",
        send_after=timezone.now(),
        attempts=0,
        error="",
        reason="",
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
        scoped(Invoice, tenant_id).open().filter(customer=customer).values_list("pk", flat=True)
    )
    if not open_ids:
        raise ValidationError("Nothing is open for this customer: there is nothing to remind.")
    now = timezone.now()
    dispatch = states.create(
        tenant_id=tenant_id,
        key=f"c{customer.pk}{MANUAL_KEY}{uuid4().hex}",
        customer=customer,
        channel=channel,
        tone=tone,
        template_key=template_key,
        due_at=now,
        send_after=now,
    )
    DispatchInvoice.objects.bulk_create(
        DispatchInvoice(tenant_id=tenant_id, dispatch=dispatch, invoice_id=pk) for pk in open_ids
    )
    events.record(
        customer,
        events.Kind.REMINDER_REQUESTED,
        f"{_describe(dispatch)} ({template_key}) sent by hand by {by.email}",
        dispatch_id=dispatch.pk,
        user_id=by.pk,
    )
    return dispatch
