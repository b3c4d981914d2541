"""The URL map with every page the integrations page links to, whether or not it is
installed, so the links to them can be checked."""

from django.http import HttpResponse
from django.urls import path

from kapittx.urls import urlpatterns as installed


def _page(request, tenant_slug: str) -> HttpResponse:
    return HttpResponse("")


urlpatterns = [
    path("t/<slug:tenant_slug>/integrations/test/import/", _page, name="import_start"),
    path("t/<slug:tenant_slug>/integrations/test/api-keys/", _page, name="api_keys"),
    path("t/<slug:tenant_slug>/integrations/test/webhooks/", _page, name="webhook_list"),
    *installed,
]
