"""Integration pages, mounted at ``/t/<tenant_slug>/integrations/``."""

from django.urls import include, path

from integrations import hub

urlpatterns = [
    path("", hub.integrations_home, name="integrations_home"),
    path("ways-in/", hub.ways_in_panel, name="integrations_ways_in"),
    path("new/", include("integrations.manual.urls")),
    path("exports/", include("integrations.exports.urls")),
    path("webhooks/", include("integrations.outgoing.urls")),
    path("", include("integrations.api.page_urls")),
    path("import/", include("integrations.importers.urls")),
]
