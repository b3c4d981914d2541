"""The integrations page — every way data comes in and goes out — and the "ways in" panel a
new tenant's empty pages load, so an empty account always has something to click.

Each page named here registers itself under its URL name in ``integrations.urls`` (the
importer, the API keys, the webhooks, the exports, the hand-entry form). The links are made
by name and a page that is not installed is left out, never linked to a 404.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from kapittx.roles import Perm
from kapittx.tenancy import scoped, tenant_view
from receivables.models import Customer


@dataclass(frozen=True)
class Way:
    url_name: str
    title: str
    text: str
    perm: str | None = None  # None: the page itself says who may use it


WAYS_IN = [
    Way(
        "import_start",
        "Import a file",
        "Upload the customers, invoices or payments your accounting system exports (Xero, "
        "QuickBooks Online, Zoho Books, Sage, FreshBooks) or our CSV template.",
    ),
    Way(
        "api_keys",
        "Connect through the API",
        "Create an API key and let your accounting system or your own scripts keep "
        "customers, invoices and payments in sync.",
    ),
    Way(
        "add_by_hand",
        "Add a customer and an invoice by hand",
        "Type one in to see how reminders and the overview work.",
        Perm.EDIT_INVOICES,
    ),
]
WAYS_OUT = [
    Way(
        "webhook_list",
        "Webhooks",
        "Signed events (invoice created, payment recorded, reminder sent…) sent to your "
        "systems as they happen.",
    ),
]


def available(request: HttpRequest, ways: list[Way]) -> list[dict]:
    """Return the ways the member may use whose page is installed, with their address."""
    found = []
    for way in ways:
        if way.perm and not request.membership.can(way.perm):
            continue
        try:
            url = reverse(way.url_name, kwargs={"tenant_slug": request.tenant.slug})
        except NoReverseMatch:
            continue
        found.append({"way": way, "url": url})
    return found


def _api_example() -> str:
    return f'curl -H "Authorization: Bearer <key>" {settings.KAPITTX_PUBLIC_URL}/api/v1/customers/'


@tenant_view(Perm.VIEW_RECEIVABLES)
def integrations_home(request: HttpRequest) -> HttpResponse:
    """List the ways in and out: import, API keys, hand entry, webhooks and the exports."""
    return render(
        request,
        "integrations/hub.html",
        {
            "ways_in": available(request, WAYS_IN),
            "ways_out": available(request, WAYS_OUT),
            "api_example": _api_example(),
        },
    )


@tenant_view(Perm.VIEW_RECEIVABLES)
def ways_in_panel(request: HttpRequest) -> HttpResponse:
    """The "ways in" panel for a tenant without customers; nothing once it has some."""
    if scoped(Customer, request.tenant).exists():
        return HttpResponse("")
    return render(
        request,
        "integrations/ways_in_panel.html",
        {"ways_in": available(request, WAYS_IN), "api_example": _api_example()},
    )
