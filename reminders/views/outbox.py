"""The outbox pages: every reminder, filtered; one reminder, what it said and what became of
it; cancelling one before it leaves or sending one again.

Members who may not run collections see sent messages with their portal and unsubscribe
links hidden (``outbox.masking``): holding one is acting as the customer.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kapittx.content_policy import shows_email_html
from kapittx.roles import Perm
from kapittx.search import search_text
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Customer
from reminders.channels.registry import CHANNEL_CHOICES
from reminders.models import DeliveryEvent, Dispatch, DispatchInvoice, DispatchStatus
from reminders.outbox import states
from reminders.outbox.manual import cancel_dispatch, send_again
from reminders.outbox.masking import mask_data, mask_links
from reminders.views.common import to_int

OUTBOX_PAGE_SIZE = 50


@tenant_view(Perm.VIEW_RECEIVABLES)
def outbox(request: HttpRequest) -> HttpResponse:
    """List the tenant's reminders, newest first, filtered by status, channel and customer."""
    tenant = request.tenant
    dispatches = scoped(Dispatch, tenant).select_related("customer")
    status = request.GET.get("status", "")
    if status in DispatchStatus.values:
        dispatches = dispatches.filter(status=status)
    channel = request.GET.get("channel", "")
    if channel in dict(CHANNEL_CHOICES):
        dispatches = dispatches.filter(channel=channel)
    customer = None
    if customer_id := to_int(request.GET.get("customer")):
        customer = get_object_or_404(scoped(Customer, tenant), pk=customer_id)
        dispatches = dispatches.filter(customer=customer)
    query = search_text(request)
    if query:
        dispatches = dispatches.filter(
            Q(customer__name__icontains=query) | Q(recipient__icontains=query)
        )
    page = Paginator(dispatches, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    if not _sees_links(request):
        for dispatch in page:
            dispatch.subject = mask_links(dispatch.subject)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "reminders/outbox.html",
        {
            "page": page,
            "status": status,
            "channel": channel,
            "customer": customer,
            "query": query,
            "statuses": DispatchStatus.choices,
            "channels": CHANNEL_CHOICES,
            "explained": states.EXPLAINED,
            "filter_query": params.urlencode(),
        },
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
@shows_email_html
def dispatch_detail(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Show exactly what one reminder said, to whom, about which invoices, and what became of it."""
    tenant = request.tenant
    dispatch = get_object_or_404(
        scoped(Dispatch, tenant).select_related("customer", "workflow", "step", "contact"),
        pk=dispatch_id,
    )
    events = list(scoped(DeliveryEvent, tenant).filter(dispatch=dispatch))
    if not _sees_links(request):
        # Shown, never saved: the row keeps what was sent.
        for part in ("subject", "body_html", "body_text"):
            setattr(dispatch, part, mask_links(getattr(dispatch, part)))
        for event in events:
            event.payload = mask_data(event.payload)
    return render(
        request,
        "reminders/dispatch_detail.html",
        {
            "dispatch": dispatch,
            "lines": scoped(DispatchInvoice, tenant)
            .filter(dispatch=dispatch)
            .select_related("invoice"),
            "events": events,
            "explained": states.EXPLAINED,
            "can_act": request.membership.can(Perm.RUN_COLLECTIONS),
            "cancellable": dispatch.status in states.PENDING,
            "sendable_again": dispatch.status in states.SENDABLE_AGAIN,
        },
    )


def _sees_links(request: HttpRequest) -> bool:
    """Whether the member may see the links in sent messages: those who may send."""
    return request.membership.can(Perm.RUN_COLLECTIONS)


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def dispatch_cancel(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Stop a reminder that has not left yet."""
    dispatch = get_object_or_404(scoped(Dispatch, request.tenant), pk=dispatch_id)
    if cancel_dispatch(dispatch, request.user):
        messages.success(request, "Reminder cancelled; it will not be sent.")
    else:
        messages.error(request, "Too late to cancel: this reminder is being sent or has left.")
    return redirect("dispatch_detail", tenant_slug=request.tenant.slug, dispatch_id=dispatch.pk)


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def dispatch_send_again(request: HttpRequest, dispatch_id: int) -> HttpResponse:
    """Put a failed, blocked or cancelled reminder back in line."""
    dispatch = get_object_or_404(scoped(Dispatch, request.tenant), pk=dispatch_id)
    if send_again(dispatch, request.user):
        messages.success(
            request,
            "Reminder back in line: it goes out at the next allowed moment, once the "
            "contact rules allow it.",
        )
    else:
        messages.error(request, "Only failed, blocked or cancelled reminders can be sent again.")
    return redirect("dispatch_detail", tenant_slug=request.tenant.slug, dispatch_id=dispatch.pk)


@tenant_view(Perm.VIEW_RECEIVABLES)
def reminders_attention(request: HttpRequest) -> HttpResponse:
    """The overview's panel of reminders that need a member: interrupted ones, by status."""
    counts = dict(
        scoped(Dispatch, request.tenant)
        .filter(status__in=states.NEEDS_ATTENTION)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    rows = [
        (status, DispatchStatus(status).label, counts[status])
        for status in sorted(states.NEEDS_ATTENTION)
        if counts.get(status)
    ]
    return render(request, "reminders/attention.html", {"rows": rows})
