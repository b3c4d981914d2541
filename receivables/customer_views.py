"""Dashboard pages for customers: the searchable list and one customer's account."""

import zoneinfo
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from collections_app.models import TimelineEvent
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables import reports
from receivables.models import OPEN_STATUSES, Contact, Customer, Invoice
from reminders.actions import change_customer_reminders, resume_reminders, send_now
from reminders.contacts import address_for
from reminders.forms import CustomerRemindersForm, SendNowForm
from reminders.models import Dispatch, Workflow
from reminders.segments import workflows_for
from reminders.views import EXPLAINED_STATUSES, upcoming_rows

PAGE_SIZE = 50
#: How far ahead the customer page looks for upcoming reminders.
UPCOMING_DAYS = 14
RECENT_REMINDERS = 20
TIMELINE_ENTRIES = 50
CONTACT_CHANNELS = ("email", "sms", "whatsapp", "voice")


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_list(request: HttpRequest) -> HttpResponse:
    """List customers with their open balance per currency; search by name or external id."""
    tenant = request.tenant
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(tenant.time_zone))
    owing = scoped(Invoice, tenant).filter(
        customer=OuterRef("pk"), status__in=OPEN_STATUSES, balance__gt=0
    )
    customers = scoped(Customer, tenant).annotate(
        is_overdue=Exists(owing.filter(due_date__lt=today))
    )
    query = request.GET.get("q", "").strip()
    if query:
        customers = customers.filter(Q(name__icontains=query) | Q(external_id__icontains=query))
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        customers = customers.filter(is_overdue=True)
    page = Paginator(customers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    # One grouped query for the whole page, not one per customer.
    balances = defaultdict(list)
    for row in (
        scoped(Invoice, tenant)
        .filter(customer__in=[c.pk for c in rows], status__in=OPEN_STATUSES, balance__gt=0)
        .values("customer_id", "currency")
        .annotate(
            outstanding=Sum("balance"),
            overdue=Sum("balance", filter=Q(due_date__lt=today)),
            invoices=Count("pk"),
            oldest_due=Min("due_date"),
        )
        .order_by("customer_id", "currency")
    ):
        balances[row["customer_id"]].append(row)
    workflow_of = workflows_for(tenant, [c.pk for c in rows]) if rows else {}
    workflow_names = dict(scoped(Workflow, tenant).values_list("pk", "name"))
    for customer in rows:
        customer.balances = balances.get(customer.pk, [])
        customer.workflow_name = workflow_names.get(workflow_of.get(customer.pk))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "receivables/customer_list.html",
        {
            "page": page,
            "customers": rows,
            "query": query,
            "overdue_only": overdue_only,
            "today": today,
            "filter_query": params.urlencode(),
        },
    )


def _customer(request: HttpRequest, customer_id: int) -> Customer:
    return get_object_or_404(
        scoped(Customer, request.tenant).select_related("workflow", "owner"), pk=customer_id
    )


def _local_today(customer: Customer):
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(customer.effective_time_zone()))


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Show one customer: contacts, open invoices, reminders sent and coming, and the timeline."""
    return _customer_page(request, _customer(request, customer_id))


@require_POST
@tenant_view(Perm.RUN_COLLECTIONS)
def customer_reminders(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Change how the customer is chased: workflow, pause, do-not-contact, channel opt-outs."""
    customer = _customer(request, customer_id)
    form = CustomerRemindersForm(request.POST, instance=customer, today=_local_today(customer))
    if not form.is_valid():
        return _customer_page(request, customer, reminders_form=form, status=400)
    change_customer_reminders(form.instance, request.user, form.changed_data)
    messages.success(request, "Reminder settings of this customer saved.")
    return redirect("customer_detail", tenant_slug=request.tenant.slug, customer_id=customer.pk)


@require_POST
@tenant_view(Perm.RUN_COLLECTIONS)
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
                request, "Reminder in the outbox: it leaves at the next allowed moment, if the "
                "contact rules allow it.",
            )
            return redirect(
                "dispatch_detail", tenant_slug=request.tenant.slug, dispatch_id=dispatch.pk
            )
    return _customer_page(request, customer, send_now_form=form, status=400)


def _customer_page(
    request: HttpRequest,
    customer: Customer,
    reminders_form: CustomerRemindersForm | None = None,
    send_now_form: SendNowForm | None = None,
    status: int = 200,
) -> HttpResponse:
    tenant = request.tenant
    today = _local_today(customer)
    invoices, totals = reports.open_invoices(customer, today)
    contacts = [
        {
            "contact": contact,
            "channels": [
                {
                    "channel": channel,
                    "address": address,
                    "opted_out": channel in contact.opted_out_channels
                    or channel in customer.opted_out_channels,
                    "invalid": channel in contact.invalid_channels,
                }
                for channel in CONTACT_CHANNELS
                if (address := address_for(contact, channel))
            ],
        }
        for contact in scoped(Contact, tenant).filter(customer=customer)
    ]
    workflow_id = workflows_for(tenant, [customer.pk]).get(customer.pk)
    return render(
        request,
        "receivables/customer_detail.html",
        {
            "customer": customer,
            "can_resume": request.membership.can(Perm.RUN_COLLECTIONS),
            "today": today,
            "contacts": contacts,
            "invoices": invoices,
            "totals": totals,
            "workflow": scoped(Workflow, tenant).filter(pk=workflow_id).first(),
            "dispatches": scoped(Dispatch, tenant)
            .filter(customer=customer)
            .order_by("-created_at", "-id")[:RECENT_REMINDERS],
            "explained": EXPLAINED_STATUSES,
            "upcoming": upcoming_rows(tenant, UPCOMING_DAYS, [customer.pk]),
            "upcoming_days": UPCOMING_DAYS,
            "timeline": scoped(TimelineEvent, tenant).filter(customer=customer)[:TIMELINE_ENTRIES],
            "reminders_form": reminders_form
            or CustomerRemindersForm(instance=customer, today=today),
            "send_now_form": send_now_form or SendNowForm(tenant=tenant),
        },
        status=status,
    )


@require_POST
@tenant_view(Perm.RUN_COLLECTIONS)
def customer_resume(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Lift the hold on a customer's reminders."""
    customer = get_object_or_404(scoped(Customer, request.tenant), pk=customer_id)
    if resume_reminders(customer, request.user):
        messages.success(request, "Reminders resumed.")
    return redirect("customer_detail", tenant_slug=request.tenant.slug, customer_id=customer.pk)
