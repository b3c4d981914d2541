"""Integration pages, mounted at ``/t/<tenant_slug>/integrations/``."""

from django.urls import include, path

urlpatterns = [
    path("webhooks/", include("integrations.outgoing.urls")),
]
