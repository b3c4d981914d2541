"""The integrations pages of a tenant, under ``/t/<slug>/integrations/``."""

from django.urls import include, path

urlpatterns = [
    path("", include("integrations.api.page_urls")),
]
