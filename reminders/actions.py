"""Changes to a tenant's reminder set-up that touch several rows: workflows, steps, segments.

Views (and anything else that edits the set-up) call these, so each change also marks the
open invoices' reminder schedules stale and the next sweep places them on the new timeline.
"""

from django.db import transaction
from django.forms import BaseInlineFormSet

from collections_app import events
from kapittx.models import Tenant, User
from kapittx.tenancy import scoped
from receivables.models import Customer
from reminders import positions
from reminders.models import Segment, Template, Workflow
from reminders.rendering import PARTS, save_template


def mark_schedules_stale(tenant: Tenant) -> int:
    """Have the next sweep place every open invoice of ``tenant`` again; return how many."""
    # A workflow or segment change can move any customer to another timeline.
    return positions.look_again_for_tenant(tenant)


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
    mark_schedules_stale(workflow.tenant)
    return workflow


@transaction.atomic
def set_default_workflow(workflow: Workflow) -> Workflow:
    """Make ``workflow`` its tenant's only default workflow."""
    _unset_other_defaults(workflow)
    workflow.is_default = True
    workflow.save(update_fields=["is_default"])
    mark_schedules_stale(workflow.tenant)
    return workflow


@transaction.atomic
def save_segment(segment: Segment) -> Segment:
    """Save ``segment`` (rules already checked with ``segments.validate_rules``)."""
    segment.save()
    mark_schedules_stale(segment.tenant)
    return segment


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


def resume_reminders(customer: Customer, by: User) -> bool:
    """Lift a hold (e.g. after the customer replied) and an open-ended pause; False if none."""
    if not customer.reminders_on_hold:
        return False
    reason = customer.reminders_hold_reason
    customer.reminders_on_hold = False
    customer.reminders_hold_reason = ""
    customer.save(update_fields=["reminders_on_hold", "reminders_hold_reason"])
    events.record(
        customer, events.Kind.REMINDERS_RESUMED,
        f"Reminders resumed by {by.email}" + (f" (held: {reason})" if reason else ""),
        user_id=by.pk,
    )
    return True
