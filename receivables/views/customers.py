"""Dashboard pages for customers: the searchable list and one customer's account.

The account page shows what receivables knows — contacts, open invoices, balances — and
loads the panels of the apps above as fragments by URL name (the reminders panel, the
timeline), so nothing here imports them. A higher app that must show the page with its own
panel filled in (a form that did not save) passes the panel's HTML to ``customer_page``.
"""

import zoneinfo
from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.safestring import SafeString

from kapittx.roles import Perm
from kapittx.search import search_text
from kapittx.tenancy import scoped, tenant_view
from receivables import reports
from receivables.models import Contact, Customer, Invoice

PAGE_SIZE = 50


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_list(request: HttpRequest) -> HttpResponse:
    """List customers with their open balance per currency; search by name or external id."""
    tenant = request.tenant
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(tenant.time_zone))
    owing = scoped(Invoice, tenant).open().filter(customer=OuterRef("pk"))
    customers = scoped(Customer, tenant).annotate(
        is_overdue=Exists(owing.filter(due_date__lt=today))
    )
    query = search_text(request)
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
        .open()
        .filter(customer__in=[c.pk for c in rows])
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
    for customer in rows:
        customer.balances = balances.get(customer.pk, [])
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "receivables/customer_list.html",
        {
            "page": page,
            "customers": rows,
            "customer_ids": ",".join(str(c.pk) for c in rows),
            "query": query,
            "overdue_only": overdue_only,
            "today": today,
            "filter_query": params.urlencode(),
        },
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    """Show one customer: contacts and open invoices, with the reminders and timeline panels."""
    customer = get_object_or_404(
        scoped(Customer, request.tenant).select_related("owner"), pk=customer_id
    )
    return customer_page(request, customer)


def customer_page(
    request: HttpRequest,
    customer: Customer,
    panels: dict[str, SafeString] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``customer``'s page; ``panels`` fills a panel (``reminders``, ``timeline``)
    with ready HTML instead of loading it."""
    today = customer.local_today()
    invoices, totals = reports.open_invoices(customer, today)
    return render(
        request,
        "receivables/customer_detail.html",
        {
            "customer": customer,
            "today": today,
            "contacts": scoped(Contact, request.tenant).filter(customer=customer),
            "can_revoke_links": request.membership.can(Perm.RUN_COLLECTIONS),
            "invoices": invoices,
            "totals": totals,
            "panels": panels or {},
        },
        status=status,
    )
