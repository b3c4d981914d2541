"""The API keys page: a tenant's keys, a form to make one (shown once), and revoking."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from integrations.api.forms import ApiKeyForm
from integrations.api.keys import create_key, revoke_key
from integrations.api.models import ApiKey
from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view


def curl_line(request: HttpRequest, secret: str) -> str:
    """A command that tries ``secret`` against the customer list."""
    url = request.build_absolute_uri(reverse("api:customer-list"))
    return f'curl -H "Authorization: Bearer {secret}" {url}'


@tenant_view(Perm.MANAGE_MEMBERS)
def api_keys(request: HttpRequest) -> HttpResponse:
    """List the tenant's keys; make one and show its secret this once."""
    made = None
    form = ApiKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key, secret = create_key(
            request.tenant,
            form.cleaned_data["name"],
            form.cleaned_data["scope"],
            created_by=request.user,
        )
        made = {"key": key, "secret": secret, "curl": curl_line(request, secret)}
        form = ApiKeyForm()
    keys = scoped(ApiKey, request.tenant).select_related("created_by").order_by("-created")
    return render(
        request,
        "integrations/api_keys.html",
        {
            "form": form,
            "keys": keys,
            "made": made,
            "docs_url": reverse("api:docs"),
        },
    )


@tenant_view(Perm.MANAGE_MEMBERS)
@require_POST
def api_key_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke one of the tenant's keys for good."""
    prefix = request.POST.get("prefix", "").strip()
    if not prefix:
        messages.error(request, "Say which key to revoke.")
    else:
        get_object_or_404(scoped(ApiKey, request.tenant), prefix=prefix)
        key = revoke_key(request.tenant, prefix)
        messages.success(
            request, f"“{key.name}” ({key.prefix}…) is revoked: requests with it now get 401."
        )
    return redirect("api_keys", tenant_slug=request.tenant.slug)
