"""The hand-entry page: one customer and one invoice, typed in, for a first look without
an accounting system."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from integrations.manual.entry import EntryRefused, add_by_hand
from integrations.manual.forms import HandEntryForm
from kapittx.roles import Perm
from kapittx.tenancy import tenant_view


@tenant_view(Perm.EDIT_INVOICES)
def add_by_hand_page(request: HttpRequest) -> HttpResponse:
    """Show the form; on a valid POST add the invoice (and the new customer) and open the
    customer's page."""
    tenant = request.tenant
    form = HandEntryForm(request.POST or None, tenant=tenant)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                added = add_by_hand(tenant, form.cleaned_data)
            except EntryRefused as refused:
                for field, reason in refused.errors:
                    form.add_error(field, reason)
            else:
                messages.success(
                    request,
                    f"Invoice {form.cleaned_data['number']} added"
                    + (" for the new customer." if added.new_customer else "."),
                )
                return redirect(
                    reverse(
                        "customer_detail",
                        kwargs={"tenant_slug": tenant.slug, "customer_id": added.customer_id},
                    )
                )
        status = 400
    return render(request, "integrations/add_by_hand.html", {"form": form}, status=status)
