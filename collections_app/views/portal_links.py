"""Revoking the payment-page links sent to one of a customer's contacts."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from collections_app.portal.links import revoke_links
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Contact


@tenant_view(Perm.RUN_COLLECTIONS)
@require_POST
def revoke_contact_links(request: HttpRequest, customer_id: int, contact_id: int) -> HttpResponse:
    """Stop every payment-page link sent to the contact so far; the next message brings a
    working one."""
    contact = get_object_or_404(
        scoped(Contact, request.tenant).select_related("customer"),
        pk=contact_id,
        customer_id=customer_id,
    )
    revoke_links(contact, request.user)
    messages.success(
        request,
        f"The payment-page links sent to {contact} no longer work; the next message to them "
        "brings a new one.",
    )
    return redirect("customer_detail", tenant_slug=request.tenant.slug, customer_id=customer_id)
