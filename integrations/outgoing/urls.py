"""Webhook pages, mounted at ``/t/<tenant_slug>/integrations/webhooks/``."""

from django.urls import path

from integrations.outgoing import views

urlpatterns = [
    path("", views.webhook_list, name="webhook_list"),
    path("<int:webhook_id>/", views.webhook_detail, name="webhook_detail"),
    path("<int:webhook_id>/change/", views.webhook_change, name="webhook_change"),
    path("<int:webhook_id>/enable/", views.webhook_enable, name="webhook_enable"),
    path("<int:webhook_id>/disable/", views.webhook_disable, name="webhook_disable"),
    path("<int:webhook_id>/delete/", views.webhook_delete, name="webhook_delete"),
    path("<int:webhook_id>/test/", views.webhook_test, name="webhook_test"),
    path(
        "deliveries/<int:webhook_delivery_id>/",
        views.webhook_delivery,
        name="webhook_delivery",
    ),
    path(
        "deliveries/<int:webhook_delivery_id>/send-again/",
        views.webhook_send_again,
        name="webhook_send_again",
    ),
]
