"""Changes to a tenant's workflows: saving one with its steps, choosing the default.

Each change has the next sweep place the tenant's open invoices again.
"""

from django.db import transaction
from django.forms import BaseInlineFormSet

from kapittx.tenancy import scoped
from reminders.models import Workflow
from reminders.outbox import positions


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
