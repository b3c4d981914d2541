"""Export downloads, mounted at ``/t/<tenant_slug>/integrations/exports/``."""

from django.urls import path

from integrations.exports import views

urlpatterns = [
    path("aging/", views.aging_export, name="aging_export"),
    path(
        "customers/<int:customer_id>/statement/",
        views.statement_export,
        name="statement_export",
    ),
]
