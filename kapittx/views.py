"""Landing and tenant switching."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kapittx.models import Membership
from kapittx.tenancy import SESSION_KEY


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go to the last tenant used, the only tenant, or the list to choose from."""
    memberships = Membership.objects.filter(user=request.user).select_related("tenant")
    last = request.session.get(SESSION_KEY)
    chosen = next((m for m in memberships if m.tenant.slug == last), None)
    if chosen is None and len(memberships) == 1:
        chosen = memberships[0]
    if chosen is None:
        return redirect("tenant_list")
    return redirect("overview", tenant_slug=chosen.tenant.slug)


@login_required
def tenant_list(request: HttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("tenant")
    return render(request, "kapittx/tenant_list.html", {"memberships": memberships})
