"""The customer's payment-status page, reached by the signed link in every reminder.

No login: the token names the tenant and the customer and is signed, so it cannot be
guessed or pointed at another customer; anything else answers 404. The page shows what the
customer owes the tenant today — open invoices with their balances, totals per currency —
and what was paid lately, in the customer's own time zone.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from kapittx.tenancy import scoped
from receivables.models import OPEN_STATUSES, Invoice, InvoiceStatus
from receivables.portal import customer_from_token
from reminders.windows import local_today

#: Paid invoices shown on the page, counted back from today.
PAID_WITHIN = timedelta(days=90)


@never_cache
def portal(request: HttpRequest, token: str) -> HttpResponse:
    customer = customer_from_token(token)
    if customer is None:
        raise Http404("This link is not valid.")
    tenant = customer.tenant
    today = local_today(timezone.now(), customer.effective_time_zone())
    invoices = scoped(Invoice, tenant).filter(customer=customer)
    open_invoices = list(
        invoices.filter(status__in=OPEN_STATUSES, balance__gt=0).order_by("due_date", "number")
    )
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"open": Decimal(0), "overdue": Decimal(0)}
    )
    for invoice in open_invoices:
        invoice.overdue_days = invoice.days_overdue(today)
        totals[invoice.currency]["open"] += invoice.balance
        if invoice.overdue_days:
            totals[invoice.currency]["overdue"] += invoice.balance
    paid = invoices.filter(
        status=InvoiceStatus.PAID, paid_on__gte=today - PAID_WITHIN
    ).order_by("-paid_on", "number")
    response = render(
        request,
        "portal/status.html",
        {
            "tenant": tenant,
            "customer": customer,
            "today": today,
            "open_invoices": open_invoices,
            "totals": sorted(totals.items()),
            "paid": paid,
        },
    )
    # The address holds the customer's key: keep it out of other sites' logs and indexes.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
