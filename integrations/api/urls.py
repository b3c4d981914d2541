"""The API's addresses: ``/api/v1/…``; anything else under ``/api/`` is a problem-shaped 404."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from integrations.api.views import docs
from integrations.api.views.credit_notes import CreditNoteViewSet
from integrations.api.views.customers import CustomerViewSet
from integrations.api.views.invoices import InvoiceViewSet
from integrations.api.views.payments import PaymentViewSet
from integrations.api.views.readonly import (
    DispatchViewSet,
    DisputeViewSet,
    PromiseViewSet,
    TimelineEventViewSet,
    WorkflowViewSet,
)
from integrations.api.views.reports import AgingView
from integrations.api.views.webhooks import WebhookDeliveryViewSet, WebhookEndpointViewSet

app_name = "api"

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("payments", PaymentViewSet, basename="payment")
router.register("credit-notes", CreditNoteViewSet, basename="credit-note")
router.register("dispatches", DispatchViewSet, basename="dispatch")
router.register("timeline-events", TimelineEventViewSet, basename="timeline-event")
router.register("workflows", WorkflowViewSet, basename="workflow")
router.register("disputes", DisputeViewSet, basename="dispute")
router.register("promises", PromiseViewSet, basename="promise")
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")

v1 = [
    *router.urls,
    path("reports/aging/", AgingView.as_view(), name="report-aging"),
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path(
        "docs/", docs.swagger_policy(docs.SwaggerView.as_view(url_name="api:schema")), name="docs"
    ),
    path("redoc/", docs.redoc_policy(docs.RedocView.as_view(url_name="api:schema")), name="redoc"),
]

urlpatterns = [
    path("v1/", include(v1)),
    re_path(r"", docs.Missing.as_view(), name="missing"),
]
