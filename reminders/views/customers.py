"""One customer's reminders panel, shown on the customer's page: the workflow they follow,
how they are chased, which of their contacts' addresses reminders may use, what is coming
and what was sent — and the forms that change it.

The panel is a fragment the customer page loads; a form that does not save shows the whole
customer page again with this panel filled in (and its errors), so it works without script.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from collections_app.rules.recipients import address_for
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Contact, Customer, Invoice
from receivables.views.customers import customer_page
from reminders.channels.registry import CHANNELS, OUTSIDE
from reminders.forms.customers import CustomerRemindersForm, SendNowForm
from reminders.models import Dispatch, Workflow
from reminders.outbox import states
from reminders.outbox.manual import send_now
from reminders.outbox.masking import mask_links
from reminders.outbox.preview import upcoming_rows
from reminders.setup.customers import change_customer_reminders, pinned_workflow, resume_reminders
from reminders.setup.segments import workflows_for

#: How far ahead the panel looks for upcoming reminders.
UPCOMING_DAYS = 14
RECENT_REMINDERS = 20


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_object_or_404(scoped(Customer, request.tenant), pk=customer_id)


def _contact_points(customer: Customer) -> list[dict]:
    """Each contact's addresses by channel, and whether reminders may use them."""
    return [
        {
            "contact": contact,
            "channels": [
                {
                    "channel": kind,
                    "address": address,
                    "opted_out": kind in contact.opted_out_channels
                    or kind in customer.opted_out_channels,
                    "invalid": kind in contact.invalid_channels,
                }
                for kind in CHANNELS
                if kind in OUTSIDE and (address := address_for(contact, CHANNELS[kind].point))
            ],
        }
        for contact in scoped(Contact, customer.tenant_id).filter(customer=customer)
    ]


def _recent(request: HttpRequest, customer: Customer) -> list[Dispatch]:
    """The customer's latest reminders; links in subjects hidden from who may not send."""
    recent = list(
        scoped(Dispatch, customer.tenant_id)
        .filter(customer=customer)
        .order_by("-created_at", "-id")[:RECENT_REMINDERS]
    )
    if not request.membership.can(Perm.RUN_COLLECTIONS):
        for dispatch in recent:
            dispatch.subject = mask_links(dispatch.subject)
    return recent


def _panel(
    request: HttpRequest,
    customer: Customer,
    reminders_form: CustomerRemindersForm | None = None,
    send_now_form: SendNowForm | None = None,
) -> str:
    tenant = request.tenant
    today = customer.local_today()
    pinned = pinned_workflow(customer)
    workflow_id = workflows_for(tenant, [customer.pk]).get(customer.pk)
    return render_to_string(
        "reminders/customer_panel.html",
        {
            "customer": customer,
            "today": today,
            "can_act": request.membership.can(Perm.RUN_COLLECTIONS),
            "workflow": scoped(Workflow, tenant).filter(pk=workflow_id).first(),
            "pinned": pinned is not None,
            "contact_points": _contact_points(customer),
            "has_open_invoices": scoped(Invoice, tenant).open().filter(customer=customer).exists(),
            "dispatches": _recent(request, customer),
            "explained": states.EXPLAINED,
            "upcoming": upcoming_rows(tenant, UPCOMING_DAYS, [customer.pk]),
            "upcoming_days": UPCOMING_DAYS,
            "reminders_form": reminders_form
            or CustomerRemindersForm(instance=customer, today=today, pinned=pinned),
            "send_now_form": send_now_form or SendNowForm(tenant=tenant),
        },
        request=request,
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_reminders_panel(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The reminders panel of one customer, as a fragment."""
    return HttpResponse(_panel(request, _customer(request, customer_id)))


def _page_with_panel(request: HttpRequest, customer: Customer, **forms) -> HttpResponse:
    panel = _panel(request, customer, **forms)
    return customer_page(request, customer, panels={"reminders": panel}, status=400)


def _back(request: HttpRequest, customer: Customer) -> HttpResponse:
    return redirect("customer_detail", tenant_slug=request.tenant.slug, customer_id=customer.pk)


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def customer_reminders(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Change how the customer is chased: workflow, pause, do-not-contact, channel opt-outs."""
    customer = _customer(request, customer_id)
    form = CustomerRemindersForm(
        request.POST,
        instance=customer,
        today=customer.local_today(),
        pinned=pinned_workflow(customer),
    )
    if not form.is_valid():
        return _page_with_panel(request, customer, reminders_form=form)
    change_customer_reminders(
        form.instance, request.user, form.changed_data, workflow=form.cleaned_data["workflow"]
    )
    messages.success(request, "Reminder settings of this customer saved.")
    return _back(request, customer)


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def customer_send_now(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Send the customer a reminder by hand, about all their open invoices."""
    customer = _customer(request, customer_id)
    form = SendNowForm(request.POST, tenant=request.tenant)
    if form.is_valid():
        try:
            dispatch = send_now(customer, request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                "Reminder in the outbox: it leaves at the next allowed moment, if the "
                "contact rules allow it.",
            )
            return redirect(
                "dispatch_detail", tenant_slug=request.tenant.slug, dispatch_id=dispatch.pk
            )
    return _page_with_panel(request, customer, send_now_form=form)


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def customer_resume(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Lift the hold on a customer's reminders."""
    customer = _customer(request, customer_id)
    if resume_reminders(customer, request.user):
        messages.success(request, "Reminders resumed.")
    return _back(request, customer)


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_workflows(request: HttpRequest) -> HttpResponse:
    """The workflow each customer of ``?ids=`` follows, as cells the customer list swaps in."""
    ids = [int(part) for part in request.GET.get("ids", "").split(",") if part.isdigit()][:200]
    tenant = request.tenant
    wanted = list(scoped(Customer, tenant).filter(pk__in=ids).values_list("pk", flat=True))
    workflow_of = workflows_for(tenant, wanted) if wanted else {}
    names = dict(scoped(Workflow, tenant).values_list("pk", "name"))
    return HttpResponse(
        render_to_string(
            "reminders/customer_workflows.html",
            {"rows": [(pk, names.get(workflow_of.get(pk))) for pk in wanted]},
            request=request,
        )
    )
