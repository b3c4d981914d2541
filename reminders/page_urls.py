"""Reminder pages, mounted at ``/t/<tenant_slug>/reminders/``."""

from django.urls import path

from reminders import settings_views, views

urlpatterns = [
    path("workflows/", views.workflow_list, name="workflow_list"),
    path("workflows/new/", views.workflow_create, name="workflow_create"),
    path("workflows/<int:workflow_id>/", views.workflow_detail, name="workflow_detail"),
    path(
        "workflows/<int:workflow_id>/default/",
        views.workflow_set_default,
        name="workflow_set_default",
    ),
    path("templates/", views.template_list, name="template_list"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/variant/", views.template_variant, name="template_variant"),
    path("templates/<int:template_id>/preview/", views.template_preview, name="template_preview"),
    path("segments/", views.segment_list, name="segment_list"),
    path("segments/new/", views.segment_create, name="segment_create"),
    path("segments/match-count/", views.segment_match_count, name="segment_match_count"),
    path("segments/<int:segment_id>/", views.segment_edit, name="segment_edit"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:dispatch_id>/", views.dispatch_detail, name="dispatch_detail"),
    path("outbox/<int:dispatch_id>/cancel/", views.dispatch_cancel, name="dispatch_cancel"),
    path(
        "outbox/<int:dispatch_id>/send-again/", views.dispatch_send_again,
        name="dispatch_send_again",
    ),
    path("preview/", views.reminder_preview, name="reminder_preview"),
    path("settings/", settings_views.reminder_settings, name="reminder_settings"),
]
