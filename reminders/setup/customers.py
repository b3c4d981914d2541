"""How one customer is chased: a pinned workflow, a pause, do-not-contact, channel opt-outs,
and lifting a hold.

Each change notes on the customer's timeline what a member did; the sweep places the
customer's invoices again (a new workflow) and waiting reminders are asked about again at
the next release (a pause lifted early lets them go).
"""

from django.db import transaction

from collections_app import actions, events
from kapittx.models import User
from kapittx.tenancy import scoped
from receivables.models import Customer
from reminders.models import Dispatch, PinnedWorkflow, Workflow
from reminders.outbox import positions
from reminders.outbox.release import ask_the_gate_again

#: What ``change_customer_reminders`` may change: the pinned workflow and these fields.
CUSTOMER_FIELDS = ("reminders_paused_until", "do_not_contact", "opted_out_channels")
WORKFLOW = "workflow"


def pinned_workflow(customer: Customer) -> Workflow | None:
    """Return the workflow ``customer`` is pinned to, or None (by segment, else default)."""
    pin = scoped(PinnedWorkflow, customer.tenant_id).filter(customer=customer).first()
    return pin.workflow if pin else None


def pin_workflow(customer: Customer, workflow: Workflow | None) -> None:
    """Pin ``customer`` to ``workflow`` (None: back to segments and the default)."""
    if workflow is not None and workflow.tenant_id != customer.tenant_id:
        raise ValueError("The workflow belongs to another tenant.")
    pins = scoped(PinnedWorkflow, customer.tenant_id)
    if workflow is None:
        pins.filter(customer=customer).delete()
    else:
        pins.update_or_create(
            customer=customer, defaults={"workflow": workflow, "tenant_id": customer.tenant_id}
        )
    positions.look_again_for_customer(customer.tenant_id, customer.pk)


def _describe_change(customer: Customer, field: str, workflow: Workflow | None) -> str:
    if field == WORKFLOW:
        if workflow is None:
            return "workflow by segment or default"
        return f"workflow pinned to {workflow.name}"
    if field == "reminders_paused_until":
        until = customer.reminders_paused_until
        return f"paused until {until:%d %b %Y}" if until else "pause lifted"
    if field == "do_not_contact":
        return "marked do-not-contact" if customer.do_not_contact else "do-not-contact lifted"
    channels = ", ".join(sorted(customer.opted_out_channels))
    return f"no reminders by {channels}" if channels else "every channel allowed"


@transaction.atomic
def change_customer_reminders(
    customer: Customer, by: User, changed: list[str], *, workflow: Workflow | None = None
) -> None:
    """Save what a member changed in how ``customer`` is chased and note it on the timeline.

    ``changed`` names what changed: ``workflow`` (then ``workflow`` is the new pin, None for
    none) and fields among ``CUSTOMER_FIELDS``, already set on ``customer``.
    """
    if not changed:
        return
    if unknown := set(changed) - {WORKFLOW, *CUSTOMER_FIELDS}:
        raise ValueError(f"not a reminder setting of a customer: {sorted(unknown)}")
    fields = [field for field in changed if field != WORKFLOW]
    if fields:
        customer.save(update_fields=fields)
    if WORKFLOW in changed:
        pin_workflow(customer, workflow)
    ask_the_gate_again(scoped(Dispatch, customer.tenant_id).filter(customer=customer))
    events.record(
        customer,
        events.Kind.REMINDERS_CHANGED,
        f"Reminders changed by {by.email}: "
        + "; ".join(_describe_change(customer, field, workflow) for field in changed),
        user_id=by.pk,
    )


@transaction.atomic
def resume_reminders(customer: Customer, by: User) -> bool:
    """Lift a hold (e.g. after the customer replied); False if there was none.

    Reminders that waited on the hold are asked about again at the next release; payments
    the customer reported count as checked, so the customer may report them again.
    """
    if not customer.reminders_on_hold:
        return False
    reason = customer.reminders_hold_reason
    customer.reminders_on_hold = False
    customer.reminders_hold_reason = ""
    customer.save(update_fields=["reminders_on_hold", "reminders_hold_reason"])
    actions.close_payment_reports(customer)
    ask_the_gate_again(scoped(Dispatch, customer.tenant_id).filter(customer=customer))
    events.record(
        customer,
        events.Kind.REMINDERS_RESUMED,
        f"Reminders resumed by {by.email}" + (f" (held: {reason})" if reason else ""),
        user_id=by.pk,
    )
    return True
