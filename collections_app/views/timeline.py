"""One customer's activity timeline, as a panel of the customer's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from collections_app.models import TimelineEvent
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Customer

ENTRIES = 50


@tenant_view(Perm.VIEW_RECEIVABLES)
def customer_timeline(request: HttpRequest, customer_id: int) -> HttpResponse:
    """The latest entries of one customer's timeline, as a fragment."""
    customer = get_object_or_404(scoped(Customer, request.tenant), pk=customer_id)
    entries = scoped(TimelineEvent, request.tenant).filter(customer=customer)[:ENTRIES]
    return render(request, "collections/customer_timeline.html", {"timeline": entries})
