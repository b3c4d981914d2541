"""The workflow pages: the list, one workflow with its table of steps, the default.

Everyone in the tenant may look; changing a workflow takes ``CONFIGURE_REMINDERS``. Rows are
always fetched through ``scoped``, so another tenant's id is a 404, never a peek.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from reminders.forms.workflows import StepFormSet, WorkflowForm
from reminders.models import PinnedWorkflow, Segment, Step, Workflow
from reminders.setup.workflows import save_workflow, set_default_workflow
from reminders.views.common import can_configure, check_can_configure, count_of

STEPS_CLASH = (
    "Nothing was saved: two steps would send by the same channel on the same day. To swap "
    "two steps' days, save each change on its own."
)


@tenant_view(Perm.VIEW_RECEIVABLES)
def workflow_list(request: HttpRequest) -> HttpResponse:
    """List the workflows with how many steps, pinned customers and segments each has."""
    tenant = request.tenant
    workflows = scoped(Workflow, tenant).annotate(
        step_count=count_of(scoped(Step, tenant), "workflow"),
        pinned_count=count_of(scoped(PinnedWorkflow, tenant), "workflow"),
        segment_count=count_of(scoped(Segment, tenant), "workflow"),
    )
    return render(
        request,
        "reminders/workflow_list.html",
        {"workflows": workflows, "can_edit": can_configure(request)},
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def workflow_detail(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Show a workflow's options and steps; members who configure reminders edit them here."""
    workflow = get_object_or_404(scoped(Workflow, request.tenant), pk=workflow_id)
    return _workflow_page(request, workflow)


@tenant_view(Perm.CONFIGURE_REMINDERS)
def workflow_create(request: HttpRequest) -> HttpResponse:
    """Create a workflow with its first steps."""
    return _workflow_page(request, Workflow(tenant=request.tenant))


def _workflow_page(request: HttpRequest, workflow: Workflow) -> HttpResponse:
    tenant, can_edit = request.tenant, can_configure(request)
    data = None
    if request.method == "POST":
        check_can_configure(request)
        data = request.POST
    form = WorkflowForm(data, instance=workflow, tenant=tenant)
    steps = StepFormSet(data, instance=workflow, tenant=tenant, prefix="steps")
    if data is not None and form.is_valid() and steps.is_valid():
        created = workflow.pk is None
        try:
            save_workflow(form.instance, steps)
        except IntegrityError:
            # Two steps trading days meet on the unique key half-way; nothing was saved.
            if created:
                workflow.pk, workflow._state.adding = None, True
            steps.non_form_errors().append(STEPS_CLASH)
        else:
            done = "created" if created else "saved"
            messages.success(request, f"Workflow “{workflow.name}” {done}.")
            return redirect("workflow_detail", tenant_slug=tenant.slug, workflow_id=workflow.pk)
    saved_steps = scoped(Step, tenant).filter(workflow=workflow) if workflow.pk else []
    return render(
        request,
        "reminders/workflow_detail.html",
        {
            "workflow": workflow,
            "form": form,
            "steps": steps,
            "saved_steps": saved_steps,
            "can_edit": can_edit,
            "pinned_count": scoped(PinnedWorkflow, tenant).filter(workflow=workflow).count()
            if workflow.pk
            else 0,
            "segments": scoped(Segment, tenant).filter(workflow=workflow) if workflow.pk else [],
        },
    )


@tenant_view(Perm.CONFIGURE_REMINDERS)
@require_POST
def workflow_set_default(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Make the workflow the tenant's default (the old default stops being one)."""
    workflow = get_object_or_404(scoped(Workflow, request.tenant), pk=workflow_id)
    set_default_workflow(workflow)
    messages.success(request, f"“{workflow.name}” is now the default workflow.")
    return redirect("workflow_list", tenant_slug=request.tenant.slug)
